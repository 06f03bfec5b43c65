"""每日待办提醒: the morning digest of every registered process's pending work."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from workflows.desk.inbox import pending_work
from workflows.documents.dates import chinese_date
from workflows.escalation.models import Light
from workflows.escalation.notices import subject_title
from workflows.notifications.models import Notification
from workflows.notifications.outbox import message_rows, notifications_store
from workflows.workdays.calendar import is_working_day

DIGEST_LINES = 20


def _digest_line(number, task):
    line = f"{number}. {subject_title(task.process.artifact)}——{task.flow_task.task_title}"
    deadline = getattr(task, "deadline", None)
    if deadline is not None and deadline.is_open:
        line += f"，期限{chinese_date(deadline.due)}（{Light(deadline.light).label}）"
    return line


def digest_text(user, tasks, extensions, day):
    count = len(tasks) + extensions
    subject = f"【每日待办提醒】您有{count}项待办事项"
    lines = [f"{user.get_full_name()}：截至{chinese_date(day)}，您有以下待办事项："]
    lines += [_digest_line(number, task) for number, task in enumerate(tasks[:DIGEST_LINES], start=1)]
    if len(tasks) > DIGEST_LINES:
        lines.append(f"……另有{len(tasks) - DIGEST_LINES}项，请登录系统查看。")
    if extensions:
        lines.append(f"另有{extensions}项延期申请待审批。")
    lines.append("请及时办理。")
    return subject, "\n".join(lines)


def digests_queue(*, day=None):
    """每日待办提醒: on a working day, one message to each person with pending work.

    Runs at 08:30 from Celery beat; the idempotency key holds the date, so a second run the same
    day sends nothing new. Returns how many people were told.
    """
    day = day or timezone.localdate()
    if not is_working_day(day):
        return 0
    rows, told = [], 0
    with translation.override(settings.LANGUAGE_CODE):
        for user in User.objects.filter(is_active=True, department__isnull=False).order_by("pk"):
            tasks, extensions = pending_work(user)
            if not tasks and not extensions:
                continue
            subject, body = digest_text(user, tasks, extensions, day)
            rows += message_rows(
                user=user,
                topic=Notification.Topic.DIGEST,
                subject=subject,
                body=body,
                url=reverse("desk:index"),
                key=f"digest:{day.isoformat()}",
            )
            told += 1
    notifications_store(rows, ignore_conflicts=True)
    return told
