from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import AuditEvent
from tasks.duties.access import duties_for_user
from tasks.duties.assignment import duty_assign
from tasks.duties.models import Duty, DutyTable, JointMeeting
from tasks.duties.services import duty_reassign
from tasks.proposals import assignment
from tasks.proposals.access import proposals_for_user
from tasks.proposals.flows import ProposalFlow
from tests.factories import register_and_assign
from workflows.escalation.access import deadlines_for_user
from workflows.escalation.models import Deadline
from workflows.notifications.models import Notification
from workflows.workdays.calendar import add_working_days


def test_reassigning_a_proposal_moves_access_at_once(
    client, proposal_277, kjj_officer, jyj, jyj_officer, secretariat
):
    task = proposal_277.tasks().get(flow_task=ProposalFlow.sign_for)
    with task.activation() as activation:
        activation.assign(kjj_officer)

    assignment.proposal_reassign(proposal=proposal_277, lead=jyj, co_handlers=[], actor=secretariat)

    assert not proposals_for_user(kjj_officer).filter(pk=proposal_277.pk).exists()
    assert proposals_for_user(jyj_officer).filter(pk=proposal_277.pk).exists()
    task.refresh_from_db()
    assert (task.status, task.owner_id) == (STATUS.NEW, None)
    assert Task.objects.queue([ProposalFlow], jyj_officer).filter(pk=task.pk).exists()
    # a fresh user object, as on the next request
    assert not Task.objects.queue([ProposalFlow], type(kjj_officer).objects.get(pk=kjj_officer.pk)).exists()
    client.force_login(kjj_officer)
    assert client.get(proposal_277.get_absolute_url()).status_code == 404
    client.force_login(jyj_officer)
    assert client.get(proposal_277.get_absolute_url()).status_code == 200


def test_reassigning_a_duty_moves_access_at_once(
    kjj, kx, jyj, kjj_officer, kx_officer, jyj_officer, secretariat
):
    meeting = JointMeeting.objects.create(name="南通双创联席会议", short_name="双创", office=kjj)
    table = DutyTable.objects.create(meeting=meeting, title="重点任务分解表")
    duty = Duty.objects.create(table=table, sequence=1, title="建设众创空间", lead=kjj)
    duty_assign(duty=duty, lead=kjj, cooperating=[kx])
    assert duties_for_user(kx_officer).filter(pk=duty.pk).exists()

    duty_reassign(duty=duty, lead=jyj, cooperating=[], actor=secretariat)

    assert not duties_for_user(kjj_officer).exists()
    assert not duties_for_user(kx_officer).exists()
    assert duties_for_user(jyj_officer).get() == duty


def test_leader_sees_only_the_departments_they_oversee(proposal_277, kjj, jyj):
    from tests.conftest import make_department, make_user

    city = make_department("nt-szf2", "南通市人民政府办公室", "市府办", "other")
    leader = make_user("vice_mayor", "钱副市长", city, "leader")
    assert not proposals_for_user(leader).exists()
    leader.oversees.add(kjj)
    assert proposals_for_user(leader).get() == proposal_277
    leader.oversees.set([jyj])
    assert not proposals_for_user(leader).exists()


def test_outsider_cannot_bulk_claim_or_list_another_departments_tasks(client, proposal_277, jyj_officer):
    from django.urls import reverse

    task = proposal_277.tasks().get(flow_task=ProposalFlow.sign_for)
    client.force_login(jyj_officer)
    page = client.post(reverse("workflow:tasks_assign"), {"select_all": "1"})
    assert f"#{task.process_id}/{task.pk}" not in page.content.decode()
    client.post(reverse("workflow:tasks_assign"), {"pk": [task.pk], "_confirm": "1"})
    task.refresh_from_db()
    assert task.owner_id is None


def test_a_task_cannot_be_reached_through_another_visible_process(
    client, proposal_277, jyj, kjj, jyj_officer
):
    """viewflow loads a task by its own key; pairing it with one's own process must not work."""
    own = register_and_assign(
        lead=jyj,
        kind="suggestion",
        session="2017年",
        number="900",
        title="教育局自己的建议",
        content="内容",
        proposers=("某代表",),
    )
    own_process = own.processes().get()
    other_task = proposal_277.tasks().get(flow_task=ProposalFlow.sign_for)
    client.force_login(jyj_officer)
    for action in ("detail", "assign", "execute"):
        url = other_task.flow_task.reverse(action, args=[own_process.pk, other_task.pk])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    other_task.refresh_from_db()
    assert other_task.owner_id is None


