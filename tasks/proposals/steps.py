"""Completing a step of the proposal flow in one request, outside its own page."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from tasks.proposals import services
from tasks.proposals.flows import ProposalFlow
from tasks.proposals.models import Proposal
from workflows.engine import task_activation


@transaction.atomic
def sign_for_complete(*, task, user):
    """签收 in one click: take the sign-for task if it still waits in the department's queue, and
    complete it. ``task_activation`` holds the process lock and re-reads the task under it. The
    caller has checked that the user may take it."""
    with task_activation(task) as activation:
        task = activation.task
        if task.flow_task != ProposalFlow.sign_for or task.status not in (STATUS.NEW, STATUS.ASSIGNED):
            raise ValidationError(_("This item has already been signed for."))
        if task.status == STATUS.ASSIGNED and task.owner_id != user.pk:
            raise ValidationError(
                _("%(name)s has already taken this task.") % {"name": task.owner.get_full_name()}
            )
        if task.status == STATUS.NEW:
            activation.assign(user)
        proposal = Proposal.objects.select_related("lead_department").get(pk=task.process.artifact_object_id)
        services.proposal_sign_for(proposal=proposal, user=user)
        activation.start(None)
        activation.execute()
    return task
