"""The supervision flow through its pages: 交办 of a table, one-click 签收, two cooperating
departments' inputs in parallel, the completion report signed off (after a return) by the head,
returned by the secretariat, resubmitted and accepted; and the optional leader confirmation."""

import datetime

import pytest
from django.urls import reverse
from viewflow.workflow.status import STATUS

from tasks.duties.flows import DutyFlow, DutyReportFlow
from tasks.duties.models import CooperationInput, Duty, ProgressReport
from tests.tasks.duties.conftest import draft_duty, open_task, open_tasks, step_page, step_post
from workflows.escalation.models import Deadline
from workflows.notifications.models import Notification

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def assigned(
    monday_morning, client, table, kjj, kx, fgw, kjj_officer, kjj_head, kx_officer, fgw_officer, secretariat
):
    duty = draft_duty(table, kjj, [kx, fgw], deadline=datetime.date(2024, 6, 28))
    client.force_login(secretariat)
    response = client.post(reverse("duties:table_assign", args=[table.pk]))
    assert response.status_code == 302
    duty.refresh_from_db()
    return duty


def test_assigning_the_table_opens_the_leads_sign_for_step_with_its_deadline(assigned, kjj, kjj_officer):
    assert assigned.status == Duty.Status.ASSIGNED
    assert assigned.assigned_at is not None
    # 3 working days after Monday 4 March
    assert assigned.sign_for_deadline == datetime.date(2024, 3, 7)
    task = open_task(assigned, DutyFlow.sign_for)
    deadline = Deadline.objects.get(task=task)
    assert (deadline.due, deadline.department) == (datetime.date(2024, 3, 7), kjj)
    assert deadline.meeting_id == assigned.table.meeting_id  # the dashboard counts lights per meeting by it
    assert Notification.objects.filter(recipient=kjj_officer, subject__contains="【交办】").exists()


def test_a_get_on_the_table_assign_is_refused_and_others_cannot_assign(client, assigned, table, kjj_officer):
    client.force_login(kjj_officer)
    assert client.post(reverse("duties:table_assign", args=[table.pk])).status_code == 403
    assert client.get(reverse("duties:table_assign", args=[table.pk])).status_code == 405


