"""Business writes of the proposal process; views, flows and Celery tasks call these."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from viewflow.workflow.status import STATUS

from accounts.audit import audit_record
from accounts.models import AuditEvent
from accounts.services import work_access_grant, work_access_revoke
from workflows import escalation
from workflows.calendar import add_working_days
from workflows.models import Deadline, Proposal, Proposer

LEAD_PERMS = ("workflows.view_proposal", "workflows.handle_proposal")
CO_HANDLER_PERMS = ("workflows.view_proposal",)


@transaction.atomic
def proposal_register(*, kind, session, number, title, content, proposers, is_public=True, actor=None):
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
    audit_record(
        action=AuditEvent.Action.REGISTER,
        summary=f"登记{proposal.get_kind_display()}第{number}号",
        actor=actor,
        obj=proposal,
        after={"title": title, "proposers": [p["name"] for p in proposers]},
    )
    return proposal


def _access(proposal, lead, co_handlers):
    return {
        "obj": proposal,
        "lead": lead,
        "others": co_handlers,
        "lead_perms": LEAD_PERMS,
        "other_perms": CO_HANDLER_PERMS,
    }


@transaction.atomic
def proposal_assign(*, proposal, lead, co_handlers=(), actor=None):
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
    work_access_grant(**_access(proposal, lead, co_handlers), actor=actor)
    audit_record(
        action=AuditEvent.Action.ASSIGN,
        summary=f"交办主办单位{lead}"
        + (f"，协办单位{'、'.join(str(d) for d in co_handlers)}" if co_handlers else ""),
        actor=actor,
        obj=proposal,
        department=lead,
        after={
            "lead": lead.code,
            "co_handlers": [d.code for d in co_handlers],
            "sign_for_deadline": proposal.sign_for_deadline.isoformat(),
        },
    )
    return ProposalFlow.start.run(proposal=proposal)


@transaction.atomic
def proposal_reassign(*, proposal, lead, co_handlers=(), actor):
    """调整: only the secretariat moves a proposal; access moves with it at once.

    The open sign-for task stays in place (its permission object is the proposal), so the new
    lead department finds it in its queue; a claim by the old department's officer is undone.
    """
    old_lead, old_co = proposal.lead_department, list(proposal.co_departments.all())
    work_access_revoke(**_access(proposal, old_lead, old_co), actor=actor)
    proposal.lead_department = lead
    proposal.save(update_fields=["lead_department"])
    proposal.co_departments.set(co_handlers)
    work_access_grant(**_access(proposal, lead, co_handlers), actor=actor)
    for task in proposal.tasks().filter(status=STATUS.ASSIGNED):
        with task.activation() as activation:
            activation.unassign()
    escalation.deadlines_reassign(subject=proposal, department=lead)
    if proposal.status == Proposal.Status.ASSIGNED:
        # the new lead department gets a full sign-for window of its own
        proposal.sign_for_deadline = add_working_days(
            timezone.localdate(), settings.PROPOSAL_SIGN_FOR_WORKING_DAYS
        )
        proposal.save(update_fields=["sign_for_deadline"])
        for deadline in Deadline.objects.open().for_subject(proposal):
            escalation.deadline_extend(deadline=deadline, due=proposal.sign_for_deadline)
    audit_record(
        action=AuditEvent.Action.REASSIGN,
        summary=f"主办单位由{old_lead}调整为{lead}",
        actor=actor,
        obj=proposal,
        department=lead,
        before={"lead": old_lead.code, "co_handlers": [d.code for d in old_co]},
        after={
            "lead": lead.code,
            "co_handlers": [d.code for d in co_handlers],
            "sign_for_deadline": proposal.sign_for_deadline.isoformat(),
        },
    )


@transaction.atomic
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
