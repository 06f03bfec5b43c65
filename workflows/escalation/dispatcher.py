"""The timer dispatcher that the Celery beat task runs, for every viewflow timer.

It claims due timers in batches (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL), locks their
processes the way viewflow's ``select_for_update_lock`` does (skipping a process another
transaction holds), and fires the ladder timers of a batch with a few bulk writes. Any other
viewflow timer goes through viewflow's own activation. A timer fires in the transaction that
marks it done, so two dispatchers never fire it twice, and a dispatcher that dies mid-batch
leaves the batch due for the next one.
"""

import datetime
import logging

from django.db import connection, models, transaction
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
    data = dict(timer.data, _exception={"title": str(exc), "type": type(exc).__name__})
    Task.objects.filter(pk=timer.pk).update(status=STATUS.ERROR, finished=timezone.now(), data=data)


def _ladder_batch_fire(timers, now):
    try:
        with transaction.atomic():
            escalation_fire(timers=timers, now=now)
            _timers_done(timers, now)
    except Exception as exc:
        if len(timers) == 1:
            # one broken timer is set aside (ERROR) so that it never blocks a pass
            logger.exception("Escalation timer %s failed", timers[0].pk)
            _timer_failed(timers[0], exc)
            return
        logger.exception("An escalation batch failed; firing its %d timers one by one", len(timers))
        for timer in timers:
            _ladder_batch_fire([timer], now)


def _viewflow_timer_fire(timer):
    """Any other viewflow timer fires through viewflow's own activation, as fire_due_timers does."""
    try:
        with transaction.atomic(), timer.activation() as activation:
            start = getattr(activation, "start", None)
            if start is None:
                logger.warning("Timer task %s references a missing node %r", timer.pk, timer.flow_task)
                _timer_failed(timer, LookupError(f"missing flow node {timer.flow_task}"))
                return 0
            if start.can_proceed():
                activation.start()
                activation.execute()
                return 1
    except FlowLockFailed:
        logger.info("Timer task %s is locked by another transaction; next pass", timer.pk)
    except Exception:
        logger.exception("Timer task %s failed to fire", timer.pk)
    return 0


def timers_fire(*, batch_size=BATCH_SIZE):
    """Fire every due workflow timer; returns how many fired.

    Safe to run in several dispatchers at once: a batch is claimed with row locks that other
    dispatchers skip, a timer is fired only under its process lock and marked done in the same
    transaction. A process that another transaction holds is skipped until the next pass.
    """
    fired = 0
    skipped = set()
    while True:
        with transaction.atomic():
            now = timezone.now()
            batch = _due_timers(now, batch_size, skipped)
            if not batch:
                return fired
            locked = _processes_lock({timer.process_id for timer in batch})
            ready = [timer for timer in batch if timer.process_id in locked]
            skipped.update(timer.pk for timer in batch if timer.process_id not in locked)
            ladders = [timer for timer in ready if isinstance(timer.flow_task, Ladder)]
            if ladders:
                _ladder_batch_fire(ladders, now)
                fired += len(ladders)
            for timer in ready:
                if not isinstance(timer.flow_task, Ladder):
                    if _viewflow_timer_fire(timer):
                        fired += 1
                    else:
                        skipped.add(timer.pk)  # failed or not ready: retried on the next pass


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
