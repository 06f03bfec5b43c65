"""Registering and assigning a proposal opens the lead department's sign-for task with its
deadline on the escalation ladder; the lead department's officer signs for it."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import User
from tasks.proposals.flows import ProposalFlow
from tasks.proposals.models import Proposal
from workflows.escalation import dispatcher, lights
from workflows.escalation.models import Deadline, Light, Notice

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sign_for_task(proposal):
    return Task.objects.get(process__artifact_object_id=proposal.pk, flow_task=ProposalFlow.sign_for)


def ladder_timers(proposal, node=ProposalFlow.sign_for__timeout):
    return Task.objects.filter(process__artifact_object_id=proposal.pk, flow_task=node)


@pytest.fixture
def monday_morning():
    # Monday 5 Feb 2024, before the Spring Festival holiday (10–17 Feb, make-up day Sun 18 Feb).
    with time_machine.travel(datetime.datetime(2024, 2, 5, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def assigned(monday_morning, proposal_277):
    return proposal_277


def test_assignment_opens_sign_for_task_for_lead_department(assigned, kjj_officer, jyj_officer, kx_officer):
    task = sign_for_task(assigned)
    assert task.status == STATUS.NEW
    assert task.owner_permission == "proposals.handle_reply"
    assert Task.objects.queue([ProposalFlow], kjj_officer).filter(pk=task.pk).exists()
    assert not Task.objects.queue([ProposalFlow], jyj_officer).exists()
    # the co-handler sees the proposal but does not sign for it
    assert not Task.objects.queue([ProposalFlow], kx_officer).exists()


def test_sign_for_deadline_counts_working_days_across_spring_festival(assigned, kjj):
    # 5 working days after Mon 5 Feb: 6, 7, 8, 9 Feb, then the make-up Sunday 18 Feb.
    assert assigned.sign_for_deadline == datetime.date(2024, 2, 18)
    deadline = Deadline.objects.get(task=sign_for_task(assigned))
    assert (deadline.due, deadline.original_due, deadline.department, deadline.light) == (
        datetime.date(2024, 2, 18),
        datetime.date(2024, 2, 18),
        kjj,
        Light.GREEN,
    )
    assert deadline.meeting_id is None  # a proposal belongs to no joint meeting
    # extensions may reach 6 months from the assignment
    assert deadline.cap == datetime.date(2024, 8, 5)
    # the ladder's first rung: the reminder 3 working days before the deadline (7, 8, 9 Feb)
    (timer,) = ladder_timers(assigned)
    assert timer.flow_task == ProposalFlow.sign_for__timeout
    assert timer.status == STATUS.SCHEDULED
    assert timer.scheduled == datetime.datetime(2024, 2, 7, 9, 0, tzinfo=SHANGHAI)
    assert timer.previous.get() == sign_for_task(assigned)


def test_officer_signs_for_from_the_inbox(assigned, client, kjj_officer):
    task = sign_for_task(assigned)
    client.force_login(kjj_officer)

    home = client.get("/", follow=True)
    assert home.status_code == 200
    assert "关于在南通市组织社会大众聚力创新的建议" in home.content.decode()

    assign_url = task.flow_task.reverse("assign", args=[task.process_id, task.pk])
    assert client.post(assign_url).status_code == 302
    execute_url = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    page = client.get(execute_url)
    assert page.status_code == 200
    assert "石剑波" in page.content.decode()
    response = client.post(execute_url)
    assert response.status_code == 302

    assigned.refresh_from_db()
    assert assigned.status == Proposal.Status.HANDLING
    assert assigned.signed_for_by == kjj_officer
    assert sign_for_task(assigned).status == STATUS.DONE
    # the ladder's timer is cancelled with the sign-for step, the deadline closes, nothing fires
    # before the next steps' reminders (the co-handler's opinion is due on 5 March)
    assert [timer.status for timer in ladder_timers(assigned)] == [STATUS.CANCELED]
    assert Deadline.objects.get(task=task).closed_at is not None
    with time_machine.travel(datetime.datetime(2024, 2, 28, tzinfo=SHANGHAI), tick=False):
        assert dispatcher.timers_fire() == 0
    assert not Notice.objects.exists()
    assert (
        lights.with_light(Proposal.objects.filter(pk=assigned.pk), User.objects.get(username="kjj_officer"))
        .get()
        .light
        == Light.GREEN
    )


def test_outsider_cannot_claim_the_sign_for_task(assigned, client, jyj_officer):
    task = sign_for_task(assigned)
    client.force_login(jyj_officer)
    assign_url = task.flow_task.reverse("assign", args=[task.process_id, task.pk])
    response = client.post(assign_url)
    assert response.status_code in (403, 404)
    task.refresh_from_db()
    assert task.owner_id is None
