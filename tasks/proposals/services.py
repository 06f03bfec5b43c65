"""Business writes of the proposal process that need no flow; views and flows call these.

Assignment, which starts the flow, is in ``assignment``."""

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent
from tasks.proposals.models import Proposal, Proposer


@transaction.atomic
def proposal_register(
    *,
    kind,
    session,
    number,
    title,
    content,
    proposers,
    sitting="",
    received_on=None,
    mode=Proposal.Mode.LEAD,
    is_public=True,
    actor=None,
):
    """登记: record a suggestion or proposal with its proposers (the first one leads)."""
    proposal = Proposal.objects.create(
        kind=kind,
        session=session,
        sitting=sitting,
        number=number,
        title=title,
        content=content,
        received_on=received_on,
        mode=mode,
        is_public=is_public,
    )
    for index, proposer in enumerate(proposers):
        name = Proposer.name_without_title(proposer["name"])
        Proposer.objects.create(proposal=proposal, is_lead=index == 0, **{**proposer, "name": name})
    audit_record(
        action=AuditEvent.Action.REGISTER,
        summary=f"登记{proposal.get_kind_display()}第{number}号",
        actor=actor,
        obj=proposal,
        after={"title": title, "proposers": [Proposer.name_without_title(p["name"]) for p in proposers]},
    )
    return proposal


@transaction.atomic(savepoint=False)
def proposal_sign_for(*, proposal, user):
    """签收: the lead department accepts the proposal and starts handling it."""
    proposal.status = Proposal.Status.HANDLING
    proposal.signed_for_at = timezone.now()
    proposal.signed_for_by = user
    proposal.save(update_fields=["status", "signed_for_at", "signed_for_by"])
    audit_record(
        action=AuditEvent.Action.SIGN_FOR,
        summary=f"{proposal.lead_department}签收",
        actor=user,
        obj=proposal,
        department=proposal.lead_department,
        before={"status": Proposal.Status.ASSIGNED},
        after={"status": Proposal.Status.HANDLING},
    )
