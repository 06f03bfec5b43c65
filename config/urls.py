from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Site

from accounts.urls import ManageApplication
from accounts.views import AccountViewset
from config.health import healthz
from tasks.duties.urls import DutyApplication
from tasks.proposals.urls import ProposalApplication
from workflows.desk import registry
from workflows.desk.urls import DeskApplication
from workflows.desk.viewsets import ScopedFlowViewset, ScopedWorkflowAppViewset

site = Site(
    title=_("Joint Meeting Supervision"),
    viewsets=[
        DeskApplication(),
        ProposalApplication(),
        DutyApplication(),
        ManageApplication(),
        # every registered process's task pages; our desk is where people work, so it is not in the menu
        ScopedWorkflowAppViewset(
            title=_("Workflows"),
            flow_viewsets=[ScopedFlowViewset(entry) for entry in registry.processes()],
        ),
    ],
)

site.menu_template_name = "includes/site_menu.html"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", AccountViewset(with_profile_view=False).urls),
    path("admin/", admin.site.urls),
    path("", site.urls),
]
