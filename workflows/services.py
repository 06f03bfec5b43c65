"""Business writes of the proposal process; views, flows and Celery tasks call these."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.services import department_perm_grant
from workflows.calendar import add_working_days
from workflows.models import Proposal, Proposer


@transaction.atomic
def proposal_register(*, kind, session, number, title, content, proposers, is_public=True):
    """登记: record a suggestion or proposal with its proposers (the first one leads)."""
    proposal = Proposal.objects.create(
        kind=kind,
        session=session,
        number=number,
        title=title,
        content=content,
        is_public=is_public,
    )
    for index, proposer in enumerate(proposers):
        Proposer.objects.create(proposal=proposal, is_lead=index == 0, **proposer)
    return proposal


@transaction.atomic
def proposal_assign(*, proposal, lead, co_handlers=()):
    """交办: give the proposal to its lead handler (and co-handlers) and open the sign-for step."""
    from workflows.flows import ProposalFlow

    now = timezone.now()
    proposal.lead_department = lead
    proposal.status = Proposal.Status.ASSIGNED
    proposal.assigned_at = now
    proposal.sign_for_deadline = add_working_days(
        timezone.localdate(now), settings.PROPOSAL_SIGN_FOR_WORKING_DAYS
    )
    proposal.save()
    proposal.co_departments.set(co_handlers)

    department_perm_grant(department=lead, perm="workflows.view_proposal", obj=proposal)
    department_perm_grant(department=lead, perm="workflows.handle_proposal", obj=proposal)
    for department in co_handlers:
        department_perm_grant(department=department, perm="workflows.view_proposal", obj=proposal)

    return ProposalFlow.start.run(proposal=proposal)


@transaction.atomic
def proposal_sign_for(*, proposal, user):
    """签收: the lead department accepts the proposal and starts handling it."""
    proposal.status = Proposal.Status.HANDLING
    proposal.signed_for_at = timezone.now()
    proposal.signed_for_by = user
    proposal.save(update_fields=["status", "signed_for_at", "signed_for_by"])
