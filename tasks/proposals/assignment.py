"""交办 and 调整 of proposals: assigning starts the proposal flow."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from viewflow.workflow.status import STATUS

from tasks.proposals.flows import ProposalFlow
from tasks.proposals.models import Proposal
from workflows.assignment import WorkAssignment, work_assign, work_reassign
from workflows.escalation.extensions import deadline_extend
from workflows.escalation.models import Deadline
from workflows.workdays.calendar import add_working_days

ASSIGNMENT = WorkAssignment(
    lead_field="lead_department",
    others_field="co_departments",
    lead_perms=("proposals.view_proposal", "proposals.handle_proposal"),
    other_perms=("proposals.view_proposal",),
    lead_name="主办单位",
    others_name="协办单位",
)


def _sign_for_deadline():
    return add_working_days(timezone.localdate(), settings.PROPOSAL_SIGN_FOR_WORKING_DAYS)


@transaction.atomic
def proposal_assign(*, proposal, lead, co_handlers=(), actor=None):
    """交办: give the proposal to its lead handler (and co-handlers) and open the sign-for step."""
    proposal.status = Proposal.Status.ASSIGNED
    proposal.assigned_at = timezone.now()
    proposal.sign_for_deadline = _sign_for_deadline()
    proposal.save(update_fields=["status", "assigned_at", "sign_for_deadline"])
    work_assign(
        obj=proposal,
        rule=ASSIGNMENT,
        lead=lead,
        others=co_handlers,
        actor=actor,
        after={"sign_for_deadline": proposal.sign_for_deadline.isoformat()},
    )
    return ProposalFlow.start.run(proposal=proposal)


@transaction.atomic
def proposal_reassign(*, proposal, lead, co_handlers=(), actor):
    """调整: only the secretariat moves a proposal; while it awaits 签收 the new lead department
    gets a full sign-for window of its own."""
    if proposal.status == Proposal.Status.ASSIGNED:
        proposal.sign_for_deadline = _sign_for_deadline()
        proposal.save(update_fields=["sign_for_deadline"])
    work_reassign(
        obj=proposal,
        rule=ASSIGNMENT,
        lead=lead,
        others=co_handlers,
        tasks=proposal.tasks().filter(status=STATUS.ASSIGNED),
        actor=actor,
        after={"sign_for_deadline": proposal.sign_for_deadline.isoformat()},
    )
    if proposal.status == Proposal.Status.ASSIGNED:
        for deadline in Deadline.objects.open().for_subject(proposal):
            deadline_extend(deadline=deadline, due=proposal.sign_for_deadline)
