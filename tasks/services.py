"""Writes on duties: assignment moves access with the work."""

from django.db import transaction

from accounts.audit import audit_record
from accounts.models import AuditEvent
from accounts.services import work_access_grant, work_access_revoke

LEAD_PERMS = ("tasks.view_duty", "tasks.handle_duty")
COOPERATING_PERMS = ("tasks.view_duty",)


def _access(duty, lead, cooperating):
    return {
        "obj": duty,
        "lead": lead,
        "others": cooperating,
        "lead_perms": LEAD_PERMS,
        "other_perms": COOPERATING_PERMS,
    }


@transaction.atomic
def duty_assign(*, duty, lead, cooperating=(), actor=None):
    """交办: the lead and cooperating departments receive the duty and access to it."""
    duty.lead = lead
    duty.save(update_fields=["lead"])
    duty.cooperating.set(cooperating)
    work_access_grant(**_access(duty, lead, cooperating), actor=actor)
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
    work_access_revoke(**_access(duty, old_lead, old_cooperating), actor=actor)
    duty.lead = lead
    duty.save(update_fields=["lead"])
    duty.cooperating.set(cooperating)
    work_access_grant(**_access(duty, lead, cooperating), actor=actor)
    audit_record(
        action=AuditEvent.Action.REASSIGN,
        summary=f"牵头单位由{old_lead}调整为{lead}",
        actor=actor,
        obj=duty,
        department=lead,
        before={"lead": old_lead.code, "cooperating": [d.code for d in old_cooperating]},
        after={"lead": lead.code, "cooperating": [d.code for d in cooperating]},
    )
