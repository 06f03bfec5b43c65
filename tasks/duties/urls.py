from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from tasks.duties import views


class DutyApplication(Application):
    """重点任务: the duties of the user's departments."""

    title = _("Duties")
    icon = "fact_check"
    app_name = "duties"
    menu_template_name = "duties/duty_menu.html"

    index_path = path("", views.DutyListView.as_view(), name="index")
    duty_detail_path = path("<int:pk>/", views.DutyDetailView.as_view(), name="duty_detail")
