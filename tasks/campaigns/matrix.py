"""The department × day matrix of a campaign: what each host reported on each activity day."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from tasks.campaigns.models import DailyReport

STATES = {
    "filed": _("Filed"),
    "nil": _("Nil report"),
    "late": _("Late"),
    "missing": _("Missing"),
    "due": _("Due"),
    "off": "",
}


@dataclass
class Cell:
    day: datetime.date
    state: str
    report_id: int | None = None

    @property
    def label(self):
        return STATES[self.state]


def cell_state(*, expected, report, due_at, now):
    """filed / nil / late for a report; missing after the cut-off, due before it; off without an activity."""
    if report is not None:
        _pk, is_nil, is_late = report
        if is_late:
            return "late"
        return "nil" if is_nil else "filed"
    if not expected:
        return "off"
    return "missing" if now > due_at else "due"


def matrix_rows(campaign, departments, *, activities, now=None):
    """[(department, [Cell per day])] for ``departments`` (a page of them), with ``activities``
    the campaign's activities and their hosts prefetched: three queries whatever the size."""
    now = now or timezone.now()
    days = campaign.days()
    due = {day: campaign.due_at(day) for day in days}
    ids = [department.pk for department in departments]
    expected = {pk: set() for pk in ids}
    for activity in activities:
        span = [day for day in days if activity.takes_place_on(day)]
        for host in activity.hosts.all():
            if host.pk in expected:
                expected[host.pk].update(span)
    reports = {
        (department_id, day): (pk, is_nil, is_late)
        for pk, department_id, day, is_nil, is_late in DailyReport.objects.filter(
            campaign=campaign, department_id__in=ids
        ).values_list("pk", "department_id", "day", "is_nil", "is_late")
    }
    rows = []
    for department in departments:
        cells = []
        for day in days:
            report = reports.get((department.pk, day))
            state = cell_state(
                expected=day in expected[department.pk], report=report, due_at=due[day], now=now
            )
            cells.append(Cell(day, state, report[0] if report else None))
        rows.append((department, cells))
    return days, rows


def matrix_counts(rows):
    counts = dict.fromkeys(STATES, 0)
    for _department, cells in rows:
        for cell in cells:
            counts[cell.state] += 1
    return counts


def matrix_legend(rows):
    """(state, label, count) of every state shown in a cell."""
    counts = matrix_counts(rows)
    return [(state, label, counts[state]) for state, label in STATES.items() if state != "off"]


def matrix_cells_html(rows, *, report_url, file_url, own_department):
    """The <td> cells of each row as one string: 1,500 cells through the template language cost
    a second; joined here they cost milliseconds. Only ids, dates and our own labels go in."""
    labels = {state: escape(str(label)) for state, label in STATES.items()}
    result = []
    for department, cells in rows:
        own = department.pk == own_department
        parts = []
        for cell in cells:
            day = cell.day.isoformat()
            label = labels[cell.state]
            if cell.report_id:
                inner = f'<a href="{report_url}{cell.report_id}/">{label}</a>'
            elif own and cell.state in ("due", "missing"):
                inner = f'<a href="{file_url}?day={day}">{label}</a>'
            else:
                inner = label
            parts.append(f'<td class="cell--{cell.state}" data-cell="{department.pk}:{day}">{inner}</td>')
        result.append((department, mark_safe("".join(parts))))
    return result
