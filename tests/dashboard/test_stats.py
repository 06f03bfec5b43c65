"""Each rate and count on the hand-built world (tests/dashboard/conftest.py), with known answers."""

import datetime

import pytest

from dashboard.filters import DUTY, Filters
from dashboard.stats import dashboard_figures
from tasks.duties.models import Duty
from tasks.proposals.models import Proposal, Reply
from tests.dashboard.conftest import SHANGHAI, TODAY, at, day

pytestmark = pytest.mark.django_db


def everything(**changes):
    return Filters(departments=None, since=datetime.date(2026, 1, 1), **changes)


def row_of(figures, department):
    (row,) = [row for row in figures.departments if row.department == department]
    return row


def test_kjj_rates_have_the_known_answers(world):
    row = row_of(dashboard_figures(everything(), today=TODAY), world["kjj"])
    assert (row.duties_assigned, row.duties_closed, row.duties_on_time) == (4, 2, 1)
    assert (row.replies_assigned, row.replies_released, row.replies_on_time) == (4, 2, 1)
    assert row.reply_rate == 50.0  # 2 replied of 4 assigned
    assert row.on_time_rate == 50.0  # (1 duty + 1 reply on time) of (2 + 2) closed
    assert row.evaluated == 3
    assert row.attitude_rate == 66.7  # 满意 + 基本满意 of 3
    assert row.result_rate == 33.3


def test_kjj_lights_and_longest_overdue(world):
    row = row_of(dashboard_figures(everything(), today=TODAY), world["kjj"])
    # red: the duty report due 9 March and proposal 4's sign-for due 12 March; yellow: the
    # reminded talent duty; green: proposal 3's draft; the closed step counts nowhere
    assert (row.red, row.yellow, row.green) == (2, 1, 1)
    assert row.days_overdue == 5  # 10, 11, 12, 13 and 16 March


def test_totals_over_every_department(world):
    figures = dashboard_figures(everything(), today=TODAY)
    totals = figures.totals
    assert (totals.duties_assigned, totals.duties_closed, totals.duties_on_time) == (6, 3, 2)
    assert (totals.replies_assigned, totals.replies_released, totals.replies_on_time) == (5, 3, 2)
    assert totals.reply_rate == 60.0
    assert totals.on_time_rate == 66.7  # 4 of 6
    assert totals.attitude_rate == 75.0  # 3 of 4
    assert totals.result_rate == 50.0
    assert (totals.red, totals.yellow, totals.green) == (3, 1, 2)
    # worst first: 科技局 (2 red) before 教育局 (1 red, 10 working days), then 科协
    assert [row.department.short_name for row in figures.departments] == ["科技局", "教育局", "科协"]
    assert row_of(figures, world["jyj"]).days_overdue == 10


def test_categories_stages_and_meetings(world):
    figures = dashboard_figures(everything(), today=TODAY)
    assert {value: count for value, _label, count in figures.categories} == {"A": 2, "B": 1, "C": 0, "D": 0}
    stages = {value: count for value, _label, count in figures.stages}
    assert stages == {"assigned": 1, "handling": 1, "replied": 2, "rehandling": 0, "closed": 1}
    meetings = {row["name"]: (row["red"], row["yellow"], row["green"]) for row in figures.meetings}
    assert meetings == {"双创": (2, 0, 1), "人才": (0, 1, 0)}


def test_overdue_work_is_ranked_by_working_days_overdue(world):
    overdue = dashboard_figures(everything(), today=TODAY).overdue
    assert [(row["title"], row["days_overdue"]) for row in overdue] == [
        ("重点任务第5项《教育局保密红灯任务》", 10),
        ("重点任务第3项《科技局红灯任务》", 5),
        ("第4号建议《第4号建议》", 2),
    ]
    assert overdue[0]["url"] == world["duties"]["jyj_red"].get_absolute_url() + "#timeline"


