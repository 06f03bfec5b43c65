from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from dashboard import views


class DashboardApplication(Application):
    """领导驾驶舱: figures, drill-down lists, export, monthly circulars, calendar feeds."""

    title = _("Dashboard")
    icon = "insights"
    app_name = "dashboard"
    menu_template_name = "dashboard/dashboard_menu.html"

    index_path = path("", views.DashboardView.as_view(), name="index")
    steps_path = path("steps/", views.StepListView.as_view(), name="steps")
    proposals_path = path("proposals/", views.ProposalListView.as_view(), name="proposals")
    export_path = path("export.xlsx", views.dashboard_export, name="export")
    circulars_path = path("circulars/", views.CircularListView.as_view(), name="circulars")
    circular_request_path = path("circulars/request/", views.circular_request, name="circular_request")
    circular_pdf_path = path("circulars/<int:pk>/", views.circular_pdf, name="circular_pdf")
    calendar_feed_settings_path = path(
        "calendar-feed/", views.CalendarFeedSettingsView.as_view(), name="calendar_feed_settings"
    )
    calendar_feed_create_path = path(
        "calendar-feed/new/", views.calendar_feed_create, name="calendar_feed_create"
    )
    calendar_feed_revoke_path = path(
        "calendar-feed/revoke/", views.calendar_feed_revoke, name="calendar_feed_revoke"
    )
    calendar_feed_path = path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed")
