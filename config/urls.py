from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Site

from accounts.urls import ManageApplication
from accounts.views import AccountViewset
from config.health import healthz
from tasks.urls import DutyApplication
from workflows.access import proposal_processes_for_user
from workflows.flows import ProposalFlow
from workflows.urls import DeskApplication
from workflows.viewsets import ScopedFlowViewset, ScopedWorkflowAppViewset

site = Site(
    title=_("Joint Meeting Supervision"),
    viewsets=[
        DeskApplication(),
        DutyApplication(),
        ManageApplication(),
        ScopedWorkflowAppViewset(
            title=_("Workflows"),
            flow_viewsets=[
                ScopedFlowViewset(ProposalFlow, scope=proposal_processes_for_user, icon="assignment")
            ],
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
