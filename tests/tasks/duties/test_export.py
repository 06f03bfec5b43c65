"""The .xlsx export: the import's layout plus 进展情况 / 存在问题 / 下步计划, the light as the
colour of the 完成时限 cell, and only the duties the user may see."""

import datetime
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from tasks.duties.assignment import duty_assign
from tasks.duties.models import Duty, DutyTable, JointMeeting, ProgressReport
from tasks.proposals.flows import ProposalFlow
from tests.factories import register_and_assign
from tests.tasks.duties.spreadsheets import read_workbook
from workflows.escalation.models import Deadline, Light

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime.datetime(2024, 3, 4, 10, 0, tzinfo=SHANGHAI)
HEADER = [
    "序号",
    "重点任务",
    "具体措施",
    "牵头领导",
    "牵头单位",
    "配合单位",
    "完成时限",
    "进展情况",
    "存在问题",
    "下步计划",
]


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def step_deadline(duty, department, due, light=Light.GREEN):
    """A deadline of one step of ``duty`` (the supervision flow opens these; a bare task
    stands in for its step here)."""
    process = register_and_assign(lead=department, number=f"d{duty.pk}-{due}").processes().get()
    task = Task.objects.create(process=process, flow_task=ProposalFlow.sign_for, status="NEW")
    return Deadline.objects.create(
        task=task,
        content_type=ContentType.objects.get_for_model(Duty),
        object_id=duty.pk,
        department=department,
        original_due=due,
        due=due,
        light=light,
    )


@pytest.fixture
def tables(kjj, kx, jyj):
    meeting = JointMeeting.objects.create(
        name="南通市大众创业万众创新联席会议", short_name="南通双创", office=kjj
    )
    table = DutyTable.objects.create(
        meeting=meeting, title="2018年重点任务分解表", source="通政发〔2015〕37号"
    )
    other = DutyTable.objects.create(meeting=meeting, title="2019年重点任务分解表")

    def duty(table, sequence, title, lead, cooperating=(), **fields):
        item = Duty.objects.create(table=table, sequence=sequence, title=title, lead=lead, **fields)
        duty_assign(duty=item, lead=lead, cooperating=list(cooperating))
        # as if signed for in time: the lights below come from the steps' deadlines made here
        Duty.objects.filter(pk=item.pk).update(status=Duty.Status.IN_PROGRESS)
        Deadline.objects.for_subject(item).update(closed_at=timezone.now())
        return item

    overdue = duty(
        table,
        1,
        "推进众创空间建设",
        kjj,
        [kx],
        measures="新建众创空间",
        lead_leader="王副市长",
        deadline=datetime.date(2024, 3, 1),
        deadline_text="2024年3月1日",
    )
    near = duty(table, 2, "加强创业教育", kjj, deadline=datetime.date(2024, 3, 6))
    duty(table, 3, "营造创新氛围", kjj, deadline_text="长期坚持", cycle="quarterly")
    duty(table, 4, "教育局保密任务", jyj, deadline=datetime.date(2024, 3, 1))
    duty(other, 1, "下一年的任务", kjj, [kx], deadline=datetime.date(2025, 1, 1))
    step_deadline(overdue, kjj, datetime.date(2024, 3, 1))
    step_deadline(near, kjj, datetime.date(2024, 3, 6), Light.YELLOW)
    return table, other


