"""Writes on duties: assignment moves access with the work."""

from django.db import transaction

from accounts.audit import audit_record
from accounts.models import AuditEvent
from accounts.services import department_perm_grant, department_perm_revoke

LEAD_PERMS = ("tasks.view_duty", "tasks.handle_duty")
COOPERATING_PERMS = ("tasks.view_duty",)


def _grant(duty, lead, cooperating, actor):
    for perm in LEAD_PERMS:
        department_perm_grant(department=lead, perm=perm, obj=duty, actor=actor)
    for department in cooperating:
        for perm in COOPERATING_PERMS:
            department_perm_grant(department=department, perm=perm, obj=duty, actor=actor)


def _revoke(duty, lead, cooperating, actor):
    for perm in LEAD_PERMS:
        department_perm_revoke(department=lead, perm=perm, obj=duty, actor=actor)
    for department in cooperating:
        for perm in COOPERATING_PERMS:
            department_perm_revoke(department=department, perm=perm, obj=duty, actor=actor)


@transaction.atomic
def duty_assign(*, duty, lead, cooperating=(), actor=None):
    """交办: the lead and cooperating departments receive the duty and access to it."""
    duty.lead = lead
    duty.save(update_fields=["lead"])
    duty.cooperating.set(cooperating)
    _grant(duty, lead, cooperating, actor)
    audit_record(
        action=AuditEvent.Action.ASSIGN,
        summary=f"交办牵头单位{lead}"
        + (f"，配合单位{'、'.join(str(d) for d in cooperating)}" if cooperating else ""),
        actor=actor,
        obj=duty,
        department=lead,
        after={"lead": lead.code, "cooperating": [d.code for d in cooperating]},
    )


@transaction.atomic
def duty_reassign(*, duty, lead, cooperating=(), actor):
    """调整: only the secretariat reassigns; the old departments lose access at once."""
    old_lead, old_cooperating = duty.lead, list(duty.cooperating.all())
    _revoke(duty, old_lead, old_cooperating, actor)
    duty.lead = lead
    duty.save(update_fields=["lead"])
    duty.cooperating.set(cooperating)
    _grant(duty, lead, cooperating, actor)
    audit_record(
        action=AuditEvent.Action.REASSIGN,
        summary=f"牵头单位由{old_lead}调整为{lead}",
        actor=actor,
        obj=duty,
        department=lead,
        before={"lead": old_lead.code, "cooperating": [d.code for d in old_cooperating]},
        after={"lead": lead.code, "cooperating": [d.code for d in cooperating]},
    )
