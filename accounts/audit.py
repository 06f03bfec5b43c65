"""Recording the audit trail (留痕). Every state change of a duty or proposal, every permission
change and every login attempt goes through ``audit_record`` (or ``audit_record_many`` for a
batch, e.g. the escalation notices a timer dispatcher issues at once)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from accounts.access import concerns_user, sees_everything
from accounts.models import AuditEvent


def _event(
    *,
    action,
    summary,
    actor=None,
    obj=None,
    department=None,
    before=None,
    after=None,
    ip_address=None,
    restricted=False,
):
    return AuditEvent(
        action=action,
        summary=summary[:500],
        actor=actor if actor is not None and actor.pk else None,
        actor_name=(actor.get_full_name() if actor is not None and actor.pk else "系统"),
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        department=department,
        before=before,
        after=after,
        ip_address=ip_address,
        restricted=restricted,
    )


def audit_record(**event):
    """Record one event; takes ``action, summary`` and optionally ``actor, obj, department,
    before, after, ip_address`` as keywords, and ``restricted=True`` for an event that only the
    department concerned (and its leaders, and the secretariat) may read."""
    record = _event(**event)
    record.save()
    return record


def audit_record_many(events):
    """Record many events in one statement; each is a dict of ``audit_record``'s keywords."""
    return AuditEvent.objects.bulk_create([_event(**event) for event in events], batch_size=2000)


def audit_timeline(obj, user):
    """The history of ``obj`` as ``user`` may read it: a restricted event (an escalation notice,
    an extension request) only for its department, the leaders over it and the secretariat."""
    events = AuditEvent.objects.for_object(obj)
    if sees_everything(user):
        return events
    return events.filter(Q(restricted=False) | concerns_user(user))
