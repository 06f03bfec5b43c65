"""The duties' API: reading duties and their reports, and filing a progress report as the lead
department's report page does, scoped as the pages are."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from tasks.duties import jobs, services
from tasks.duties.assignment import duty_assign
from tasks.duties.flows import DutyFlow, DutyReportFlow
from tasks.duties.models import Duty, ProgressReport
from tests.api.conftest import list_queries, system_account
from tests.factories import step_complete
from tests.tasks.duties.conftest import draft_duty, monday_morning, open_task, report_task, table  # noqa: F401  (fixtures)


@pytest.fixture
def reporting(monday_morning, table, kjj, kx, kjj_officer, secretariat):  # noqa: F811
    """A monthly duty led by 科技局 with 科协, signed for; March's report waits to be written."""
    duty = draft_duty(
        table,
        kjj,
        [kx],
        title="保密任务丙",
        cycle=Duty.Cycle.MONTHLY,
        report_day=28,
        deadline=datetime.date(2024, 12, 31),
    )
    duty_assign(duty=duty, actor=secretariat)
    step_complete(
        open_task(duty, DutyFlow.sign_for),
        kjj_officer,
        lambda: services.duty_sign_for(duty=duty, user=kjj_officer),
    )
    assert jobs.duty_reports_open() == 1
    return duty


def reports_url(duty):
    return reverse("api:duty_reports", args=[duty.pk])


FILED = {
    "progress": "众创空间已建成三家，入驻团队四十个。",
    "problems": "场地不足",
    "next_steps": "新建两家",
    "percentage": 40,
}


def test_a_filed_progress_report_goes_to_the_head_and_shows_on_the_duty_page(
    client, reporting, kjj, kjj_officer, kjj_head
):
    account, api = system_account("科技局办公系统", kjj)
    response = api.post_json(reports_url(reporting), FILED)
    assert response.status_code == 201, response.content
    report = ProgressReport.objects.get(duty=reporting, kind=ProgressReport.Kind.PROGRESS)
    assert response.json()["id"] == report.pk
    assert (report.status, report.percentage, report.submitted_by) == (
        ProgressReport.Status.SUBMITTED,
        40,
        account,
    )
    assert report_task(report, DutyReportFlow.sign_off).status == "NEW"  # the head's turn
    assert AuditEvent.objects.for_object(reporting).filter(action="submit", actor=account).exists()
    client.force_login(kjj_officer)
    page = client.get(reverse("duties:duty_detail", args=[reporting.pk])).content.decode()
    assert "众创空间已建成三家，入驻团队四十个。" in page
    # it is no longer waiting to be written
    again = api.post_json(reports_url(reporting), {**FILED, "report": report.pk})
    assert again.status_code == 400 and "report" in again.json()
    # the completion report waits for 科协's input, as its page says
    completion = api.post_json(reports_url(reporting), FILED)
    assert completion.status_code == 400
    assert "科协" in completion.json()["non_field_errors"][0]


def test_bad_reports_get_errors_by_field_and_write_nothing(reporting, kjj):
    _account, api = system_account("科技局办公系统", kjj)
    report = ProgressReport.objects.get(duty=reporting, kind=ProgressReport.Kind.PROGRESS)
    before = (list(ProgressReport.objects.values()), AuditEvent.objects.count())
    for changes, field in [
        ({"percentage": 150}, "percentage"),
        ({"percentage": None}, "percentage"),
        ({"progress": ""}, "progress"),
        ({"report": report.pk + 1000}, "report"),
    ]:
        response = api.post_json(reports_url(reporting), {**FILED, **changes})
        assert response.status_code == 400, changes
        assert field in response.json(), response.json()
        assert (list(ProgressReport.objects.values()), AuditEvent.objects.count()) == before
    assert report_task(report, DutyReportFlow.write).status == "NEW"


def test_only_the_lead_department_files_and_outsiders_see_nothing(reporting, kx, jyj):
    _account, kx_api = system_account("科协办公系统", kx)
    _account, jyj_api = system_account("教育局办公系统", jyj)
    before = list(ProgressReport.objects.values())
    assert kx_api.post_json(reports_url(reporting), FILED).status_code == 403
    assert kx_api.get(reverse("api:duty_detail", args=[reporting.pk])).json()["title"] == "保密任务丙"
    assert kx_api.get(reports_url(reporting)).status_code == 200
    for url in (reverse("api:duty_detail", args=[reporting.pk]), reports_url(reporting)):
        response = jyj_api.get(url)
        assert response.status_code == 404 and "保密任务丙" not in response.content.decode()
    assert jyj_api.post_json(reports_url(reporting), FILED).status_code == 404
    listed = jyj_api.get(reverse("api:duty_list"))
    assert listed.json()["count"] == 0 and "保密任务丙" not in listed.content.decode()
    assert list(ProgressReport.objects.values()) == before


def test_the_duty_list_filters_by_status_and_lead(reporting, table, kjj, jyj, secretariat):  # noqa: F811
    other = draft_duty(table, jyj, sequence=2, title="教育局的任务")
    duty_assign(duty=other, actor=secretariat)
    _account, api = system_account("人大建议办理系统", None)
    listed = api.get(reverse("api:duty_list"), {"lead": kjj.pk}).json()
    assert [row["title"] for row in listed["results"]] == ["保密任务丙"]
    assigned = api.get(reverse("api:duty_list"), {"status": Duty.Status.ASSIGNED}).json()
    assert [row["title"] for row in assigned["results"]] == ["教育局的任务"]


def test_the_table_filter_offers_only_the_accounts_tables(reporting, table, jyj):  # noqa: F811
    _account, kjj_api = system_account("科技局办公系统", reporting.lead)
    listed = kjj_api.get(reverse("api:duty_list"), {"table": table.pk}).json()
    assert [row["title"] for row in listed["results"]] == ["保密任务丙"]
    _account, jyj_api = system_account("教育局办公系统", jyj)
    refused = jyj_api.get(reverse("api:duty_list"), {"table": table.pk})  # 教育局 has nothing there
    assert refused.status_code == 400 and "table" in refused.json()


def test_the_duty_list_costs_the_same_queries_at_5_and_50_rows(table, kjj, kx, secretariat):  # noqa: F811
    _account, api = system_account("科技局办公系统", kjj)

    def add(sequences):
        for sequence in sequences:
            duty = draft_duty(table, kjj, [kx], sequence=sequence, title=f"任务{sequence}")
            duty_assign(duty=duty, actor=secretariat)

    add(range(1, 6))
    few, rows = list_queries(api, reverse("api:duty_list"))
    assert rows == 5
    add(range(6, 51))
    assert list_queries(api, reverse("api:duty_list")) == (few, 50)
