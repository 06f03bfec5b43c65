"""Working days on the Chinese official calendar (statutory holidays and 调休 make-up days).

Every rule in DESIGN.md that says 工作日 counts with these functions. The official arrangement
comes from the chinese-calendar package; the secretariat corrects single days and enters years the
package does not cover yet (``CalendarCorrection`` and ``CalendarYear``). In a year that neither
covers, Monday to Friday are working days, and the secretariat is warned (``uncovered_years``).
"""

import datetime
import threading
import time

import chinese_calendar.constants
from django.db import transaction
from django.dispatch import Signal

from accounts.audit import audit_record
from accounts.models import AuditEvent
from workflows.workdays.models import CalendarCorrection, CalendarYear

ONE_DAY = datetime.timedelta(days=1)

# The package's own range: it raises for any year outside it.
PACKAGE_FIRST_YEAR = min(chinese_calendar.constants.holidays).year
PACKAGE_LAST_YEAR = max(chinese_calendar.constants.holidays).year
_PACKAGE_HOLIDAYS = frozenset(chinese_calendar.constants.holidays)
_PACKAGE_WORKDAYS = frozenset(chinese_calendar.constants.workdays)

# Corrections are read from the database at most this often per process; a change made in this
# process is seen at once (``calendar_reload``), other processes see it within this many seconds.
SNAPSHOT_SECONDS = 30

_snapshot_lock = threading.Lock()
_snapshot = {"loaded_at": None, "days": {}, "years": frozenset()}


def calendar_reload():
    """Forget the cached corrections; the next question reads them again."""
    with _snapshot_lock:
        _snapshot["loaded_at"] = None


def _corrections():
    with _snapshot_lock:
        loaded_at = _snapshot["loaded_at"]
        if loaded_at is not None and time.monotonic() - loaded_at < SNAPSHOT_SECONDS:
            return _snapshot["days"], _snapshot["years"]
    days = dict(CalendarCorrection.objects.values_list("day", "is_working_day"))
    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    with _snapshot_lock:
        _snapshot.update(loaded_at=time.monotonic(), days=days, years=years)
    return days, years


def calendar_version():
    """Changes whenever the corrections are read again: a key for caching date arithmetic."""
    _corrections()
    return _snapshot["loaded_at"]


def is_working_day(day: datetime.date) -> bool:
    days, _years = _corrections()
    if day in days:
        return days[day]
    if day in _PACKAGE_WORKDAYS:
        return True
    if day in _PACKAGE_HOLIDAYS:
        return False
    return day.weekday() < 5


def year_is_covered(year: int) -> bool:
    """Whether the official holiday arrangement of ``year`` is known (package or secretariat)."""
    _days, years = _corrections()
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR or year in years


def uncovered_years(years) -> list[int]:
    return sorted({year for year in years if not year_is_covered(year)})


def next_working_day(day: datetime.date) -> datetime.date:
    """The first working day strictly after ``day``."""
    day += ONE_DAY
    while not is_working_day(day):
        day += ONE_DAY
    return day


def previous_working_day(day: datetime.date) -> datetime.date:
    """The last working day strictly before ``day``."""
    day -= ONE_DAY
    while not is_working_day(day):
        day -= ONE_DAY
    return day


def working_day_on_or_after(day: datetime.date) -> datetime.date:
    return day if is_working_day(day) else next_working_day(day)


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The date ``count`` working days after ``day`` (``day`` itself is not counted)."""
    for _step in range(count):
        day = next_working_day(day)
    return day


def subtract_working_days(day: datetime.date, count: int) -> datetime.date:
    """The date ``count`` working days before ``day`` (``day`` itself is not counted)."""
    for _step in range(count):
        day = previous_working_day(day)
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days fall after ``start`` up to and including ``end`` (0 if none).

    ``working_days_between(deadline, today)`` is how many working days a step is overdue.
    """
    count = 0
    day = start + ONE_DAY
    while day <= end:
        count += is_working_day(day)
        day += ONE_DAY
    return count


# Sent with ``day`` after a correction of that day; the escalation ladder moves its timers.
calendar_changed = Signal()


def _calendar_changed(day):
    calendar_reload()
    transaction.on_commit(calendar_reload)
    calendar_changed.send(sender=CalendarCorrection, day=day)


@transaction.atomic
def calendar_correction_add(*, day, is_working_day, note="", actor=None):
    """Correct one day of the official calendar; scheduled escalation timers follow."""
    correction = CalendarCorrection.objects.create(
        day=day, is_working_day=is_working_day, note=note, created_by=actor
    )
    _calendar_changed(day)
    _calendar_audit(
        actor,
        f"{day:%Y年%-m月%-d日}调整为{'工作日' if is_working_day else '休息日'}"
        + (f"（{note}）" if note else ""),
        after={"day": day.isoformat(), "is_working_day": is_working_day, "note": note},
    )
    return correction


@transaction.atomic
def calendar_correction_delete(*, correction, actor=None):
    correction.delete()
    _calendar_changed(correction.day)
    _calendar_audit(
        actor,
        f"撤销{correction.day:%Y年%-m月%-d日}的调整",
        before={"day": correction.day.isoformat(), "is_working_day": correction.is_working_day},
    )


def _calendar_audit(actor, summary, before=None, after=None):
    audit_record(
        action=AuditEvent.Action.CALENDAR_CHANGE,
        summary=f"工作日历：{summary}",
        actor=actor,
        before=before,
        after=after,
    )


@transaction.atomic
def calendar_year_confirm(*, year, actor=None):
    """Record that the holiday arrangement of ``year`` has been entered in full."""
    entry, created = CalendarYear.objects.get_or_create(year=year, defaults={"confirmed_by": actor})
    if created:
        _calendar_audit(actor, f"确认{year}年节假日安排已录入完整", after={"year": year})
    calendar_reload()
    transaction.on_commit(calendar_reload)
    return entry
