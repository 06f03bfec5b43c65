"""Celery tasks: thin triggers that take primary keys; the work lives in the services."""

import datetime
import logging
import uuid

from celery import shared_task
from django.core.cache import cache

from workflows import escalation, notifications, pdf

logger = logging.getLogger(__name__)

DISPATCHER_LOCK_KEY = "workflow-timers-dispatcher"
DISPATCHER_LOCK_SECONDS = 600


@shared_task
def workflow_timers_fire():
    """Fire every due workflow timer (Celery beat, every WORKFLOW_TIMER_INTERVAL seconds).

    One dispatcher runs at a time (a cache mutex shared by every worker). Should the mutex ever
    lapse, ``timers_fire`` still never fires a timer twice: it claims timers with row locks.
    """
    token = uuid.uuid4().hex
    if not cache.add(DISPATCHER_LOCK_KEY, token, DISPATCHER_LOCK_SECONDS):
        logger.info("Another timer dispatcher is running; skipped")
        return 0
    try:
        return escalation.timers_fire()
    finally:
        if cache.get(DISPATCHER_LOCK_KEY) == token:
            cache.delete(DISPATCHER_LOCK_KEY)


@shared_task
def notifications_send(notification_ids):
    """Send these pending e-mail and SMS rows; rows already sent or claimed are left alone."""
    return sum(notifications.notification_deliver(notification_id=pk) for pk in notification_ids)


@shared_task
def notices_render(notice_ids):
    """Render the PDFs of these notices (each once)."""
    return sum(pdf.notice_pdf_render(notice_id=pk) for pk in notice_ids)


@shared_task
def outbox_sweep():
    """Queue again the messages and PDFs still pending after the retry timeout."""
    return notifications.notifications_sweep() + pdf.notices_pdf_sweep()


@shared_task
def timers_reschedule(day):
    """After a calendar correction of ``day`` (ISO date), move the escalation timers it shifts."""
    return escalation.timers_reschedule(day=datetime.date.fromisoformat(day))


@shared_task
def morning_digest():
    """每日待办提醒 at 08:30; does nothing on days off."""
    return notifications.digests_queue()
