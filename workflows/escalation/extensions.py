"""延期: the responsible department asks for a later deadline; the secretariat decides.

An approved extension moves the deadline and its scheduled timer (a new round of the ladder from
the new date, the original date kept on record), capped by the process rule.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.audit import audit_record
from accounts.models import AuditEvent, Role, User
from workflows.documents.dates import chinese_date
from workflows.escalation.deadlines import timer_new, timers_save
from workflows.escalation.models import Deadline, Extension
from workflows.escalation.node import Ladder, ladder_of
from workflows.escalation.notices import subject_title
from workflows.escalation.rungs import rung_first
from workflows.notifications import outbox
from workflows.notifications.models import Notification


def deadline_extend(*, deadline, due, now=None):
    """Move a deadline (a new round of the ladder from the new date) and its scheduled timer.

    Runs under the step's flow lock, like any change to the step's tasks.
    """
    now = now or timezone.now()
    task = deadline.task
    with task.flow_task.flow_class.lock(task.process_id):
        deadline = Deadline.objects.select_related("task").get(pk=deadline.pk)
        ladder = ladder_of(deadline.task)
        rung, light = rung_first(due, ladder.rule, now)
        deadline.due = due
        deadline.round += 1
        deadline.light = light
        deadline.save(update_fields=["due", "round", "light"])
        scheduled = [
            timer
            for timer in Task.objects.filter(previous=deadline.task, status=STATUS.SCHEDULED)
            if isinstance(timer.flow_task, Ladder)
        ]
        for timer in scheduled:
            fresh = timer_new(ladder, deadline.task, deadline, rung)
            timer.scheduled, timer.data = fresh.scheduled, fresh.data
            timer.save(update_fields=["scheduled", "data"])
        if not scheduled:
            timers_save([(timer_new(ladder, deadline.task, deadline, rung), deadline.task)])
    return deadline


def _secretariat():
    return User.objects.filter(is_active=True, roles__role=Role.SECRETARIAT).distinct()


@transaction.atomic
def extension_request(*, deadline, requested_due, reason, user):
    """延期申请: the responsible department asks for a later deadline, with a reason."""
    if user.department_id != deadline.department_id:
        raise PermissionDenied
    deadline = Deadline.objects.select_for_update().select_related("task", "department").get(pk=deadline.pk)
    deadline.validate_extension(requested_due, reason=reason)
    extension = Extension.objects.create(
        deadline=deadline,
        previous_due=deadline.due,
        requested_due=requested_due,
        reason=reason.strip(),
        requested_by=user,
    )
    subject = deadline.subject
    with translation.override(settings.LANGUAGE_CODE):
        step = str(deadline.task.flow_task.task_title)
    summary = (
        f"{deadline.department}申请将“{step}”期限由{chinese_date(deadline.due)}延至"
        f"{chinese_date(requested_due)}，理由：{extension.reason}"
    )
    audit_record(
        action=AuditEvent.Action.SUBMIT,
        summary=summary,
        actor=user,
        obj=subject,
        department=deadline.department,
        restricted=True,
        after={"extension": extension.pk, "requested_due": requested_due.isoformat()},
    )
    rows = []
    for member in _secretariat():
        rows += outbox.message_rows(
            user=member,
            topic=Notification.Topic.EXTENSION,
            subject=f"【延期申请】{subject_title(subject)}",
            body=summary + "。请审批。",
            url=reverse("desk:extension_list"),
            key=f"extension:{extension.pk}:requested",
        )
    outbox.notifications_store(rows)
    return extension


@transaction.atomic
def extension_decide(*, extension, approve, note, user):
    """The secretariat approves (the deadline and its timers move) or declines a request."""
    extension = Extension.objects.select_for_update().select_related("deadline__task").get(pk=extension.pk)
    if extension.status != Extension.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if extension.requested_by_id == user.pk:
        raise ValidationError(_("Another member of the secretariat must decide on your own request."))
    note = note.strip()
    if not approve and not note:
        raise ValidationError({"note": _("Give the reason for not approving the request.")})
    deadline = extension.deadline
    subject = deadline.subject
    with translation.override(settings.LANGUAGE_CODE):
        step = str(deadline.task.flow_task.task_title)
    before = deadline.due
    if approve:
        deadline.validate_extension(extension.requested_due, pending_allowed=True)
        deadline_extend(deadline=deadline, due=extension.requested_due)
        extension.status = Extension.Status.APPROVED
        summary = (
            f"批准{deadline.department}延期申请，“{step}”期限由{chinese_date(before)}延至"
            f"{chinese_date(extension.requested_due)}（原定期限{chinese_date(deadline.original_due)}）"
        )
        action = AuditEvent.Action.EXTEND
        outcome = "已批准"
    else:
        extension.status = Extension.Status.REJECTED
        summary = f"{deadline.department}“{step}”延期申请未获批准：{note}"
        action = AuditEvent.Action.RETURN
        outcome = "未获批准"
    extension.decided_by = user
    extension.decided_at = timezone.now()
    extension.decision_note = note
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        action=action,
        summary=summary + (f"。意见：{note}" if approve and note else ""),
        actor=user,
        obj=subject,
        department=deadline.department,
        restricted=True,
        before={"due": before.isoformat()},
        after={
            "due": (extension.requested_due if approve else before).isoformat(),
            "extension": extension.pk,
        },
    )
    outbox.notifications_store(
        outbox.message_rows(
            user=extension.requested_by,
            topic=Notification.Topic.EXTENSION,
            subject=f"【延期申请{outcome}】{subject_title(subject)}",
            body=summary + "。",
            url=subject.get_absolute_url(),
            key=f"extension:{extension.pk}:decided",
        )
    )
    return extension
