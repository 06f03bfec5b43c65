"""Notifications as an outbox: one ``Notification`` row per message and channel.

In-product messages are delivered by being stored (the header shows the unread count). E-mail
and SMS rows are queued to Celery after the transaction that created them commits; the sending
task claims a row for a while (``claimed_until``), hands it to the channel and marks it sent. A
worker that dies mid-send leaves the row pending and claimed; once the claim runs out, the
periodic sweep queues it again. The idempotency key is unique (a message is stored once) and
travels with the message: as the e-mail Message-ID and as the SMS gateway's request id.
"""

import datetime
import hashlib
import logging
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from workflows.calendar import is_working_day
from workflows.models import Extension, Light, Notification
from workflows.sms import sms_backend

logger = logging.getLogger(__name__)

QUEUE_CHUNK = 100
SWEEP_LIMIT = 5000
DIGEST_LINES = 20


def extension_list_url():
    return reverse("desk:extension_list")


COLUMNS = (
    "recipient_id",
    "channel",
    "topic",
    "address",
    "subject",
    "body",
    "url",
    "notice_id",
    "idempotency_key",
    "status",
    "attempts",
    "claimed_until",
    "last_error",
    "created_at",
    "sent_at",
    "read_at",
)


def message_rows(*, user, topic, subject, body, url, key, sms=None, notice=None):
    """The outbox rows (column values) of one message to one person: in the product, by e-mail
    when they have an address, and by SMS when ``sms`` text is given and they have a mobile."""
    now = timezone.now()
    common = {
        "recipient_id": user.pk,
        "topic": topic,
        "subject": subject[:200],
        "url": url,
        "notice_id": notice.pk if notice is not None else None,
        "attempts": 0,
        "claimed_until": None,
        "last_error": "",
        "created_at": now,
        "read_at": None,
    }
    pending = {"status": Notification.Status.PENDING, "sent_at": None}
    rows = [
        {
            **common,
            "channel": Notification.Channel.IN_APP,
            "address": "",
            "body": body,
            "idempotency_key": f"{key}:{user.pk}:in_app",
            "status": Notification.Status.SENT,
            "sent_at": now,
        }
    ]
    if user.email:
        rows.append(
            {
                **common,
                **pending,
                "channel": Notification.Channel.EMAIL,
                "address": user.email,
                "body": body,
                "idempotency_key": f"{key}:{user.pk}:email",
            }
        )
    if sms and user.mobile:
        rows.append(
            {
                **common,
                **pending,
                "channel": Notification.Channel.SMS,
                "address": user.mobile,
                "body": sms,
                "idempotency_key": f"{key}:{user.pk}:sms",
            }
        )
    return rows


def _rows_insert(rows, ignore_conflicts):
    if connection.vendor == "postgresql" and not ignore_conflicts:
        # COPY: a dispatcher pass may store tens of thousands of rows
        columns = ", ".join(Notification._meta.get_field(name.removesuffix("_id")).column for name in COLUMNS)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {Notification._meta.db_table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([row[name] for name in COLUMNS])
    else:
        Notification.objects.bulk_create(
            [Notification(**row) for row in rows], ignore_conflicts=ignore_conflicts, batch_size=2000
        )


def notifications_store(rows, *, ignore_conflicts=False):
    """Save outbox rows and queue the pending ones once the transaction commits.

    With ``ignore_conflicts`` a row whose idempotency key exists already is left as it is.
    """
    if not rows:
        return []
    _rows_insert(rows, ignore_conflicts)
    keys = [row["idempotency_key"] for row in rows if row["status"] == Notification.Status.PENDING]
    ids = []
    for start in range(0, len(keys), 5000):
        ids += Notification.objects.filter(
            idempotency_key__in=keys[start : start + 5000], status=Notification.Status.PENDING
        ).values_list("pk", flat=True)
    notifications_queue(ids)
    return ids


def notifications_queue(ids):
    """Queue sending tasks for these rows after commit, a chunk of rows per task."""
    from workflows.tasks import notifications_send

    for start in range(0, len(ids), QUEUE_CHUNK):
        notifications_send.delay_on_commit(ids[start : start + QUEUE_CHUNK])


def _email_send(notification):
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(notification.idempotency_key.encode()).hexdigest()[:40]
    body = notification.body
    if notification.url:
        body += f"\n\n{settings.SITE_URL.rstrip('/')}{notification.url}"
    body += "\n\n（本邮件由联席会议督办系统自动发送，请勿直接回复。）"
    EmailMessage(
        subject=notification.subject,
        body=body,
        to=[notification.address],
        headers={"Message-ID": f"<{digest}@{domain}>", "X-Idempotency-Key": notification.idempotency_key},
    ).send()


def _sms_send(notification):
    sms_backend().send(
        mobile=notification.address, text=notification.body, idempotency_key=notification.idempotency_key
    )


SENDERS = {Notification.Channel.EMAIL: _email_send, Notification.Channel.SMS: _sms_send}


MAX_RETRY_DELAY = datetime.timedelta(hours=1)


def retry_delay(attempts):
    """Wait before the next attempt: the retry timeout, doubling, at most an hour, so that the
    default 30 attempts ride out a gateway outage of about a day."""
    lease = datetime.timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS)
    return min(lease * 2 ** min(attempts - 1, 20), MAX_RETRY_DELAY)


