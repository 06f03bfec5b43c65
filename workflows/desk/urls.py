from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from workflows.desk import views
from workflows.escalation import views as escalation_views
from workflows.notifications import views as notification_views


class DeskApplication(Application):
    """工作台: the inbox, notifications, notices, extensions and the working-day calendar."""

    title = _("Desk")
    icon = "inbox"
    app_name = "desk"
    menu_template_name = "desk/desk_menu.html"

    index_path = path("", views.HomeView.as_view(), name="index")
    task_take_path = path("tasks/<int:pk>/take/", views.task_take, name="task_take")
    notification_list_path = path(
        "notifications/", notification_views.NotificationListView.as_view(), name="notification_list"
    )
    notification_read_path = path(
        "notifications/<int:pk>/read/", notification_views.notification_read, name="notification_read"
    )
    notifications_read_all_path = path(
        "notifications/read-all/", notification_views.notifications_read_all, name="notifications_read_all"
    )
    notice_detail_path = path(
        "notices/<int:pk>/", escalation_views.NoticeDetailView.as_view(), name="notice_detail"
    )
    notice_pdf_path = path("notices/<int:pk>/pdf/", escalation_views.notice_pdf, name="notice_pdf")
    extension_request_path = path(
        "deadlines/<int:pk>/extension/",
        escalation_views.ExtensionRequestView.as_view(),
        name="extension_request",
    )
    extension_list_path = path(
        "extensions/", escalation_views.ExtensionListView.as_view(), name="extension_list"
    )
    extension_decide_path = path(
        "extensions/<int:pk>/decide/", escalation_views.extension_decide, name="extension_decide"
    )
    calendar_path = path("calendar/", views.CalendarView.as_view(), name="calendar")
    calendar_correction_delete_path = path(
        "calendar/<int:pk>/delete/", views.calendar_correction_delete, name="calendar_correction_delete"
    )
    calendar_year_confirm_path = path(
        "calendar/years/", views.calendar_year_confirm, name="calendar_year_confirm"
    )
