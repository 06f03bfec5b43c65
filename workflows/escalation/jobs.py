"""Celery tasks (jobs) of the ladder: thin triggers that take primary keys; the work lives in the services."""

import datetime
import logging
import uuid

from celery import shared_task
from django.core.cache import cache
from django.dispatch import receiver

from workflows.escalation import dispatcher, notice_pdf
from workflows.workdays.calendar import calendar_changed

logger = logging.getLogger(__name__)

DISPATCHER_LOCK_KEY = "workflow-timers-dispatcher"
DISPATCHER_LOCK_SECONDS = 600


@shared_task(name="escalation.timers_fire")
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
        return dispatcher.timers_fire()
    finally:
        if cache.get(DISPATCHER_LOCK_KEY) == token:
            cache.delete(DISPATCHER_LOCK_KEY)


@shared_task(name="escalation.notice_pdfs_sweep")
def notice_pdfs_sweep():
    """Queue again the notice PDFs still missing after the retry timeout."""
    return notice_pdf.notices_pdf_sweep()


@shared_task(name="escalation.timers_reschedule")
def timers_reschedule(day):
    """After a calendar correction of ``day`` (ISO date), move the escalation timers it shifts."""
    return dispatcher.timers_reschedule(day=datetime.date.fromisoformat(day))


@receiver(calendar_changed)
def _calendar_changed(sender, day, **kwargs):
    timers_reschedule.delay_on_commit(day.isoformat())
