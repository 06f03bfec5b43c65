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

    index_path = path("", views.DutyListView.as_view(), name="index")
    duty_detail_path = path("<int:pk>/", views.DutyDetailView.as_view(), name="duty_detail")

    # spreadsheets: import (secretariat), template, export (scoped)
    import_path = path("import/", import_views.DutyImportView.as_view(), name="import")
    import_confirm_path = path(
        "import/confirm/", import_views.DutyImportConfirmView.as_view(), name="import_confirm"
    )
    import_template_path = path(
        "import/template.xlsx", import_views.DutyImportTemplateView.as_view(), name="import_template"
    )
    export_path = path("export.xlsx", import_views.DutyExportView.as_view(), name="export")
