from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from workflows import views


class DeskApplication(Application):
    """工作台: the home inbox and the proposal pages."""

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
