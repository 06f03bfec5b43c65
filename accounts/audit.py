"""Recording the audit trail (留痕). Every state change of a duty or proposal, every permission
change and every login attempt goes through ``audit_record``."""

from django.contrib.contenttypes.models import ContentType

from accounts.models import AuditEvent


def audit_record(
    *, action, summary, actor=None, obj=None, department=None, before=None, after=None, ip_address=None
):
    return AuditEvent.objects.create(
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
    )


def audit_timeline(obj):
    return AuditEvent.objects.for_object(obj)
