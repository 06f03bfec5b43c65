"""Sending one e-mail or SMS row of the outbox, and the Celery task that does it.

Delivery is at least once. The row is claimed (committed) before the channel is called and marked
SENT as soon as the channel has accepted the message: right after the mail server's reply to the
message data, before the SMTP connection is closed. A worker killed between that reply and the
mark leaves the row pending; once its claim runs out the sweep queues it again and it is sent a
second time, with the same Message-ID (and the SMS gateway gets the same request id), so that a
mail server or gateway that de-duplicates drops the copy.
"""

import datetime
import hashlib
import logging
from email.utils import parseaddr

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.utils import timezone

from workflows.notifications.models import Notification
from workflows.notifications.sms import sms_backend

logger = logging.getLogger(__name__)


def message_id(notification):
    """The e-mail's Message-ID: derived from the idempotency key, the same on every attempt."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(notification.idempotency_key.encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def _email_send(notification, accepted):
    body = notification.body
    if notification.url:
        body += f"\n\n{settings.SITE_URL.rstrip('/')}{notification.url}"
    body += "\n\n（本邮件由联席会议督办系统自动发送，请勿直接回复。）"
    # Opened here, the connection stays open after the message (Django closes a connection it
    # opened itself): the row is marked SENT before the QUIT round trip, not after it.
    connection = get_connection()
    connection.open()
    try:
        EmailMessage(
            subject=notification.subject,
            body=body,
            to=[notification.address],
            headers={
                "Message-ID": message_id(notification),
                "X-Idempotency-Key": notification.idempotency_key,
            },
            connection=connection,
        ).send()
        accepted()
    finally:
        try:
            connection.close()
        except Exception as exc:  # the message was accepted already
            logger.info("Closing the SMTP connection after notification %s failed: %s", notification.pk, exc)


def _sms_send(notification, accepted):
    sms_backend().send(
        mobile=notification.address, text=notification.body, idempotency_key=notification.idempotency_key
    )
    accepted()


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
    it once while it is claimed; a failure leaves it pending for the sweep, up to
    NOTIFICATION_MAX_ATTEMPTS. A worker that dies mid-send leaves it claimed until the claim runs
    out (NOTIFICATION_RETRY_SECONDS), then the sweep queues it again.
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
    accepted = []

    def mark_sent():
        accepted.append(True)
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
        )

    try:
        SENDERS[notification.channel](notification, mark_sent)
    except Exception as exc:  # any channel failure is recorded on the row and retried
        if accepted:
            # the channel took the message but the row could not be marked: it stays pending and
            # claimed, and the sweep sends it again once the claim runs out (at least once)
            logger.error("Notification %s was sent but could not be marked sent: %s", notification_id, exc)
            return False
        given_up = notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        logger.warning("Notification %s failed (attempt %d): %s", notification_id, notification.attempts, exc)
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.FAILED if given_up else Notification.Status.PENDING,
            claimed_until=None if given_up else timezone.now() + retry_delay(notification.attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        return False
    return True


# Queued by the outbox itself, so it sits beside the delivery it triggers.
@shared_task(name="notifications.send")
def notifications_send(notification_ids):
    """Send these pending e-mail and SMS rows; rows already sent or claimed are left alone."""
    return sum(notification_deliver(notification_id=pk) for pk in notification_ids)