def export(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("duties:export"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return read_workbook(response.content)


def rows_of(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def fill(cell):
    return cell.fill.start_color.rgb[-6:] if cell.fill and cell.fill.fill_type == "solid" else None


def test_the_export_is_the_import_layout_with_lights_as_colours(client, tables, kjj_officer):
    book = export(client, kjj_officer, table=tables[0].pk)
    assert book.sheetnames == ["2018年重点任务分解表"]
    sheet = book.active
    rows = rows_of(sheet)
    assert rows[0][0] == "通政发〔2015〕37号" and rows[1][0] == "2018年重点任务分解表"
    assert rows[2] == HEADER
    assert rows[3] == [
        1,
        "推进众创空间建设",
        "新建众创空间",
        "王副市长",
        "科技局",
        "科协",
        "2024年3月1日",
        None,
        None,
        None,
    ]
    assert rows[4][:7] == [2, "加强创业教育", None, None, "科技局", None, "2024年3月6日"]
    assert rows[5][:7] == [3, "营造创新氛围", None, None, "科技局", None, "长期坚持"]
    assert len(rows) == 6  # 教育局's duty is not 科技局's to see
    assert [fill(sheet.cell(row=line, column=7)) for line in (4, 5, 6)] == ["FFC7CE", "FFEB9C", "C6EFCE"]


def test_a_cooperating_department_does_not_see_the_leads_escalation_light(client, tables, kx_officer):
    sheet = export(client, kx_officer, table=tables[0].pk).active
    rows = rows_of(sheet)
    assert [row[1] for row in rows[3:]] == ["推进众创空间建设"]
    # the overdue date itself is not 科协's step: its light is green for 科协
    assert fill(sheet.cell(row=4, column=7)) == "C6EFCE"


def test_without_a_table_each_table_the_user_may_see_is_a_sheet(client, tables, kjj_officer, secretariat):
    book = export(client, kjj_officer)
    assert book.sheetnames == ["2018年重点任务分解表", "2019年重点任务分解表"]
    assert "教育局保密任务" not in str([rows_of(sheet) for sheet in book.worksheets])
    everything = export(client, secretariat)
    assert "教育局保密任务" in str(rows_of(everything["2018年重点任务分解表"]))


def test_an_outsider_exports_nothing_of_other_departments(client, tables, jyj_officer):
    # 2019's table holds nothing of 教育局: asked for by its id, it is an unknown choice, set
    # aside and named, and neither the file's name nor its sheets give the table's title away
    client.force_login(jyj_officer)
    response = client.get(reverse("duties:export"), {"table": tables[1].pk})
    assert response.status_code == 200
    assert "2019" not in unquote(response["Content-Disposition"])
    book = read_workbook(response.content)
    assert "2019年重点任务分解表" not in book.sheetnames
    assert all("2019年" not in str(cell) for sheet in book for row in rows_of(sheet) for cell in row)


def test_a_bad_table_filter_is_ignored_and_named(client, tables, kjj_officer):
    client.force_login(kjj_officer)
    response = client.get(reverse("duties:export"), {"table": "x"})
    assert response.status_code == 200
    book = read_workbook(response.content)
    assert len(book.sheetnames) == 2


def test_anonymous_visitors_cannot_export(client, tables):
    response = client.get(reverse("duties:export"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_progress_columns_come_from_the_latest_report_past_the_head(client, tables, kjj_officer):
    duty = Duty.objects.get(table=tables[0], sequence=1)
    at = timezone.now()
    report = {"duty": duty, "submitted_by": kjj_officer}
    ProgressReport.objects.create(
        **report,
        status=ProgressReport.Status.ACCEPTED,
        submitted_at=at - datetime.timedelta(days=30),
        progress="一季度：选址完成",
        problems="资金未到位",
        next_steps="启动装修",
    )
    ProgressReport.objects.create(
        **report,
        status=ProgressReport.Status.SIGNED_OFF,
        submitted_at=at - datetime.timedelta(days=1),
        progress="二季度：两家众创空间投入运营",
        problems="无",
        next_steps="开展绩效评估",
    )
    ProgressReport.objects.create(  # not yet signed off by the head: not shown
        **report,
        status=ProgressReport.Status.SUBMITTED,
        submitted_at=at,
        progress="草稿进展",
        problems="草稿问题",
        next_steps="草稿计划",
    )
    rows = rows_of(export(client, kjj_officer, table=tables[0].pk).active)
    assert rows[3][7:] == ["二季度：两家众创空间投入运营", "无", "开展绩效评估"]
    assert rows[4][7:] == [None, None, None]
