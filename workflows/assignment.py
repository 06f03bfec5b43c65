"""交办 and 调整: one assignment service for every process.

A process describes how its subject is assigned with a ``WorkAssignment`` (which fields hold the
lead and the other departments, which object permissions each receives, how the departments are
named in that process). Assigning sets the departments, grants access, records the event in the
subject's timeline and tells the departments' officers and heads; reassigning also revokes the
old access, takes claimed tasks back to the new department's queue and moves open deadlines.
"""

from dataclasses import dataclass

from django.db import transaction

from accounts.audit import audit_record, audit_record_many
from accounts.models import AuditEvent, Role, User
from accounts.services import work_access_grant, work_access_revoke, works_access_grant
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


def _departments_tell(*, rule, handovers):
    """A message to the active officers and heads of the departments that received the work;
    ``handovers`` are (obj, lead, others, key), their people read in one query."""
    departments = {d.pk for _obj, lead, others, _key in handovers for d in (lead, *others)}
    people = {}
    for user in (
        User.objects.filter(
            is_active=True, department_id__in=departments, roles__role__in=[Role.OFFICER, Role.HEAD]
        )
        .distinct()
        .order_by("pk")
    ):
        people.setdefault(user.department_id, []).append(user)
    rows = []
    for obj, lead, others, key in handovers:
        title, url = subject_title(obj), obj.get_absolute_url()
        roles = {lead.pk: rule.lead_name, **{d.pk: rule.others_name for d in others}}
        for user in sorted((u for pk in roles for u in people.get(pk, ())), key=lambda u: u.pk):
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


def _others_set(rule, assignments):
    """``getattr(obj, rule.others_field).set(others)`` of every assignment, in three statements
    at most whatever their number."""
    field = type(assignments[0]["obj"])._meta.get_field(rule.others_field)
    through = field.remote_field.through
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    wanted = list(dict.fromkeys((a["obj"].pk, d.pk) for a in assignments for d in a["others"]))
    have = {
        (obj_id, department_id): pk
        for pk, obj_id, department_id in through.objects.filter(
            **{f"{source}__in": [a["obj"].pk for a in assignments]}
        ).values_list("pk", source, target)
    }
    kept = set(wanted)
    stale = [pk for pair, pk in have.items() if pair not in kept]
    if stale:
        through.objects.filter(pk__in=stale).delete()
    through.objects.bulk_create(
        [
            through(**{source: obj_id, target: department_id})
            for obj_id, department_id in wanted
            if (obj_id, department_id) not in have
        ]
    )
    for a in assignments:  # as ``set`` does, forget what was prefetched
        getattr(a["obj"], "_prefetched_objects_cache", {}).pop(rule.others_field, None)


@transaction.atomic(savepoint=False)  # never refuses: no savepoint to roll back to
def work_assign(*, obj, rule, lead, others=(), actor=None, after=None):
    """交办: give ``obj`` to its lead department (and the others), with access and a message."""
    return works_assign(
        [{"obj": obj, "lead": lead, "others": others, "after": after}], rule=rule, actor=actor
    )[0]


@transaction.atomic(savepoint=False)
def works_assign(assignments, *, rule, actor=None):
    """``work_assign`` for many objects of one model at once (an import), in a few statements
    whatever their number: each assignment is a dict of its ``obj, lead, others, after``.
    Returns the audit events, one for each."""
    assignments = [{**a, "others": list(a["others"])} for a in assignments]
    for a in assignments:
        setattr(a["obj"], rule.lead_field, a["lead"])
    type(assignments[0]["obj"]).objects.bulk_update([a["obj"] for a in assignments], [rule.lead_field])
    _others_set(rule, assignments)
    works_access_grant([rule.access(a["obj"], a["lead"], a["others"]) for a in assignments], actor=actor)
    events = audit_record_many(
        [
            {
                "action": AuditEvent.Action.ASSIGN,
                "summary": f"交办{rule.summary(a['lead'], a['others'])}",
                "actor": actor,
                "obj": a["obj"],
                "department": a["lead"],
                "after": {
                    "lead": a["lead"].code,
                    "others": [d.code for d in a["others"]],
                    **(a.get("after") or {}),
                },
            }
            for a in assignments
        ]
    )
    _departments_tell(
        rule=rule,
        handovers=[
            (a["obj"], a["lead"], a["others"], f"assign:{event.pk}")
            for a, event in zip(assignments, events, strict=True)
        ],
    )
    return events


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
    _departments_tell(rule=rule, handovers=[(obj, lead, others, f"reassign:{event.pk}")])
    return event
