"""The dashboard's figures: light counts, overdue work, stages, rates, categories and trends.

Every figure is one aggregate query grouped in the database (a dozen in all, whatever the number
of departments or items); the rates are defined in ``dashboard.definitions`` and printed on the page.
"""

import collections
import datetime
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task

from accounts.models import Department
from dashboard.filters import DUTY, Filters
from tasks.duties import selectors as duty_selectors
from tasks.proposals import selectors as proposal_selectors
from workflows.escalation.models import Deadline, Light
from workflows.workdays.calendar import working_days_between

OVERDUE_SHOWN = 20


def rate(numerator, denominator):
    """A share in per cent with one decimal, or None when nothing was counted."""
    if not denominator:
        return None
    return round(100 * numerator / denominator, 1)


def red_q(today):
    return Q(due__lt=today) | Q(light=Light.RED)


def yellow_q(today):
    return Q(due__gte=today, light=Light.YELLOW)


def open_deadlines(filters: Filters):
    """Open steps in scope and of the chosen kind and meeting."""
    deadlines = Deadline.objects.filter(closed_at__isnull=True)
    if filters.departments is not None:
        deadlines = deadlines.filter(department_id__in=filters.departments)
    if filters.kind == DUTY or filters.meeting is not None:
        deadlines = deadlines.filter(duty_selectors.duty_deadlines_filter(meeting=filters.meeting))
    elif filters.kind:
        deadlines = deadlines.filter(proposal_selectors.proposal_deadlines_filter(kind=filters.kind))
    return deadlines


def deadlines_with_light(deadlines, light, today):
    if light == Light.RED:
        return deadlines.filter(red_q(today))
    if light == Light.YELLOW:
        return deadlines.filter(yellow_q(today))
    if light == Light.GREEN:
        return deadlines.exclude(red_q(today)).exclude(yellow_q(today))
    return deadlines


def _light_counts(today):
    return {
        "red": Count("pk", filter=red_q(today)),
        "yellow": Count("pk", filter=yellow_q(today)),
        "open": Count("pk"),
        "oldest_red": Min("due", filter=Q(due__lt=today)),
    }


SUMMED = (
    "red",
    "yellow",
    "green",
    "duties_assigned",
    "duties_closed",
    "duties_on_time",
    "replies_assigned",
    "replies_released",
    "replies_on_time",
    "evaluated",
    "attitude_ok",
    "result_ok",
)


@dataclass
class DepartmentRow:
    department: Department
    red: int = 0
    yellow: int = 0
    green: int = 0
    days_overdue: int = 0
    duties_assigned: int = 0
    duties_closed: int = 0
    duties_on_time: int = 0
    replies_assigned: int = 0
    replies_released: int = 0
    replies_on_time: int = 0
    evaluated: int = 0
    attitude_ok: int = 0
    result_ok: int = 0

    @property
    def reply_rate(self):
        return rate(self.replies_released, self.replies_assigned)

    @property
    def on_time_rate(self):
        return rate(self.duties_on_time + self.replies_on_time, self.duties_closed + self.replies_released)

    @property
    def attitude_rate(self):
        return rate(self.attitude_ok, self.evaluated)

    @property
    def result_rate(self):
        return rate(self.result_ok, self.evaluated)

    @property
    def has_work(self):
        return bool(self.red + self.yellow + self.green + self.duties_assigned + self.replies_assigned)


@dataclass
class Figures:
    filters: Filters
    today: datetime.date
    departments: list = field(default_factory=list)
    totals: DepartmentRow | None = None
    meetings: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    stages: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    months: list = field(default_factory=list)
    trend: list = field(default_factory=list)
    computed_at: datetime.datetime | None = None


def light_counts(filters, today):
    """Open steps by light per (department, joint meeting): one query over the open deadlines alone,
    each holding its duty's meeting; proposals' steps have no meeting."""
    return list(
        open_deadlines(filters)
        .values("department_id", "meeting_id")
        .annotate(**_light_counts(today))
        .order_by()
    )


def department_rows(filters, today, *, lights, duties, replies, evaluations):
    """One row per department in scope with work, worst first (most red steps, longest overdue)."""
    departments = Department.objects.all()
    if filters.departments is not None:
        departments = departments.filter(pk__in=filters.departments)
    rows = {department.pk: DepartmentRow(department) for department in departments.order_by("code")}
    oldest = {}
    for item in lights:
        if target := rows.get(item["department_id"]):
            target.red += item["red"]
            target.yellow += item["yellow"]
            target.green += item["open"] - item["red"] - item["yellow"]
            if item["oldest_red"] is not None:
                pk = item["department_id"]
                oldest[pk] = min(oldest.get(pk, item["oldest_red"]), item["oldest_red"])
    for pk, due in oldest.items():
        rows[pk].days_overdue = working_days_between(due, today)
    for item in duties:
        if target := rows.get(item["lead_id"]):
            target.duties_assigned += item["assigned"]
            target.duties_closed += item["closed"]
            target.duties_on_time += item["on_time"]
    for item in replies:
        if target := rows.get(item["department_id"]):
            target.replies_assigned += item["assigned"]
            target.replies_released += item["replied"]
            target.replies_on_time += item["on_time"]
    for item in evaluations:
        if target := rows.get(item["department_id"]):
            target.evaluated, target.attitude_ok = item["evaluated"], item["attitude_ok"]
            target.result_ok = item["result_ok"]
    shown = [item for item in rows.values() if item.has_work]
    shown.sort(key=lambda item: (-item.red, -item.days_overdue, -item.yellow, item.department.code))
    totals = DepartmentRow(Department(short_name=str(_("Total"))))
    for item in shown:
        for name in SUMMED:
            setattr(totals, name, getattr(totals, name) + getattr(item, name))
        totals.days_overdue = max(totals.days_overdue, item.days_overdue)
    return shown, totals


