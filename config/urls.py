from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Site

from accounts.urls import ManageApplication
from accounts.views import AccountViewset
from config.health import healthz
from dashboard import views as dashboard_views
from dashboard.urls import DashboardApplication
from tasks.campaigns.urls import CampaignApplication
from tasks.duties.urls import DutyApplication
from tasks.proposals.urls import ProposalApplication
from workflows.desk import registry
from workflows.desk.urls import DeskApplication
from workflows.desk.viewsets import ScopedFlowViewset, ScopedWorkflowAppViewset


class JointMeetingSite(Site):
    """The site menu lists our applications; viewflow's own task lists stay out of it (the desk is
    where people work, and its pages keep their URLs for the task views)."""

    def menu_items(self):
        return [app for app in super().menu_items() if not isinstance(app, ScopedWorkflowAppViewset)]


site = JointMeetingSite(
    title=_("Joint Meeting Supervision"),
    viewsets=[
        DeskApplication(),
        DashboardApplication(),
        ProposalApplication(),
        DutyApplication(),
        CampaignApplication(),
        ManageApplication(),
        # every registered process's task pages, scoped per object
        ScopedWorkflowAppViewset(
            title=_("Workflows"),
            flow_viewsets=[ScopedFlowViewset(entry) for entry in registry.processes()],
        ),
    ],
)

site.menu_template_name = "includes/site_menu.html"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", include("config.api")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", AccountViewset(with_profile_view=False).urls),
    path("admin/", admin.site.urls),
    path("", dashboard_views.home, name="home"),
    path("", site.urls),
]
