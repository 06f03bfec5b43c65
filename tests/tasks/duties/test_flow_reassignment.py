"""申请调整: the lead department asks, with a reason, to be relieved of a duty; the secretariat
approves (the duty moves, with a fresh sign-for window) or refuses (the same lead signs for it)."""

import datetime

import pytest
from django.urls import reverse

from tasks.duties.access import duties_for_user
from tasks.duties.flows import DutyFlow
from tasks.duties.models import Duty, ReassignmentRequest
from tests.tasks.duties.conftest import at, draft_duty, open_task, step_page, step_post
from workflows.escalation.models import Deadline


@pytest.fixture
def assigned(monday_morning, client, table, kjj, kx, kjj_officer, secretariat):
    duty = draft_duty(table, kjj, [kx])
    client.force_login(secretariat)
    client.post(reverse("duties:duty_assign", args=[duty.pk]))
    duty.refresh_from_db()
    return duty


def reassignment_asked(client, duty, officer):
    return step_post(
        client,
        officer,
        open_task(duty, DutyFlow.sign_for),
        {
            "action": "reassign",
            "reason": "该任务属教育部门职责，建议由教育局牵头",
            "suggested_lead": "教育局",
        },
    )


def test_a_request_without_a_reason_is_refused_and_keeps_what_was_typed(client, assigned, kjj_officer):
    response = step_post(
        client,
        kjj_officer,
        open_task(assigned, DutyFlow.sign_for),
        {"action": "reassign", "reason": "不", "suggested_lead": "教育局"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="教育局"' in page
    assert not ReassignmentRequest.objects.exists()
    assert open_task(assigned, DutyFlow.sign_for)


def test_approved_reassignment_moves_the_duty_and_its_sign_for_step(
    client, assigned, jyj, kjj_officer, jyj_officer, secretariat
):
    assert reassignment_asked(client, assigned, kjj_officer).status_code == 302
    decide = open_task(assigned, DutyFlow.reassignment_decide)
    page = step_page(client, secretariat, decide)
    assert "该任务属教育部门职责" in page.content.decode()
    # approving needs the new lead department
    missing = step_post(client, secretariat, decide, {"decision": "approve", "note": "同意"})
    assert missing.status_code == 200
    with at(2024, 3, 6, 10, 0):
        response = step_post(
            client, secretariat, decide, {"decision": "approve", "lead": jyj.pk, "note": "同意调整"}
        )
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.lead == jyj
    assert list(assigned.cooperating.all()) == []
    assert assigned.reassignment_requests.get().status == ReassignmentRequest.Status.APPROVED
    # a fresh window of 3 working days from the decision (Wednesday 6 March)
    assert assigned.sign_for_deadline == datetime.date(2024, 3, 11)
    sign_for = open_task(assigned, DutyFlow.sign_for)
    assert Deadline.objects.get(task=sign_for).department == jyj
    assert not duties_for_user(kjj_officer).filter(pk=assigned.pk).exists()
    client.force_login(jyj_officer)
    assert client.post(reverse("duties:sign_for", args=[sign_for.pk])).status_code == 302
    assigned.refresh_from_db()
    assert assigned.status == Duty.Status.IN_PROGRESS and assigned.signed_for_by == jyj_officer


def test_refused_reassignment_leaves_the_duty_with_its_lead(client, assigned, kjj, kjj_officer, secretariat):
    reassignment_asked(client, assigned, kjj_officer)
    decide = open_task(assigned, DutyFlow.reassignment_decide)
    no_reason = step_post(client, secretariat, decide, {"decision": "refuse"})
    assert no_reason.status_code == 200
    response = step_post(
        client, secretariat, decide, {"decision": "refuse", "note": "属科技创新范畴，仍由科技局牵头"}
    )
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.lead == kjj
    assert assigned.reassignment_requests.get().status == ReassignmentRequest.Status.REFUSED
    sign_for = open_task(assigned, DutyFlow.sign_for)
    client.force_login(kjj_officer)
    page = client.get(assigned.get_absolute_url()).content.decode()
    assert "属科技创新范畴，仍由科技局牵头" in page
    assert client.post(reverse("duties:sign_for", args=[sign_for.pk])).status_code == 302
    assigned.refresh_from_db()
    assert assigned.status == Duty.Status.IN_PROGRESS


def test_only_the_secretariat_decides(client, assigned, kjj_officer, kjj_head):
    reassignment_asked(client, assigned, kjj_officer)
    decide = open_task(assigned, DutyFlow.reassignment_decide)
    client.force_login(kjj_head)
    response = client.post(decide.flow_task.reverse("assign", args=[decide.process_id, decide.pk]))
    assert response.status_code in (403, 404)
