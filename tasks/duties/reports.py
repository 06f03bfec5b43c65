"""Progress reports on a duty's cycle: which period a day falls in, when its report is due, and
the daily job's opening of the reports that are due (each period once, however often it runs)."""

import calendar
import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from tasks.duties.flows import DutyReportFlow
from tasks.duties.models import Duty, ProgressReport
from workflows.workdays.calendar import is_working_day, previous_working_day


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime.date
    end: datetime.date
    due: datetime.date


def _working_day_on_or_before(day):
    return day if is_working_day(day) else previous_working_day(day)


def _month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def period_of(cycle, day, report_day=None):
    """The reporting period of ``cycle`` that holds ``day``; None for duties reported once.

    A report is due on the last working day of its period (a daily report the same day); a monthly
    one with a report day (每月28日前) on that day, or the working day before it."""
    year, month = day.year, day.month
    if cycle == Duty.Cycle.DAILY:
        return Period(f"{year}年{month}月{day.day}日", day, day, day)
    if cycle == Duty.Cycle.WEEKLY:
        start = day - datetime.timedelta(days=day.weekday())
        end = start + datetime.timedelta(days=6)
        label = f"{start.isocalendar().year}年第{start.isocalendar().week}周"
        return Period(label, start, end, _working_day_on_or_before(end))
    if cycle == Duty.Cycle.MONTHLY:
        start, end = datetime.date(year, month, 1), _month_end(year, month)
        due = end if report_day is None else min(end, datetime.date(year, month, min(report_day, end.day)))
        return Period(f"{year}年{month}月", start, end, _working_day_on_or_before(due))
    if cycle == Duty.Cycle.QUARTERLY:
        quarter = (month - 1) // 3
        start, end = datetime.date(year, quarter * 3 + 1, 1), _month_end(year, quarter * 3 + 3)
        return Period(f"{year}年第{quarter + 1}季度", start, end, _working_day_on_or_before(end))
    if cycle == Duty.Cycle.HALF_YEARLY:
        first = month <= 6
        start = datetime.date(year, 1 if first else 7, 1)
        end = _month_end(year, 6 if first else 12)
        return Period(f"{year}年{'上' if first else '下'}半年", start, end, _working_day_on_or_before(end))
    if cycle == Duty.Cycle.YEARLY:
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return Period(f"{year}年度", start, end, _working_day_on_or_before(end))
    return None


def report_open(*, duty, period):
    """Open the progress report of ``period`` and its flow, unless it is open already."""
    try:
        with transaction.atomic():
            report, created = ProgressReport.objects.get_or_create(
                duty=duty,
                kind=ProgressReport.Kind.PROGRESS,
                period_start=period.start,
                defaults={"period_label": period.label, "period_end": period.end, "due": period.due},
            )
            if created:
                DutyReportFlow.start.run(report=report)
    except IntegrityError:  # another run opened it at the same moment
        return None
    return report if created else None


def reports_open_due(today=None):
    """On a working day, open the report of the current period of every signed-for duty that
    reports on a cycle (not after its deadline). Returns the reports opened."""
    today = today or timezone.localdate()
    if not is_working_day(today):
        return []
    duties = (
        Duty.objects.filter(status__in=[Duty.Status.IN_PROGRESS, Duty.Status.RETURNED, Duty.Status.REVIEW])
        .exclude(cycle=Duty.Cycle.ONCE)
        .order_by("pk")
    )
    opened = []
    for duty in duties.iterator():
        period = period_of(duty.cycle, today, duty.report_day)
        if duty.deadline is not None and period.start > duty.deadline:
            continue
        report = report_open(duty=duty, period=period)
        if report is not None:
            opened.append(report)
    return opened