def notification_deliver(*, notification_id):
    """Send one pending e-mail or SMS. Returns True when it was sent by this call.

    The claim is committed before the channel is called, so concurrent or repeated calls send
    it once; a failure leaves it pending for the sweep, up to NOTIFICATION_MAX_ATTEMPTS.
    """
    now = timezone.now()
    lease = datetime.timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS)
    claimed = (
        Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .update(claimed_until=now + lease, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    notification = Notification.objects.get(pk=notification_id)
    try:
        SENDERS[notification.channel](notification)
    except Exception as exc:  # any channel failure is recorded on the row and retried
        given_up = notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        logger.warning("Notification %s failed (attempt %d): %s", notification_id, notification.attempts, exc)
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.FAILED if given_up else Notification.Status.PENDING,
            claimed_until=None if given_up else timezone.now() + retry_delay(notification.attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        return False
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return True


def notifications_sweep():
    """Queue again every row still pending after the retry timeout (or whose claim ran out)."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS)
    ids = list(
        Notification.objects.filter(status=Notification.Status.PENDING)
        .filter(Q(claimed_until__isnull=True, created_at__lte=stale) | Q(claimed_until__lte=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    notifications_queue(ids)
    return len(ids)


def notifications_mark_read(*, user, notification=None):
    """Mark one of the user's in-product messages as read, or all of them."""
    unread = Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP, read_at__isnull=True
    )
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())


def unread_count(user):
    return Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP, read_at__isnull=True
    ).count()


def pending_work(user):
    """The user's open tasks, assigned to them or waiting for their department, soonest deadline
    first; and for the secretariat, how many extension requests await a decision."""
    from workflows import access
    from workflows.flows import flow_classes

    flows = flow_classes()
    tasks = {}
    for queryset in (access.tasks_inbox_for_user(user, flows), access.tasks_queue_for_user(user, flows)):
        for task in queryset.select_related("deadline", "process").prefetch_related("process__artifact"):
            tasks[task.pk] = task
    far = datetime.date.max
    ordered = sorted(
        tasks.values(), key=lambda task: (getattr(getattr(task, "deadline", None), "due", far), task.pk)
    )
    extensions = 0
    if user.has_role("secretariat"):
        extensions = Extension.objects.filter(status=Extension.Status.PENDING).count()
    return ordered, extensions


def _digest_line(number, task):
    from workflows.escalation import chinese_date, subject_title

    line = f"{number}. {subject_title(task.process.artifact)}——{task.flow_task.task_title}"
    deadline = getattr(task, "deadline", None)
    if deadline is not None and deadline.is_open:
        line += f"，期限{chinese_date(deadline.due)}（{Light(deadline.light).label}）"
    return line


def digest_text(user, tasks, extensions, day):
    from workflows.escalation import chinese_date

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
