"""The integration API's URLs (/api/): each process's endpoints come from its own package."""

from django.urls import path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import api as accounts_api
from tasks.campaigns import api as campaigns_api
from tasks.duties import api as duties_api
from tasks.proposals import api as proposals_api

app_name = "api"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="api:docs"), name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("departments/", accounts_api.DepartmentListView.as_view(), name="department_list"),
    path("departments/<int:pk>/", accounts_api.DepartmentDetailView.as_view(), name="department_detail"),
    path("proposals/", proposals_api.ProposalListView.as_view(), name="proposal_list"),
    path("proposals/<int:pk>/", proposals_api.ProposalDetailView.as_view(), name="proposal_detail"),
    path(
        "proposals/<int:pk>/letters/", proposals_api.ProposalLetterListView.as_view(), name="proposal_letters"
    ),
    path("letters/<int:pk>/pdf/", proposals_api.LetterPdfView.as_view(), name="letter_pdf"),
    path("duties/", duties_api.DutyListView.as_view(), name="duty_list"),
    path("duties/<int:pk>/", duties_api.DutyDetailView.as_view(), name="duty_detail"),
    path("duties/<int:pk>/reports/", duties_api.DutyReportListView.as_view(), name="duty_reports"),
    path("campaigns/", campaigns_api.CampaignListView.as_view(), name="campaign_list"),
    path(
        "campaigns/<int:pk>/reports/", campaigns_api.CampaignReportListView.as_view(), name="campaign_reports"
    ),
]
