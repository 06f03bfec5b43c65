from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from tasks.duties import import_views, views


class DutyApplication(Application):
    """重点任务: the duties of the user's departments."""

    title = _("Duties")
    icon = "fact_check"
    app_name = "duties"
    menu_template_name = "duties/duty_menu.html"

    index_path = path("", views.DutyGridView.as_view(), name="index")
    duty_detail_path = path("<int:pk>/", views.DutyDetailView.as_view(), name="duty_detail")
    duty_assign_path = path("<int:pk>/assign/", views.duty_assign, name="duty_assign")
    table_list_path = path("tables/", views.DutyTableListView.as_view(), name="table_list")
    table_detail_path = path("tables/<int:pk>/", views.DutyTableView.as_view(), name="table_detail")
    table_assign_path = path("tables/<int:pk>/assign/", views.table_assign, name="table_assign")
    attachment_path = path("attachments/<int:pk>/", views.attachment_download, name="attachment_download")
    sign_for_path = path("sign-for/<int:task_pk>/", views.sign_for, name="sign_for")

    # spreadsheets: import (secretariat), template, export (scoped)
    import_path = path("import/", import_views.DutyImportView.as_view(), name="import")
    import_confirm_path = path(
        "import/confirm/", import_views.DutyImportConfirmView.as_view(), name="import_confirm"
    )
    import_template_path = path(
        "import/template.xlsx", import_views.DutyImportTemplateView.as_view(), name="import_template"
    )
    export_path = path("export.xlsx", import_views.DutyExportView.as_view(), name="export")
