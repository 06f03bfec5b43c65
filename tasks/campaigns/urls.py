from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from tasks.campaigns import views


class CampaignApplication(Application):
    """信息报送: campaigns, their daily reports, matrix, briefs and summary tables."""

    title = _("Reporting campaigns")
    icon = "campaign"
    app_name = "campaigns"
    menu_template_name = "campaigns/campaign_menu.html"

    index_path = path("", views.CampaignListView.as_view(), name="index")
    campaign_create_path = path("new/", views.CampaignCreateView.as_view(), name="campaign_create")
    campaign_detail_path = path("<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail")
    activity_create_path = path(
        "<int:pk>/activities/new/", views.ActivityCreateView.as_view(), name="activity_create"
    )
    activity_import_path = path(
        "<int:pk>/activities/import/", views.ActivityImportView.as_view(), name="activity_import"
    )
    matrix_path = path("<int:pk>/matrix/", views.MatrixView.as_view(), name="matrix")
    matrix_data_path = path("<int:pk>/matrix/data/", views.matrix_data, name="matrix_data")
    report_file_path = path("<int:pk>/reports/new/", views.ReportFileView.as_view(), name="report_file")
    report_detail_path = path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail")
    photo_original_path = path("photos/<int:pk>/", views.photo_original, name="photo_original")
    photo_thumbnail_path = path("photos/<int:pk>/thumbnail/", views.photo_thumbnail, name="photo_thumbnail")
    brief_pdf_path = path("briefs/<int:pk>/", views.brief_pdf, name="brief_pdf")
    summary_path = path("<int:pk>/summary/", views.SummaryView.as_view(), name="summary")
    summary_import_path = path(
        "<int:pk>/summary/import/", views.SummaryImportView.as_view(), name="summary_import"
    )
    summary_export_path = path("<int:pk>/summary/export/", views.summary_export, name="summary_export")
    summary_row_delete_path = path(
        "summary-rows/<int:pk>/delete/", views.summary_row_delete, name="summary_row_delete"
    )
