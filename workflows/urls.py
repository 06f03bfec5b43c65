from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from workflows import views


class DeskApplication(Application):
    """工作台: the home inbox, the proposal pages, notifications, extensions and the calendar."""

    title = _("Desk")
    icon = "inbox"
    app_name = "desk"
    menu_template_name = "workflows/desk_menu.html"

    index_path = path("", views.HomeView.as_view(), name="index")
    proposal_list_path = path("proposals/", views.ProposalListView.as_view(), name="proposal_list")
    proposal_register_path = path(
        "proposals/register/", views.ProposalRegisterView.as_view(), name="proposal_register"
    )
    proposal_detail_path = path(
        "proposals/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal_detail"
    )
    notification_list_path = path(
        "notifications/", views.NotificationListView.as_view(), name="notification_list"
    )
    notification_read_path = path(
        "notifications/<int:pk>/read/", views.notification_read, name="notification_read"
    )
    notifications_read_all_path = path(
        "notifications/read-all/", views.notifications_read_all, name="notifications_read_all"
    )
    notice_detail_path = path("notices/<int:pk>/", views.NoticeDetailView.as_view(), name="notice_detail")
    notice_pdf_path = path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf")
    extension_request_path = path(
        "deadlines/<int:pk>/extension/", views.ExtensionRequestView.as_view(), name="extension_request"
    )
    extension_list_path = path("extensions/", views.ExtensionListView.as_view(), name="extension_list")
    extension_decide_path = path(
        "extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"
    )
    calendar_path = path("calendar/", views.CalendarView.as_view(), name="calendar")
    calendar_correction_delete_path = path(
        "calendar/<int:pk>/delete/", views.calendar_correction_delete, name="calendar_correction_delete"
    )
    calendar_year_confirm_path = path(
        "calendar/years/", views.calendar_year_confirm, name="calendar_year_confirm"
    )
