"""The timer dispatcher that the Celery beat task runs, for every viewflow timer.

It claims due timers in batches (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL), locks their
processes the way viewflow's ``select_for_update_lock`` does (skipping a process another
transaction holds), and fires the ladder timers of a batch with a few bulk writes. Any other
viewflow timer goes through viewflow's own activation. A timer fires in the transaction that
marks it done, so two dispatchers never fire it twice, and a dispatcher that dies mid-batch
leaves the batch due for the next one.

Errors are of two kinds. A transient one (the database busy or locked, a lost connection, a
deadlock, a process lock held elsewhere) stops the pass with a warning: its timers stay due and
the next pass, WORKFLOW_TIMER_INTERVAL later, fires them. Any other error is the timer's own: it
is set aside (status ERROR, the error kept in its ``data["_exception"]``) and logged at ERROR for
the secretariat, and the rest of its batch fires.
"""

import datetime
import logging

from django.db import InterfaceError, OperationalError, connection, models, transaction
from django.utils import timezone
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from workflows.escalation.node import Ladder
from workflows.escalation.notices import escalation_fire
from workflows.escalation.rungs import rung_at
from workflows.workdays.calendar import calendar_reload

logger = logging.getLogger(__name__)


BATCH_SIZE = 1000
# what firing a rung reads of a deadline, its step's task and its department


RESCHEDULE_MARGIN = datetime.timedelta(days=60)

# Errors that say nothing about the timer: the database was busy, locked or unreachable, or a
# process lock was taken elsewhere. PostgreSQL's deadlocks, serialisation failures and lock
# time-outs are OperationalErrors, as is SQLite's "database is locked".
TRANSIENT_ERRORS = (OperationalError, InterfaceError, FlowLockFailed)


class TimersDeferred(Exception):
    """A pass stopped on a transient error; its due timers wait for the next pass."""


def _due_timers(now, batch_size, skipped):
    timers = Task.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED, scheduled__lte=now)
    if skipped:
        timers = timers.exclude(pk__in=skipped)
    if connection.features.has_select_for_update_skip_locked:
        timers = timers.select_for_update(skip_locked=True)
    return list(timers.only("process_id", "flow_task", "status", "data").order_by("scheduled")[:batch_size])


def _processes_lock(process_ids):
    """Lock the processes as viewflow's select_for_update_lock does, skipping busy ones."""
    processes = Process.objects.filter(pk__in=process_ids)
    if connection.features.has_select_for_update_skip_locked:
        processes = processes.select_for_update(skip_locked=True)
    return set(processes.values_list("pk", flat=True))


def _timers_done(timers, now):
    Task.objects.filter(pk__in=[timer.pk for timer in timers]).update(
        status=STATUS.DONE, started=now, finished=now
    )


def _timer_failed(timer, exc):
    """Set a timer aside: ERROR, with the error kept on the row for the secretariat."""
    data = dict(timer.data, _exception={"title": str(exc)[:2000], "type": type(exc).__name__})
    Task.objects.filter(pk=timer.pk).update(status=STATUS.ERROR, finished=timezone.now(), data=data)
    logger.error(
        "Timer %s (process %s, %s) is set aside with status ERROR and will not fire again until "
        "it is repaired: %s: %s",
        timer.pk,
        timer.process_id,
        timer.flow_task,
        type(exc).__name__,
        exc,
        exc_info=(type(exc), exc, exc.__traceback__),
    )


def _ladder_batch_fire(timers, now):
    """Fire a batch of ladder timers; returns how many fired. A transient error propagates."""
    try:
        with transaction.atomic():
            escalation_fire(timers=timers, now=now)
            _timers_done(timers, now)
        return len(timers)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        if len(timers) == 1:
            # one broken timer is set aside so that it never blocks a pass
            _timer_failed(timers[0], exc)
            return 0
        logger.warning(
            "An escalation batch failed (%s: %s); firing its %d timers one by one",
            type(exc).__name__,
            exc,
            len(timers),
        )
        return sum(_ladder_batch_fire([timer], now) for timer in timers)


def _viewflow_timer_fire(timer):
    """Any other viewflow timer fires through viewflow's own activation, as fire_due_timers does.

    Returns True when it fired; a transient error propagates, any other sets the timer aside.
    """
    try:
        with transaction.atomic(), timer.activation() as activation:
            start = getattr(activation, "start", None)
            if start is None:
                raise LookupError(f"missing flow node {timer.flow_task}")
            if start.can_proceed():
                activation.start()
                activation.execute()
                return True
            return False
    except FlowLockFailed:
        logger.info("Timer task %s is locked by another transaction; next pass", timer.pk)
        return False
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        _timer_failed(timer, exc)
        return False


def timers_fire(*, batch_size=BATCH_SIZE, heartbeat=None):
    """Fire every due workflow timer; returns how many fired.

    Safe to run in several dispatchers at once: a batch is claimed with row locks that other
    dispatchers skip, a timer is fired only under its process lock and marked done in the same
    transaction. A process that another transaction holds is skipped until the next pass.
    ``heartbeat`` is called before every batch (the Celery task renews its mutex there).

    A transient error rolls back the batch in hand and raises ``TimersDeferred``: nothing of that
    batch is marked, so its timers fire on the next pass; batches committed before it stay fired
    (``TimersDeferred.fired`` says how many).
    """
    fired = 0
    skipped = set()
    while True:
        if heartbeat is not None:
            heartbeat()
        try:
            with transaction.atomic():
                now = timezone.now()
                batch = _due_timers(now, batch_size, skipped)
                if not batch:
                    return fired
                locked = _processes_lock({timer.process_id for timer in batch})
                ready = [timer for timer in batch if timer.process_id in locked]
                skipped.update(timer.pk for timer in batch if timer.process_id not in locked)
                ladders = [timer for timer in ready if isinstance(timer.flow_task, Ladder)]
                batch_fired = _ladder_batch_fire(ladders, now) if ladders else 0
                for timer in ready:
                    if not isinstance(timer.flow_task, Ladder):
                        if _viewflow_timer_fire(timer):
                            batch_fired += 1
                        else:
                            skipped.add(timer.pk)  # set aside or not ready: not again in this pass
                # a ladder timer set aside is out of the due set already (status ERROR)
        except TRANSIENT_ERRORS as exc:
            deferred = TimersDeferred(f"{type(exc).__name__}: {exc}")
            deferred.fired = fired
            raise deferred from exc
        fired += batch_fired


def timers_reschedule(*, day, now=None):
    """After a correction of ``day`` in the calendar, move the scheduled rungs it shifts.

    A rung falls at most a few weeks from its deadline, except weekly repeats, which chain from
    the first 督办; so only deadlines due before ``day`` plus that margin can be affected.
    Returns how many timers moved.
    """
    now = now or timezone.now()
    calendar_reload()  # this worker's cached calendar predates the correction
    timers = (
        Task.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED, scheduled__gte=now)
        .filter(
            previous__deadline__closed_at__isnull=True,
            previous__deadline__due__lte=day + RESCHEDULE_MARGIN,
        )
        .annotate(due=models.F("previous__deadline__due"))
    )
    moved = 0
    for timer in timers.iterator(chunk_size=1000):
        if not isinstance(timer.flow_task, Ladder):
            continue
        at = rung_at(timer.data.get("kind"), timer.data.get("sequence", 0), timer.due, timer.flow_task.rule)
        if at is not None and at != timer.scheduled:
            # unless an extension moved the timer meanwhile
            moved += Task.objects.filter(
                pk=timer.pk, status=STATUS.SCHEDULED, scheduled=timer.scheduled
            ).update(scheduled=at)
    return moved