def meeting_rows(lights):
    """Light counts of the duties' open steps per joint meeting."""
    names = dict(duty_selectors.meetings_choices())
    meetings = {}
    for item in lights:
        if item["meeting_id"] is None:
            continue
        row = meetings.setdefault(
            item["meeting_id"],
            {
                "meeting_id": item["meeting_id"],
                "name": names.get(item["meeting_id"], "—"),
                "red": 0,
                "yellow": 0,
                "green": 0,
            },
        )
        row["red"] += item["red"]
        row["yellow"] += item["yellow"]
        row["green"] += item["open"] - item["red"] - item["yellow"]
    return [meetings[pk] for pk in sorted(meetings)]


def drill_rows(deadlines, today):
    """The rows of a page of open steps: the step, its department, its subject and how late."""
    deadlines = list(deadlines.select_related("department", "content_type"))
    # the step's title, read apart so that the rows (kept in the cache) hold no viewflow node
    nodes = dict(
        Task.objects.filter(pk__in=[deadline.task_id for deadline in deadlines]).values_list(
            "pk", "flow_task"
        )
    )
    subjects = {}
    by_model = {}
    for deadline in deadlines:
        by_model.setdefault(deadline.content_type.model, set()).add(deadline.object_id)
    if "duty" in by_model:
        subjects.update(
            {("duty", pk): value for pk, value in duty_selectors.duty_subjects(by_model["duty"]).items()}
        )
    if "proposal" in by_model:
        subjects.update(
            {
                ("proposal", pk): value
                for pk, value in proposal_selectors.proposal_subjects(by_model["proposal"]).items()
            }
        )
    rows = []
    for deadline in deadlines:
        title, url, meeting = subjects.get((deadline.content_type.model, deadline.object_id), ("—", "", ""))
        rows.append(
            {
                "deadline": deadline,
                "step": str(nodes[deadline.task_id].task_title) if nodes.get(deadline.task_id) else "",
                "title": title,
                "url": f"{url}#timeline" if url else "",
                "meeting": meeting,
                "light": deadline.current_light,
                "days_overdue": working_days_between(deadline.due, today) if deadline.due < today else 0,
            }
        )
    return rows


def overdue_rows(filters, today):
    """The open steps longest overdue, ranked by working days overdue."""
    deadlines = open_deadlines(filters).filter(due__lt=today).order_by("due", "pk")[:OVERDUE_SHOWN]
    return drill_rows(deadlines, today)


def trend_months(filters, today):
    """The months of the trend: the period's, at most the last 24."""
    start = filters.since or today.replace(month=1, day=1)
    end = filters.until or today
    months = []
    cursor = start.replace(day=1)
    while cursor <= end:
        months.append(cursor)
        cursor = (cursor + datetime.timedelta(days=32)).replace(day=1)
    return months[-24:]


def trend_series(months, duties, replies, *, shows_duties, shows_proposals):
    def by_month(rows, key):
        values = collections.Counter()
        for row in rows:
            values[row["month"]] += row[key]
        return [values.get(month, 0) for month in months]

    series = []
    if shows_duties:
        series += [
            (_("Duties assigned"), by_month(duties, "assigned")),
            (_("Duties closed"), by_month(duties, "closed")),
        ]
    if shows_proposals:
        series += [
            (_("Replies assigned"), by_month(replies, "assigned")),
            (_("Replies released"), by_month(replies, "replied")),
        ]
    return series


def dashboard_figures(filters: Filters, *, today=None):
    today = today or timezone.localdate()
    figures = Figures(filters=filters, today=today, months=trend_months(filters, today))
    lights = light_counts(filters, today)
    duties = (
        duty_selectors.duty_counts(**filters.duty_filters(), months=figures.months)
        if filters.shows_duties
        else []
    )
    replies, evaluations = [], []
    if filters.shows_proposals:
        replies = proposal_selectors.reply_counts(**filters.proposal_filters(), months=figures.months)
        evaluations = proposal_selectors.evaluation_rates_by_department(**filters.proposal_filters())
    figures.departments, figures.totals = department_rows(
        filters, today, lights=lights, duties=duties, replies=replies, evaluations=evaluations
    )
    if filters.shows_duties:
        figures.meetings = meeting_rows(lights)
    figures.overdue = overdue_rows(filters, today)
    if filters.shows_proposals:
        stages = proposal_selectors.proposal_stages(**filters.proposal_filters())
        figures.stages = [
            (value, label, stages.get(value, 0)) for value, label in proposal_selectors.stage_choices()
        ]
        categories = collections.Counter()
        for row in replies:
            categories[row["category"]] += row["replied"]
        figures.categories = [
            (value, label, categories.get(value, 0)) for value, label in proposal_selectors.category_choices()
        ]
    figures.trend = trend_series(
        figures.months,
        duties,
        replies,
        shows_duties=filters.shows_duties,
        shows_proposals=filters.shows_proposals,
    )
    return figures


def dashboard_figures_cached(filters: Filters):
    """The figures, kept DASHBOARD_CACHE_SECONDS for the same scope, filters, day and language: a
    leader's page and its export reread them without scanning the work again."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    today = timezone.localdate()
    if not seconds:
        return dashboard_figures(filters, today=today)
    key = (
        "dashboard:figures:"
        + hashlib.sha256(
            repr((sorted(filters.departments or []), filters, today, translation.get_language())).encode()
        ).hexdigest()
    )
    figures = cache.get(key)
    if figures is None:
        figures = dashboard_figures(filters, today=today)
        figures.computed_at = timezone.now()
        cache.set(key, figures, seconds)
    return figures