def test_reassignment_moves_the_sign_for_deadline_to_the_new_department(
    proposal_277, jyj, jyj_officer, kjj_officer, secretariat
):
    import datetime

    import time_machine
    from django.utils import timezone

    later = timezone.now() + datetime.timedelta(days=3)
    with time_machine.travel(later, tick=False):
        assignment.proposal_reassign(proposal=proposal_277, lead=jyj, co_handlers=[], actor=secretariat)
        deadline = Deadline.objects.open().for_subject(proposal_277).get()
        expected = add_working_days(timezone.localdate(), 5)
    assert deadline.department == jyj
    assert deadline.due == expected
    proposal_277.refresh_from_db()
    assert proposal_277.sign_for_deadline == expected

    assert deadlines_for_user(jyj_officer).filter(pk=deadline.pk).exists()
    assert not deadlines_for_user(kjj_officer).filter(pk=deadline.pk).exists()


def test_assignment_tells_the_officers_and_heads_of_each_department(
    kjj, kx, jyj, kjj_officer, kjj_head, kx_officer, jyj_officer
):
    proposal = register_and_assign(lead=kjj, co_handlers=[kx])
    messages = Notification.objects.filter(
        topic=Notification.Topic.ASSIGNMENT, channel=Notification.Channel.IN_APP
    )
    told = {message.recipient.username: message for message in messages}
    assert set(told) == {"kjj_officer", "kjj_head", "kx_officer"}
    assert "贵单位为主办单位" in told["kjj_officer"].body
    assert "贵单位为协办单位" in told["kx_officer"].body
    assert told["kjj_head"].url == proposal.get_absolute_url()
    # e-mail copies wait in the outbox for the worker
    assert (
        Notification.objects.filter(
            topic=Notification.Topic.ASSIGNMENT, channel=Notification.Channel.EMAIL, status="pending"
        ).count()
        == 3
    )


def test_reassignment_tells_the_new_department(proposal_277, jyj, jyj_officer, secretariat):
    assignment.proposal_reassign(proposal=proposal_277, lead=jyj, actor=secretariat)
    message = Notification.objects.get(
        recipient=jyj_officer, topic=Notification.Topic.ASSIGNMENT, channel="in_app"
    )
    assert "贵单位为主办单位" in message.body


def test_a_duty_assignment_is_told_with_the_duty_names_of_the_roles(kjj, kx, kjj_officer, kx_officer):
    meeting = JointMeeting.objects.create(name="南通双创联席会议", short_name="双创", office=kjj)
    table = DutyTable.objects.create(meeting=meeting, title="重点任务分解表")
    duty = Duty.objects.create(table=table, sequence=1, title="建设众创空间", lead=kjj)
    duty_assign(duty=duty, lead=kjj, cooperating=[kx])
    bodies = dict(
        Notification.objects.filter(topic=Notification.Topic.ASSIGNMENT, channel="in_app").values_list(
            "recipient__username", "body"
        )
    )
    assert "贵单位为牵头单位" in bodies["kjj_officer"]
    assert "贵单位为配合单位" in bodies["kx_officer"]
    event = AuditEvent.objects.for_object(duty).get(action=AuditEvent.Action.ASSIGN)
    assert event.summary == "交办牵头单位科技局，配合单位科协"


def test_a_co_handler_dropped_by_a_reassignment_loses_access_at_once(
    proposal_277, kjj, kx, kx_officer, secretariat
):
    assert proposals_for_user(kx_officer).filter(pk=proposal_277.pk).exists()
    assignment.proposal_reassign(proposal=proposal_277, lead=kjj, co_handlers=[], actor=secretariat)
    assert not proposals_for_user(kx_officer).filter(pk=proposal_277.pk).exists()


def test_a_user_without_a_department_sees_no_work(proposal_277, kjj, kx):
    from tests.factories import UserFactory

    drifter = UserFactory(username="drifter", department=None, roles=["officer"])
    assert not proposals_for_user(drifter).exists()
    assert not deadlines_for_user(drifter).exists()
    duty_meeting = JointMeeting.objects.create(name="南通双创联席会议", short_name="双创", office=kjj)
    duty = Duty.objects.create(
        table=DutyTable.objects.create(meeting=duty_meeting, title="表"), sequence=1, title="任务", lead=kjj
    )
    duty_assign(duty=duty, lead=kjj, cooperating=[kx])
    assert not duties_for_user(drifter).exists()
