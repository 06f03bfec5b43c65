"""Progress reports on a duty's cycle: the daily job opens each period's report on working days
(once, however often it runs), and a late report climbs the escalation ladder."""

import datetime

import pytest
from django.urls import reverse

from tasks.duties import jobs
from tasks.duties.assignment import duty_assign
from tasks.duties.flows import DutyFlow, DutyReportFlow
from tasks.duties.models import Duty, ProgressReport
from tasks.duties.reports import period_of, reports_open_due
from tests.tasks.duties.conftest import at, draft_duty, open_task, report_task, step_post
from workflows.escalation import dispatcher
from workflows.escalation.models import Deadline, Light, Notice

D = datetime.date


@pytest.mark.parametrize(
    ("cycle", "day", "report_day", "expected"),
    [
        (Duty.Cycle.MONTHLY, D(2024, 3, 4), 28, ("2024年3月", D(2024, 3, 1), D(2024, 3, 28))),
        # 28 September 2024 is a Saturday: due the Friday before; Sunday 29th is a make-up working day
        (Duty.Cycle.MONTHLY, D(2024, 9, 2), 28, ("2024年9月", D(2024, 9, 1), D(2024, 9, 27))),
        (Duty.Cycle.MONTHLY, D(2024, 9, 2), 29, ("2024年9月", D(2024, 9, 1), D(2024, 9, 29))),
        # the end of June 2024 is a Sunday: due the Friday before
        (Duty.Cycle.MONTHLY, D(2024, 6, 3), None, ("2024年6月", D(2024, 6, 1), D(2024, 6, 28))),
        (Duty.Cycle.WEEKLY, D(2024, 3, 6), None, ("2024年第10周", D(2024, 3, 4), D(2024, 3, 8))),
        (Duty.Cycle.QUARTERLY, D(2024, 2, 1), None, ("2024年第1季度", D(2024, 1, 1), D(2024, 3, 29))),
        (Duty.Cycle.HALF_YEARLY, D(2024, 8, 1), None, ("2024年下半年", D(2024, 7, 1), D(2024, 12, 31))),
        (Duty.Cycle.DAILY, D(2024, 3, 5), None, ("2024年3月5日", D(2024, 3, 5), D(2024, 3, 5))),
    ],
)
def test_a_period_is_due_on_its_last_working_day_or_its_report_day(db, cycle, day, report_day, expected):
    period = period_of(cycle, day, report_day)
    assert (period.label, period.start, period.due) == expected


def test_a_duty_reported_once_has_no_periods(db):
    assert period_of(Duty.Cycle.ONCE, D(2024, 3, 4)) is None


@pytest.fixture
def monthly(monday_morning, table, kjj, kjj_officer, kjj_head, secretariat):
    duty = draft_duty(table, kjj, [], cycle=Duty.Cycle.MONTHLY, report_day=28, deadline=D(2024, 12, 31))
    duty_assign(duty=duty, actor=secretariat)
    return duty


def sign_for(client, duty, officer):
    client.force_login(officer)
    assert (
        client.post(reverse("duties:sign_for", args=[open_task(duty, DutyFlow.sign_for).pk])).status_code
        == 302
    )


def progress_reports(duty):
    return list(
        ProgressReport.objects.filter(duty=duty, kind=ProgressReport.Kind.PROGRESS)
        .order_by("period_start")
        .values_list("period_label", "due")
    )


def test_the_job_opens_each_periods_report_once_on_working_days(client, monthly, kjj_officer):
    # before 签收 nothing is reported
    assert reports_open_due() == []
    sign_for(client, monthly, kjj_officer)
    assert jobs.duty_reports_open() == 1
    assert jobs.duty_reports_open() == 0  # idempotent
    assert progress_reports(monthly) == [("2024年3月", D(2024, 3, 28))]
    task = report_task(ProgressReport.objects.get(duty=monthly, kind="progress"), DutyReportFlow.write)
    deadline = Deadline.objects.get(task=task)
    assert (deadline.due, deadline.meeting_id) == (D(2024, 3, 28), monthly.table.meeting_id)

    # 清明 2024: 4–6 April off, Sunday 7 April a make-up working day
    with at(2024, 4, 6, 7, 0):
        assert reports_open_due() == []
    with at(2024, 4, 7, 7, 0):
        assert len(reports_open_due()) == 1
        assert reports_open_due() == []
    assert progress_reports(monthly) == [("2024年3月", D(2024, 3, 28)), ("2024年4月", D(2024, 4, 28))]


def test_no_report_opens_for_a_period_after_the_deadline_or_a_finished_duty(client, monthly, kjj_officer):
    sign_for(client, monthly, kjj_officer)
    with at(2025, 1, 6, 7, 0):
        assert reports_open_due() == []
    Duty.objects.filter(pk=monthly.pk).update(status=Duty.Status.DONE)
    with at(2024, 5, 6, 7, 0):
        assert reports_open_due() == []


def test_a_late_report_is_urged_then_supervised_and_stays_red_until_submitted(
    client, monthly, kjj_officer, kjj_head, leader
):
    sign_for(client, monthly, kjj_officer)
    (report,) = reports_open_due()
    write = report_task(report, DutyReportFlow.write)
    # the reminder three working days before 28 March (Monday 25th), the 催办 on Friday 29th
    with at(2024, 3, 25, 9, 5):
        dispatcher.timers_fire()
    with at(2024, 3, 29, 9, 5):
        dispatcher.timers_fire()
    notices = Notice.objects.filter(deadline__task=write).order_by("pk")
    assert [n.kind for n in notices] == [Notice.Kind.REMINDER, Notice.Kind.URGING]
    assert "重点任务第1项《建设众创空间》" in notices[1].subject_title
    deadline = Deadline.objects.get(task=write)
    assert deadline.light == Light.RED
    # 督办 five working days after the deadline (Monday 8 April, after the 清明 holiday), to the leader too
    with at(2024, 4, 8, 9, 5):
        dispatcher.timers_fire()
    assert notices.last().kind == Notice.Kind.SUPERVISION
    client.force_login(leader)
    grid = client.get(reverse("duties:index"), {"light": "red"}).content.decode()
    assert "建设众创空间" in grid
    with at(2024, 4, 8, 10, 0):
        response = step_post(client, kjj_officer, write, {"progress": "已完成3月工作", "percentage": 30})
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert deadline.closed_at is not None
    report.refresh_from_db()
    assert (report.status, report.percentage) == (ProgressReport.Status.SUBMITTED, 30)
    with at(2024, 4, 20, 9, 5):
        assert dispatcher.timers_fire() == 0


def test_a_finished_duty_cancels_its_open_progress_report(
    client, monthly, kjj_officer, kjj_head, secretariat
):
    sign_for(client, monthly, kjj_officer)
    (report,) = reports_open_due()
    completion = ProgressReport.objects.get(duty=monthly, kind=ProgressReport.Kind.COMPLETION)
    step_post(client, kjj_officer, report_task(completion, DutyReportFlow.write), {"progress": "全部完成"})
    step_post(client, kjj_head, report_task(completion, DutyReportFlow.sign_off), {"decision": "approve"})
    step_post(client, secretariat, report_task(completion, DutyReportFlow.review), {"decision": "approve"})
    monthly.refresh_from_db()
    assert monthly.status == Duty.Status.DONE
    progress_process = monthly.processes().get(seed_object_id=report.pk)
    assert progress_process.status == "CANCELED"
    assert not Deadline.objects.open().for_subject(monthly).exists()
    with at(2024, 4, 20, 9, 5):
        assert dispatcher.timers_fire() == 0
    assert not Notice.objects.exists()
