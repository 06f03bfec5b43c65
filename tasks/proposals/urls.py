from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from tasks.proposals import views


class ProposalApplication(Application):
    """建议提案: the suggestions and proposals of the user's departments."""

    title = _("Suggestions and proposals")
    icon = "description"
    app_name = "proposals"
    menu_template_name = "proposals/proposal_menu.html"

    index_path = path("", views.ProposalListView.as_view(), name="index")
    proposal_register_path = path("register/", views.ProposalRegisterView.as_view(), name="proposal_register")
    proposal_detail_path = path("<int:pk>/", views.ProposalDetailView.as_view(), name="proposal_detail")
    sign_for_path = path("sign-for/<int:task_pk>/", views.sign_for, name="sign_for")