def test_the_whole_flow_through_its_pages(
    client, assigned, kjj_officer, kjj_head, kx_officer, fgw_officer, secretariat
):
    duty = assigned
    client.force_login(kjj_officer)
    sign_for = open_task(duty, DutyFlow.sign_for)
    assert client.post(reverse("duties:sign_for", args=[sign_for.pk])).status_code == 302
    duty.refresh_from_db()
    assert duty.status == Duty.Status.IN_PROGRESS and duty.signed_for_by == kjj_officer
    assert Deadline.objects.get(task=sign_for).closed_at is not None

    # the two cooperating departments each have their own step, deadline and permission
    kx_task, fgw_task = open_tasks(duty, DutyFlow.cooperate)
    inputs = {item.department.short_name: item for item in CooperationInput.objects.filter(duty=duty)}
    assert inputs["科协"].due == datetime.date(2024, 3, 18)  # 10 working days
    assert {Deadline.objects.get(task=t).department.short_name for t in (kx_task, fgw_task)} == {
        "科协",
        "发改委",
    }
    assert {Deadline.objects.get(task=t).meeting_id for t in (kx_task, fgw_task)} == {duty.table.meeting_id}
    if kx_task.data["input"] != inputs["科协"].pk:
        kx_task, fgw_task = fgw_task, kx_task
    client.force_login(kx_officer)
    refused = client.post(fgw_task.flow_task.reverse("assign", args=[fgw_task.process_id, fgw_task.pk]))
    assert refused.status_code in (403, 404)
    fgw_task.refresh_from_db()
    assert fgw_task.owner_id is None

    # the completion report cannot go before every input is in; the typed text stays
    write = open_task(duty, DutyReportFlow.write)
    early = step_post(client, kjj_officer, write, {"progress": "已建成众创空间12家"})
    assert early.status_code == 200
    assert "发改委、科协" in early.content.decode() and "已建成众创空间12家" in early.content.decode()
    assert ProgressReport.objects.get(duty=duty).status == ProgressReport.Status.OPEN

    assert (
        step_post(client, kx_officer, kx_task, {"content": "科协组织老科技工作者参与。"}).status_code == 302
    )
    pdf = __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
        "意见.pdf", PDF, "application/pdf"
    )
    response = step_post(
        client, fgw_officer, fgw_task, {"content": "发改委支持项目申报。", "attachments": [pdf]}
    )
    assert response.status_code == 302
    assert duty.processes().get(flow_class=DutyFlow).status == STATUS.DONE
    assert CooperationInput.objects.get(duty=duty, department__short_name="发改委").attachments.count() == 1

    # the officer writes it; the head returns it; the officer revises; the head approves
    write = open_task(duty, DutyReportFlow.write)
    done = {"progress": "已建成众创空间12家", "problems": "场地不足", "next_steps": "继续推进"}
    assert step_post(client, kjj_officer, write, done).status_code == 302
    sign_off = open_task(duty, DutyReportFlow.sign_off)
    client.force_login(kjj_officer)
    taken = client.post(sign_off.flow_task.reverse("assign", args=[sign_off.process_id, sign_off.pk]))
    assert taken.status_code in (403, 404)  # an officer does not sign off
    no_reason = step_post(client, kjj_head, sign_off, {"decision": "return", "comment": ""})
    assert no_reason.status_code == 200
    assert (
        step_post(client, kjj_head, sign_off, {"decision": "return", "comment": "请补充数据来源"}).status_code
        == 302
    )
    report = ProgressReport.objects.get(duty=duty)
    assert report.status == ProgressReport.Status.RETURNED and report.head_comment == "请补充数据来源"
    write = open_task(duty, DutyReportFlow.write)
    page = step_page(client, kjj_officer, write)
    assert "请补充数据来源" in page.content.decode() and "已建成众创空间12家" in page.content.decode()
    assert (
        step_post(
            client, kjj_officer, write, {**done, "progress": "已建成众创空间12家（市科技局统计）"}
        ).status_code
        == 302
    )
    sign_off = open_task(duty, DutyReportFlow.sign_off)
    assert step_post(client, kjj_head, sign_off, {"decision": "approve"}).status_code == 302
    duty.refresh_from_db()
    assert duty.status == Duty.Status.REVIEW

    # the secretariat returns it with a reason; back to the lead; resubmitted, signed off, accepted
    review = open_task(duty, DutyReportFlow.review)
    assert (
        step_post(client, secretariat, review, {"decision": "return", "comment": "缺少验收材料"}).status_code
        == 302
    )
    duty.refresh_from_db()
    assert duty.status == Duty.Status.RETURNED
    assert Notification.objects.filter(recipient=kjj_head, subject__contains="【退回】").exists()
    write = open_task(duty, DutyReportFlow.write)
    assert step_post(client, kjj_officer, write, done).status_code == 302
    assert (
        step_post(
            client, kjj_head, open_task(duty, DutyReportFlow.sign_off), {"decision": "approve"}
        ).status_code
        == 302
    )
    review = open_task(duty, DutyReportFlow.review)
    assert (
        step_post(client, secretariat, review, {"decision": "approve", "comment": "同意办结"}).status_code
        == 302
    )
    duty.refresh_from_db()
    assert duty.status == Duty.Status.DONE and duty.completed_at is not None
    assert duty.processes().get(flow_class=DutyReportFlow).status == STATUS.DONE
    report.refresh_from_db()
    assert (report.status, report.decision_note, report.decided_by) == (
        ProgressReport.Status.ACCEPTED,
        "同意办结",
        secretariat,
    )

    client.force_login(kjj_officer)
    page = client.get(duty.get_absolute_url()).content.decode()
    for text in ("科协组织老科技工作者参与。", "意见.pdf", "缺少验收材料", "请补充数据来源", "同意办结"):
        assert text in page


def test_a_leader_confirms_when_the_duty_asks_for_it(
    client, monday_morning, table, kjj, kjj_officer, kjj_head, secretariat, leader
):
    duty = draft_duty(table, kjj, [], leader_confirmation=True)
    client.force_login(secretariat)
    assert (
        client.post(reverse("duties:duty_assign", args=[duty.pk]), {"leader_confirmation": "on"}).status_code
        == 302
    )
    client.force_login(kjj_officer)
    client.post(reverse("duties:sign_for", args=[open_task(duty, DutyFlow.sign_for).pk]))
    # no cooperating department: the supervision flow ends at once, the completion report is open
    assert duty.processes().get(flow_class=DutyFlow).status == STATUS.DONE
    step_post(client, kjj_officer, open_task(duty, DutyReportFlow.write), {"progress": "已完成"})
    step_post(client, kjj_head, open_task(duty, DutyReportFlow.sign_off), {"decision": "approve"})
    step_post(client, secretariat, open_task(duty, DutyReportFlow.review), {"decision": "approve"})
    duty.refresh_from_db()
    assert duty.status == Duty.Status.REVIEW
    confirm = open_task(duty, DutyReportFlow.confirm)
    client.force_login(kjj_head)
    assert client.post(
        confirm.flow_task.reverse("assign", args=[confirm.process_id, confirm.pk])
    ).status_code in (403, 404)
    assert step_post(client, leader, confirm, {"comment": "同意"}).status_code == 302
    duty.refresh_from_db()
    assert duty.status == Duty.Status.DONE
    assert ProgressReport.objects.get(duty=duty).confirmed_by == leader
