"""Each deadline stores its duty's joint meeting (``Deadline.meeting_id``) so the dashboard counts
lights per meeting from the open deadlines alone: the data migration fills the rows written before,
and the figures read from it are the hand-built world's known answers."""

import importlib

import pytest
from django.apps import apps

from dashboard.stats import dashboard_figures
from tests.dashboard.conftest import TODAY
from tests.dashboard.test_stats import everything
from workflows.escalation.models import Deadline

pytestmark = pytest.mark.django_db

fill = importlib.import_module("tasks.duties.migrations.0004_deadline_meeting_fill").deadline_meetings_fill


def stored_meetings():
    return dict(Deadline.objects.values_list("pk", "meeting_id"))


def test_the_migration_fills_each_duty_steps_meeting_and_leaves_proposals_without(world):
    deadlines, meetings = world["deadlines"], world["meetings"]
    Deadline.objects.update(meeting_id=None)  # as the rows written before the column was
    fill(apps, None)
    assert stored_meetings() == {
        deadlines["red"].pk: meetings["shuangchuang"].pk,
        deadlines["yellow"].pk: meetings["talent"].pk,
        deadlines["green"].pk: None,  # a proposal's step
        deadlines["p4_red"].pk: None,
        deadlines["kx_input"].pk: meetings["shuangchuang"].pk,  # a cooperating department's step
        deadlines["jyj_red"].pk: meetings["shuangchuang"].pk,
        deadlines["closed"].pk: meetings["shuangchuang"].pk,  # closed steps too
    }
    meetings_shown = {
        row["name"]: (row["red"], row["yellow"], row["green"])
        for row in dashboard_figures(everything(), today=TODAY).meetings
    }
    assert meetings_shown == {"双创": (2, 0, 1), "人才": (0, 1, 0)}


def test_the_migration_keeps_a_stored_meeting_and_can_run_twice(world):
    before = stored_meetings()
    fill(apps, None)
    fill(apps, None)
    assert stored_meetings() == before


def test_a_meeting_filter_counts_only_the_steps_holding_that_meeting(world):
    talent = dashboard_figures(everything(meeting=world["meetings"]["talent"].pk), today=TODAY)
    assert (talent.totals.red, talent.totals.yellow, talent.totals.green) == (0, 1, 0)
    assert [row["name"] for row in talent.meetings] == ["人才"]
