"""交办 and 调整: one assignment service for every process.

A process describes how its subject is assigned with a ``WorkAssignment`` (which fields hold the
lead and the other departments, which object permissions each receives, how the departments are
named in that process). Assigning sets the departments, grants access, records the event in the
subject's timeline and tells the departments' officers and heads; reassigning also revokes the
old access, takes claimed tasks back to the new department's queue and moves open deadlines.
"""

from dataclasses import dataclass

from django.db import transaction

from accounts.audit import audit_record
from accounts.models import AuditEvent, Role, User
from accounts.services import work_access_grant, work_access_revoke
from workflows.escalation.deadlines import deadlines_reassign
from workflows.escalation.notices import subject_title
from workflows.notifications.models import Notification
from workflows.notifications.outbox import message_rows, notifications_store


@dataclass(frozen=True)
class WorkAssignment:
    lead_field: str  # foreign key to the lead department
    others_field: str  # many-to-many to the other departments
    lead_perms: tuple
    other_perms: tuple
    lead_name: str  # 主办单位 / 牵头单位
    others_name: str  # 协办单位 / 配合单位

    def access(self, obj, lead, others):
        return {
            "obj": obj,
            "lead": lead,
            "others": others,
            "lead_perms": self.lead_perms,
            "other_perms": self.other_perms,
        }

    def summary(self, lead, others):
        text = f"{self.lead_name}{lead}"
        if others:
            text += f"，{self.others_name}{'、'.join(str(d) for d in others)}"
        return text


def _departments_tell(*, obj, rule, lead, others, key):
    """A message to the active officers and heads of the departments that received the work."""
    title = subject_title(obj)
    roles = {lead.pk: rule.lead_name, **{d.pk: rule.others_name for d in others}}
    people = (
        User.objects.filter(
            is_active=True, department_id__in=roles, roles__role__in=[Role.OFFICER, Role.HEAD]
        )
        .distinct()
        .order_by("pk")
    )
    rows, url = [], obj.get_absolute_url()
    for user in people:
        body = f"{title}已交办，贵单位为{roles[user.department_id]}，请及时签收办理。"
        rows += message_rows(
            user=user,
            topic=Notification.Topic.ASSIGNMENT,
            subject=f"【交办】{title}",
            body=body,
            url=url,
            key=f"{key}:{user.department_id}",
            sms=body,
        )
    notifications_store(rows)


@transaction.atomic(savepoint=False)  # never refuses: no savepoint to roll back to
def work_assign(*, obj, rule, lead, others=(), actor=None, after=None):
    """交办: give ``obj`` to its lead department (and the others), with access and a message."""
    others = list(others)
    setattr(obj, rule.lead_field, lead)
    obj.save(update_fields=[rule.lead_field])
    getattr(obj, rule.others_field).set(others)
    work_access_grant(**rule.access(obj, lead, others), actor=actor)
    event = audit_record(
        action=AuditEvent.Action.ASSIGN,
        summary=f"交办{rule.summary(lead, others)}",
        actor=actor,
        obj=obj,
        department=lead,
        after={"lead": lead.code, "others": [d.code for d in others], **(after or {})},
    )
    _departments_tell(obj=obj, rule=rule, lead=lead, others=others, key=f"assign:{event.pk}")
    return event


@transaction.atomic
def work_reassign(*, obj, rule, lead, others=(), tasks=(), actor, after=None):
    """调整: only the secretariat moves work; access moves with it at once.

    Open tasks stay in place (their permission object is ``obj``), so the new lead department
    finds them in its queue; a claim by the old department's officer is undone. Open deadlines
    follow the work to the new lead department.
    """
    others = list(others)
    old_lead, old_others = getattr(obj, rule.lead_field), list(getattr(obj, rule.others_field).all())
    work_access_revoke(**rule.access(obj, old_lead, old_others), actor=actor)
    setattr(obj, rule.lead_field, lead)
    obj.save(update_fields=[rule.lead_field])
    getattr(obj, rule.others_field).set(others)
    work_access_grant(**rule.access(obj, lead, others), actor=actor)
    for task in tasks:
        with task.activation() as activation:
            activation.unassign()
    deadlines_reassign(subject=obj, department=lead)
    event = audit_record(
        action=AuditEvent.Action.REASSIGN,
        summary=f"{rule.lead_name}由{old_lead}调整为{lead}",
        actor=actor,
        obj=obj,
        department=lead,
        before={"lead": old_lead.code, "others": [d.code for d in old_others]},
        after={"lead": lead.code, "others": [d.code for d in others], **(after or {})},
    )
    _departments_tell(obj=obj, rule=rule, lead=lead, others=others, key=f"reassign:{event.pk}")
    return event