def test_kind_and_meeting_filters(world):
    duties_only = dashboard_figures(everything(kind=DUTY), today=TODAY)
    assert duties_only.totals.replies_assigned == 0 and not duties_only.stages
    assert (duties_only.totals.red, duties_only.totals.yellow, duties_only.totals.green) == (2, 1, 1)
    cppcc = dashboard_figures(everything(kind="proposal"), today=TODAY)
    assert cppcc.totals.replies_assigned == 1 and cppcc.totals.duties_assigned == 0
    assert cppcc.totals.on_time_rate == 0.0  # proposal 2 was replied late
    talent = dashboard_figures(everything(meeting=world["meetings"]["talent"].pk), today=TODAY)
    assert (talent.totals.duties_assigned, talent.totals.yellow, talent.totals.red) == (1, 1, 0)
    assert not talent.stages  # proposals belong to no joint meeting


def test_period_counts_work_assigned_in_it(world):
    february = dashboard_figures(
        Filters(departments=None, since=datetime.date(2026, 2, 1), until=datetime.date(2026, 2, 28)),
        today=TODAY,
    )
    assert february.totals.duties_assigned == 0 and february.totals.replies_assigned == 0
    assert february.totals.red == 3  # lights are today's, whatever the period


def test_trend_by_month_of_assignment(world):
    figures = dashboard_figures(everything(), today=TODAY)
    assert figures.months == [datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)]
    duties_assigned, duties_closed, replies_assigned, replies_released = (
        values for _name, values in figures.trend
    )
    assert duties_assigned == [6, 0, 0]
    assert duties_closed == [3, 0, 0]
    assert replies_assigned == [5, 0, 0]
    assert replies_released == [3, 0, 0]


def test_a_leader_sees_only_their_departments(world):
    figures = dashboard_figures(
        Filters(departments=frozenset({world["kjj"].pk}), since=datetime.date(2026, 1, 1)), today=TODAY
    )
    assert [row.department for row in figures.departments] == [world["kjj"]]
    assert figures.totals.red == 2
    assert all("教育局" not in row["title"] for row in figures.overdue)


def test_no_work_gives_no_rate(db):
    figures = dashboard_figures(everything(), today=TODAY)
    assert figures.departments == [] and figures.totals.reply_rate is None


def test_on_time_means_by_the_local_midnight_ending_the_deadline_day(world):
    """00:00 on 11 March in 南通 is still 10 March in UTC: late all the same."""
    jyj, table = world["jyj"], world["duties"]["red"].table
    last_second = datetime.datetime(2026, 3, 10, 23, 59, 59, tzinfo=SHANGHAI)
    midnight = datetime.datetime(2026, 3, 11, 0, 0, tzinfo=SHANGHAI)
    for sequence, completed in ((7, last_second), (8, midnight)):
        Duty.objects.create(
            table=table,
            sequence=sequence,
            title=f"教育局第{sequence}项任务",
            lead=jyj,
            assigned_at=at(1, 10),
            deadline=day(3, 10),
            completed_at=completed,
            status=Duty.Status.DONE,
        )
    for number, released in ((7, last_second), (8, midnight)):
        item = Proposal.objects.create(
            kind="suggestion",
            session="2026年",
            number=str(number),
            title=f"第{number}号建议",
            content="内容",
            lead_department=jyj,
            status=Proposal.Status.REPLIED,
            assigned_at=at(1, 20),
        )
        Reply.objects.create(
            proposal=item,
            department=jyj,
            due=day(3, 10),
            status=Reply.Status.RELEASED,
            released_at=released,
            category="A",
        )
    row = row_of(dashboard_figures(everything(), today=TODAY), jyj)
    # before: jyj_done closed on time (no fixed end), p5 replied on time
    assert (row.duties_assigned, row.duties_closed, row.duties_on_time) == (4, 3, 2)
    assert (row.replies_assigned, row.replies_released, row.replies_on_time) == (3, 3, 2)
