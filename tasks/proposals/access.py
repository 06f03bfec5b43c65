"""The one way views, downloads and exports fetch proposals for a user (others' answer 404)."""

from django.contrib.contenttypes.models import ContentType
from django.shortcuts import get_object_or_404

from accounts.access import scoped_for_user, sees_everything
from tasks.proposals.models import Proposal, ProposalProcess


def proposals_for_user(user):
    return scoped_for_user(user, Proposal, ["lead_department", "co_departments"])


def proposal_get_for_user(user, pk):
    return get_object_or_404(proposals_for_user(user), pk=pk)


def proposal_processes_for_user(user, queryset=None):
    """Limit a queryset of processes to those whose proposal the user may see."""
    if queryset is None:
        queryset = ProposalProcess.objects.all()
    if sees_everything(user):
        return queryset
    return queryset.filter(
        artifact_content_type=ContentType.objects.get_for_model(Proposal),
        artifact_object_id__in=proposals_for_user(user).values("pk"),
    )
