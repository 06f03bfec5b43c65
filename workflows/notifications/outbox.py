"""Notifications as an outbox: one ``Notification`` row per message and channel.

In-product messages are delivered by being stored (the header shows the unread count). E-mail
and SMS rows are queued to Celery after the transaction that created them commits; the sending
task claims a row for a while (``claimed_until``), hands it to the channel and marks it sent. A
worker that dies mid-send leaves the row pending and claimed; once the claim runs out, the
periodic sweep queues it again. The idempotency key is unique (a message is stored once) and
travels with the message: as the e-mail Message-ID and as the SMS gateway's request id.
"""

import datetime
import unicodedata

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from workflows.notifications.delivery import notifications_send
from workflows.notifications.models import Notification

QUEUE_CHUNK = 100
SWEEP_LIMIT = 5000


COLUMNS = (
    "recipient_id",
    "channel",
    "topic",
    "address",
    "subject",
    "body",
    "url",
    "idempotency_key",
    "status",
    "attempts",
    "claimed_until",
    "last_error",
    "created_at",
    "sent_at",
    "read_at",
)


def header_text(text):
    """One line without control characters: what may go into an e-mail header (the subject)."""
    kept = "".join(c for c in text if c.isspace() or unicodedata.category(c) != "Cc")
    return " ".join(kept.split())


def message_rows(*, user, topic, subject, body, url, key, sms=None):
    """The outbox rows (column values) of one message to one person: in the product, by e-mail
    when they have an address, and by SMS when ``sms`` text is given and they have a mobile."""
    now = timezone.now()
    common = {
        "recipient_id": user.pk,
        "topic": topic,
        "subject": header_text(subject)[:200],
        "url": url,
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


# up to this many rows, one INSERT … RETURNING stores them and gives their ids (a step's few
# messages); more (a dispatcher pass may store tens of thousands) go by COPY, then their ids
COPY_FROM = 500


def _rows_insert(rows):
    columns = ", ".join(Notification._meta.get_field(name.removesuffix("_id")).column for name in COLUMNS)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {Notification._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[name] for name in COLUMNS])


def notifications_store(rows, *, ignore_conflicts=False):
    """Save outbox rows and queue the pending ones once the transaction commits.

    With ``ignore_conflicts`` a row whose idempotency key exists already is left as it is.
    """
    if not rows:
        return []
    pending = Notification.Status.PENDING
    if not ignore_conflicts and (len(rows) < COPY_FROM or connection.vendor != "postgresql"):
        stored = Notification.objects.bulk_create([Notification(**row) for row in rows], batch_size=2000)
        if all(notification.pk for notification in stored):  # ids returned with the rows
            ids = [notification.pk for notification in stored if notification.status == pending]
            notifications_queue(ids)
            return ids
    elif not ignore_conflicts:
        _rows_insert(rows)
    else:
        Notification.objects.bulk_create(
            [Notification(**row) for row in rows], ignore_conflicts=True, batch_size=2000
        )
    keys = [row["idempotency_key"] for row in rows if row["status"] == pending]
    ids = []
    for start in range(0, len(keys), 5000):
        ids += Notification.objects.filter(
            idempotency_key__in=keys[start : start + 5000], status=pending
        ).values_list("pk", flat=True)
    notifications_queue(ids)
    return ids


def notifications_queue(ids):
    """Queue sending tasks for these rows after commit, a chunk of rows per task."""
    for start in range(0, len(ids), QUEUE_CHUNK):
        notifications_send.delay_on_commit(ids[start : start + QUEUE_CHUNK])


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
