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
# Short, and renewed before every batch of a pass: a dispatcher killed mid-pass holds the mutex
# for at most this long, not for the whole of a long pass. Should a batch outlast it, a second
# dispatcher may start; that is safe (row locks), only wasteful.
DISPATCHER_LOCK_SECONDS = 60


class DispatcherMutex:
    """The cache mutex that keeps a second dispatcher from running a pass for nothing.

    Only an optimisation: ``timers_fire`` claims timers with row locks and marks them done in the
    transaction that fires them, so a lapsed or missing mutex never fires a timer twice. Hence an
    error of the cache is never a reason to skip a pass: Django's database cache answers a failed
    ``add()`` with False, as if the mutex were held, so a refusal counts only when a holder's token
    can be read back.
    """

    def __init__(self, key=DISPATCHER_LOCK_KEY, seconds=DISPATCHER_LOCK_SECONDS):
        self.key, self.seconds = key, seconds
        self.token = uuid.uuid4().hex
        self.held = False

    def acquire(self):
        """True when this pass may run: the mutex is ours, or the cache could not tell."""
        try:
            if cache.add(self.key, self.token, self.seconds):
                self.held = True
                return True
            holder = cache.get(self.key)
        except Exception as exc:  # the cache is down or busy: run unguarded rather than not at all
            logger.warning("The timer dispatcher mutex is unavailable (%s); running without it", exc)
            return True
        if holder is None:
            logger.warning("The timer dispatcher mutex could not be taken nor read; running without it")
            return True
        return False

    def renew(self):
        """Push the expiry back while the pass runs (between batches)."""
        if not self.held:
            return
        try:
            if cache.get(self.key) == self.token:
                cache.touch(self.key, self.seconds)
            else:  # it lapsed and another dispatcher took it: carry on, row locks keep us apart
                self.held = False
        except Exception as exc:
            logger.warning("The timer dispatcher mutex could not be renewed (%s)", exc)

    def release(self):
        if not self.held:
            return
        self.held = False
        try:
            if cache.get(self.key) == self.token:
                cache.delete(self.key)
        except Exception as exc:  # it expires on its own within DISPATCHER_LOCK_SECONDS
            logger.warning("The timer dispatcher mutex could not be released (%s)", exc)


@shared_task(name="escalation.timers_fire")
def workflow_timers_fire():
    """Fire every due workflow timer (Celery beat, every WORKFLOW_TIMER_INTERVAL seconds).

    One dispatcher runs at a time (a cache mutex shared by every worker, renewed while the pass
    runs). A pass stopped by a transient database error leaves its timers due for the next one.
    """
    mutex = DispatcherMutex()
    if not mutex.acquire():
        logger.info("Another timer dispatcher is running; skipped")
        return 0
    try:
        return dispatcher.timers_fire(heartbeat=mutex.renew)
    except dispatcher.TimersDeferred as deferred:
        logger.warning(
            "The timer dispatcher stopped on a transient error after firing %d timer(s); the rest "
            "stay due for the next pass: %s",
            deferred.fired,
            deferred,
        )
        return deferred.fired
    finally:
        mutex.release()


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
