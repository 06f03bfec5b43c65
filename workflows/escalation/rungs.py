"""The dates of the escalation ladder (督办): when each rung of a deadline falls.

A yellow reminder N working days before the deadline, a 催办 on the first working day after it
(to the officer and the department head), a 督办 M working days after it (also to the
responsible leaders), then the 督办 again every week while the step stays overdue. Every rung goes
out at ESCALATION_NOTICE_TIME in the deployment's time zone.
"""

import datetime
import functools
import itertools
from dataclasses import dataclass

from django.utils import timezone

from workflows.escalation.models import Light, Notice
from workflows.workdays.calendar import (
    add_working_days,
    calendar_version,
    next_working_day,
    subtract_working_days,
    working_day_on_or_after,
)


@dataclass(frozen=True)
class LadderRule:
    remind_before: int
    supervise_after: int
    repeat_every: int
    notice_time: datetime.time


@dataclass(frozen=True)
class Rung:
    """One rung of the ladder: what is issued and when."""

    kind: str
    sequence: int
    at: datetime.datetime

    @property
    def light(self):
        return Light.YELLOW if self.kind == Notice.Kind.REMINDER else Light.RED


def _moment(day, rule):
    """The notice time of ``day`` in the deployment's time zone (TIME_ZONE)."""
    return timezone.make_aware(
        datetime.datetime.combine(day, rule.notice_time), timezone.get_default_timezone()
    )


@functools.lru_cache(maxsize=4096)
def _ladder_start(due, rule, version):
    """The first three rungs of a deadline; many deadlines share a date, and a dispatcher pass
    fires thousands of timers (``version`` renews the cache when the calendar changes)."""
    supervise_day = add_working_days(due, rule.supervise_after)
    return (
        Rung(Notice.Kind.REMINDER, 0, _moment(subtract_working_days(due, rule.remind_before), rule)),
        Rung(Notice.Kind.URGING, 0, _moment(next_working_day(due), rule)),
        Rung(Notice.Kind.SUPERVISION, 0, _moment(supervise_day, rule)),
    )


def ladder_rungs(due, rule):
    """The rungs of a deadline in order; endless while the 督办 repeats weekly."""
    start = _ladder_start(due, rule, calendar_version())
    yield from start
    if rule.repeat_every:
        day = timezone.localdate(start[-1].at, timezone.get_default_timezone())
        for sequence in itertools.count(1):
            # from the previous repeat, so a long holiday never bunches two repeats together
            day = working_day_on_or_after(day + datetime.timedelta(days=rule.repeat_every))
            yield Rung(Notice.Kind.SUPERVISION, sequence, _moment(day, rule))


def rung_first(due, rule, now):
    """The first rung to schedule when a step opens, and the light it opens with.

    A step that opens after its reminder moment starts yellow and skips the reminder; any later
    rung that is already due fires on the next dispatcher pass.
    """
    rungs = ladder_rungs(due, rule)
    reminder = next(rungs)
    if reminder.at > now:
        return reminder, Light.GREEN
    return next(rungs), Light.YELLOW


def rung_to_issue(kind, sequence, due, rule, now):
    """The rung a due timer issues: its own, except that weekly repeats missed during an outage
    collapse into the latest one. Every rung up to the first 督办 is issued even when late."""
    rungs = ladder_rungs(due, rule)
    for rung in itertools.islice(rungs, sequence + 3):
        if (rung.kind, rung.sequence) == (kind, sequence):
            break
    else:
        return None
    if rung.sequence == 0:
        return rung
    for later in rungs:
        if later.at > now:
            break
        rung = later
    return rung


def rung_after(kind, sequence, due, rule):
    """The rung that follows, or None when the ladder ends there."""
    rungs = ladder_rungs(due, rule)
    for rung in itertools.islice(rungs, sequence + 3):
        if (rung.kind, rung.sequence) == (kind, sequence):
            return next(rungs, None)
    return None


def rung_at(kind, sequence, due, rule):
    """When a given rung of a deadline falls, or None when the ladder has no such rung."""
    for rung in itertools.islice(ladder_rungs(due, rule), sequence + 3):
        if (rung.kind, rung.sequence) == (kind, sequence):
            return rung.at
    return None
