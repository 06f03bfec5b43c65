"""Deadlines (期限) of flow steps and the timer rows that carry their ladder.

A step's deadline opens with the step (``deadline_open``, called by the ladder node) and one
viewflow timer row is scheduled for its next rung; each timer row follows its step's task.
"""

import datetime
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Department
from workflows.escalation.models import Deadline
from workflows.escalation.rungs import rung_first
from workflows.workdays.calendar import uncovered_years


@dataclass(frozen=True)
class DeadlineTerms:
    """Whose deadline a step has: the duty or proposal, the responsible department, the date, the
    latest date an extension may reach under the process rule, and a duty's joint meeting."""

    subject: models.Model
    department: Department
    due: datetime.date
    cap: datetime.date | None = None
    meeting_id: int | None = None


def timer_new(ladder, task, deadline, rung):
    return Task(
        process_id=task.process_id,
        flow_task=ladder,
        flow_task_type=ladder.task_type,
        status=STATUS.SCHEDULED,
        token=task.token,
        scheduled=rung.at,
        data={"deadline": deadline.pk, "round": deadline.round, "kind": rung.kind, "sequence": rung.sequence},
    )


def timers_save(pairs):
    """Insert new timer rows; ``pairs`` are (timer, host task) and each timer follows its host."""
    if not pairs:
        return
    Task.objects.bulk_create([timer for timer, _host in pairs])
    Task.previous.through.objects.bulk_create(
        [Task.previous.through(from_task_id=timer.pk, to_task_id=host.pk) for timer, host in pairs]
    )


_together = threading.local()  # .pending: the deadlines ``deadlines_opened_together`` holds back


@contextmanager
def deadlines_opened_together():
    """Inside, each ``deadline_open`` holds its deadline back; on leaving, all are saved with
    their first timers in three statements (an import opens a thousand steps, 签收 opens three,
    three statements each otherwise). Nothing reads a new step's deadline before the block is
    done: a process start, or a user's step completed (the steps it opens wait for people)."""
    if getattr(_together, "pending", None) is not None:  # an outer block saves them
        yield
        return
    # only for blocks that open steps without finishing them: a step finished inside would find
    # no deadline to close;
    # and the tasks must not outlive a failure that drops their held deadlines
    if not connection.in_atomic_block:
        raise RuntimeError("deadlines_opened_together needs the caller's transaction")
    _together.pending = []
    try:
        yield
        pending = _together.pending
    finally:
        _together.pending = None
    Deadline.objects.bulk_create([deadline for deadline, _timer in pending])
    timers_save(
        [
            (timer_new(timer[0], deadline.task, deadline, timer[1]), deadline.task)
            for deadline, timer in pending
        ]
    )


def deadline_open(*, ladder, task, now=None):
    """Open the deadline of a step that has just been created and schedule its first rung."""
    terms = ladder.terms(task)
    if terms is None or terms.due is None:
        return None
    now = now or timezone.now()
    rung, light = rung_first(terms.due, ladder.rule, now)
    deadline = Deadline(
        task=task,
        content_type=ContentType.objects.get_for_model(terms.subject),
        object_id=terms.subject.pk,
        department=terms.department,
        original_due=terms.due,
        due=terms.due,
        cap=terms.cap,
        meeting_id=terms.meeting_id,
        light=light,
        opened_at=now,
    )
    pending = getattr(_together, "pending", None)
    if pending is not None:
        pending.append((deadline, (ladder, rung)))
        return deadline
    deadline.save()
    timers_save([(timer_new(ladder, task, deadline, rung), task)])
    return deadline


@transaction.atomic
def deadlines_reassign(*, subject, department):
    """Open deadlines follow their subject to a new responsible department."""
    return Deadline.objects.open().for_subject(subject).update(department=department)


def uncovered_deadline_years():
    """Years holding an open deadline whose holiday arrangement nobody has entered yet."""
    years = Deadline.objects.open().dates("due", "year")
    return uncovered_years(day.year for day in years)
