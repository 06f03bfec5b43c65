"""The one way views, downloads and exports fetch proposals for a user (others' answer 404)."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.access import departments_of, scoped_for_user, sees_everything
from accounts.models import Role
from tasks.proposals.models import Proposal, ProposalAttachment, ProposalProcess, Reply


def proposals_for_user(user, *, unordered=False):
    return scoped_for_user(user, Proposal, ["lead_department", "co_departments"], unordered=unordered)


def proposal_registers(user):
    """Who registers suggestions and proposals (登记并交办): the secretariat."""
    return user.is_authenticated and user.is_active and (user.is_superuser or user.has_role(Role.SECRETARIAT))


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


def replies_for_user(user):
    """Replies of the proposals the user may see."""
    return Reply.objects.filter(proposal__in=proposals_for_user(user).values("pk"))


def reply_get_for_department(user, pk):
    """A reply its own department works on (others who may see the proposal get 403)."""
    reply = get_object_or_404(replies_for_user(user).select_related("proposal", "department"), pk=pk)
    if user.department_id != reply.department_id:
        raise PermissionDenied
    return reply


def reply_private_visible(user, reply):
    """Drafts and contact records stay with the handling department, its leaders and the
    secretariat; co-handlers read the released reply."""
    return sees_everything(user) or reply.department_id in departments_of(user) or reply.is_released


def attachment_get_for_user(user, pk):
    """An attachment of a proposal the user may see (others answer 404)."""
    attachments = ProposalAttachment.objects.filter(proposal__in=proposals_for_user(user).values("pk"))
    return get_object_or_404(attachments, pk=pk)
