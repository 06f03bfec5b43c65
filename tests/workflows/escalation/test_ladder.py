"""The escalation ladder of the sign-for step, travelling in time across the 2024 Spring Festival
and its 调休 Sundays, and across a year end."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from accounts.models import AuditEvent, User
from tasks.proposals.models import Proposal
from tests.conftest import make_user
from tests.factories import register_and_assign
from workflows.escalation import deadlines, dispatcher, lights
from workflows.escalation.models import Deadline, Light, Notice
from workflows.escalation.rungs import LadderRule, Rung, ladder_rungs
from workflows.notifications.models import Notification

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date


def notice_messages(notice):
    """The messages a notice sent (their idempotency keys name it)."""
    return Notification.objects.filter(idempotency_key__startswith=f"notice:{notice.pk}:")


def at(*args):
    return time_machine.travel(datetime.datetime(*args, tzinfo=SHANGHAI), tick=False)


def moment(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def assign(number, lead, co_handlers=()):
    proposal = register_and_assign(
        lead=lead,
        co_handlers=co_handlers,
        kind="suggestion",
        session="2017年",
        number=str(number),
        title=f"关于第{number}号事项的建议",
        content="内容",
        proposers=("石剑波",),
    )
    return Deadline.objects.get(object_id=proposal.pk)


def scheduled_timer(deadline):
    return Task.objects.get(previous=deadline.task, status=STATUS.SCHEDULED)


def issued(deadline):
    return list(Notice.objects.filter(deadline=deadline).values_list("kind", "sequence", "days_overdue"))


def recipients(notice):
    return sorted(
        notice_messages(notice)
        .filter(channel=Notification.Channel.IN_APP)
        .values_list("recipient__username", flat=True)
    )


@pytest.fixture
def staff(kjj_officer, kjj_head, leader, secretariat):
    return kjj_officer, kjj_head, leader


@pytest.fixture
def deadline_277(staff, kjj, kx):
    # assigned on Monday 5 Feb 2024: 5 working days to sign for, due on the make-up Sunday 18 Feb
    with at(2024, 2, 5, 10, 0):
        return assign(277, kjj, [kx])


def test_the_ladder_counts_working_days_across_the_spring_festival(db):
    rule = LadderRule(remind_before=3, supervise_after=5, repeat_every=7, notice_time=datetime.time(9))
    rungs = ladder_rungs(D(2024, 2, 18), rule)
    assert [next(rungs) for _rung in range(5)] == [
        # three working days before Sunday 18 Feb: 9, 8, 7 Feb (10–17 Feb are holidays)
        Rung(Notice.Kind.REMINDER, 0, moment(2024, 2, 7, 9)),
        # 催办 on the first working day after the deadline
        Rung(Notice.Kind.URGING, 0, moment(2024, 2, 19, 9)),
        # 督办 five working days after: 19, 20, 21, 22, 23 Feb
        Rung(Notice.Kind.SUPERVISION, 0, moment(2024, 2, 23, 9)),
        Rung(Notice.Kind.SUPERVISION, 1, moment(2024, 3, 1, 9)),
        Rung(Notice.Kind.SUPERVISION, 2, moment(2024, 3, 8, 9)),
    ]


def test_weekly_repeats_move_off_holidays_without_bunching(db):
    rule = LadderRule(remind_before=3, supervise_after=1, repeat_every=7, notice_time=datetime.time(9))
    rungs = ladder_rungs(D(2024, 2, 2), rule)
    days = [next(rungs).at.date() for _rung in range(6)]
    # 督办 Sun 4 Feb (make-up day); +7 = Sun 11 Feb is a holiday → Sun 18 Feb (make-up day);
    # the next one counts from there: Sun 25 Feb is a day off → Mon 26 Feb
    assert days[2:] == [D(2024, 2, 4), D(2024, 2, 18), D(2024, 2, 26), D(2024, 3, 4)]


def test_each_rung_fires_once_and_sets_the_light(deadline_277, kjj_officer):
    proposal = Proposal.objects.get(pk=deadline_277.object_id)

    def light():
        return (
            lights.with_light(
                Proposal.objects.filter(pk=proposal.pk), User.objects.get(username="kjj_officer")
            )
            .get()
            .light
        )

    with at(2024, 2, 7, 8, 59):
        assert dispatcher.timers_fire() == 0
        assert light() == Light.GREEN

    with at(2024, 2, 7, 9, 0):
        assert dispatcher.timers_fire() == 1
        assert dispatcher.timers_fire() == 0
    assert issued(deadline_277) == [(Notice.Kind.REMINDER, 0, 0)]
    with at(2024, 2, 7, 9, 0):
        assert light() == Light.YELLOW
    # the reminder goes to the department's officer only
    assert recipients(Notice.objects.get(kind=Notice.Kind.REMINDER)) == ["kjj_officer"]
    # the sign-for task stays open; the next rung waits for the first working day after the deadline
    assert deadline_277.task.status == STATUS.NEW
    assert scheduled_timer(deadline_277).scheduled == moment(2024, 2, 19, 9)

    # nothing fires during the holiday nor on the make-up Sunday, the deadline itself
    for day in (moment(2024, 2, 12, 12), moment(2024, 2, 18, 23, 59)):
        with time_machine.travel(day, tick=False):
            assert dispatcher.timers_fire() == 0
            assert light() == Light.YELLOW

    with at(2024, 2, 19, 9, 0):
        assert dispatcher.timers_fire() == 1
    assert issued(deadline_277)[-1] == (Notice.Kind.URGING, 0, 1)
    assert light() == Light.RED
    assert recipients(Notice.objects.get(kind=Notice.Kind.URGING)) == ["kjj_head", "kjj_officer"]

    with at(2024, 2, 23, 9, 0):
        assert dispatcher.timers_fire() == 1
    assert issued(deadline_277)[-1] == (Notice.Kind.SUPERVISION, 0, 5)
    supervision = Notice.objects.get(kind=Notice.Kind.SUPERVISION, sequence=0)
    assert recipients(supervision) == ["kjj_head", "kjj_officer", "leader"]
    assert supervision.subject_title == "第277号建议《关于第277号事项的建议》"
    assert supervision.step == "签收"
    assert supervision.department_name == "南通市科学技术局"

    # weekly while overdue
    with at(2024, 3, 1, 9, 0):
        assert dispatcher.timers_fire() == 1
    assert issued(deadline_277)[-1] == (Notice.Kind.SUPERVISION, 1, 10)

    # every rung is in the proposal's timeline
    actions = [event.action for event in AuditEvent.objects.for_object(proposal)]
    assert [a for a in actions if a in ("remind", "urge", "supervise")] == [
        AuditEvent.Action.REMIND,
        AuditEvent.Action.URGE,
        AuditEvent.Action.SUPERVISE,
        AuditEvent.Action.SUPERVISE,
    ]
    urge = AuditEvent.objects.for_object(proposal).get(action=AuditEvent.Action.URGE)
    assert urge.department == deadline_277.department
    assert "逾期1个工作日" in urge.summary and "催办单" in urge.summary


def test_a_claimed_step_escalates_to_its_owner(deadline_277, kjj_officer, kjj):
    make_user("kjj_officer2", "孙丽", kjj, "officer")
    task = deadline_277.task
    with task.activation() as activation:
        activation.assign(kjj_officer)
    with at(2024, 2, 7, 9, 0):
        dispatcher.timers_fire()
    assert recipients(Notice.objects.get()) == ["kjj_officer"]


def test_an_unclaimed_step_escalates_to_every_officer_of_the_department(deadline_277, kjj):
    make_user("kjj_officer2", "孙丽", kjj, "officer")
    with at(2024, 2, 7, 9, 0):
        dispatcher.timers_fire()
    assert recipients(Notice.objects.get()) == ["kjj_officer", "kjj_officer2"]


def test_messages_go_out_in_the_product_by_email_and_for_escalations_by_sms(deadline_277, kjj_officer):
    kjj_officer.mobile = "13800000001"
    kjj_officer.save()
    with at(2024, 2, 7, 9, 0):
        dispatcher.timers_fire()
    reminder = Notice.objects.get()
    channels = set(notice_messages(reminder).filter(recipient=kjj_officer).values_list("channel", "status"))
    # a reminder is not worth an SMS
    assert channels == {("in_app", "sent"), ("email", "pending")}
    with at(2024, 2, 19, 9, 0):
        dispatcher.timers_fire()
    urging = Notice.objects.get(kind=Notice.Kind.URGING)
    sms = notice_messages(urging).get(recipient=kjj_officer, channel=Notification.Channel.SMS)
    assert sms.address == "13800000001"
    assert sms.status == Notification.Status.PENDING
    assert "已逾期1个工作日" in sms.body
    assert sms.idempotency_key == f"notice:{urging.pk}:{kjj_officer.pk}:sms"


def test_signing_for_stops_the_ladder_and_closes_the_deadline(deadline_277, kjj_officer, client):
    with at(2024, 2, 19, 9, 0):
        assert dispatcher.timers_fire() == 2  # the late reminder, then the 催办
    task = deadline_277.task
    client.force_login(kjj_officer)
    with at(2024, 2, 20, 10, 0):
        assert (
            client.post(task.flow_task.reverse("assign", args=[task.process_id, task.pk])).status_code == 302
        )
        assert (
            client.post(task.flow_task.reverse("execute", args=[task.process_id, task.pk])).status_code == 302
        )
    deadline_277.refresh_from_db()
    assert deadline_277.closed_at == moment(2024, 2, 20, 10, 0)
    assert not Task.objects.filter(previous=deadline_277.task, status=STATUS.SCHEDULED).exists()
    with at(2024, 4, 1, 9, 0):
        dispatcher.timers_fire()  # the next steps' ladders (the co-handler's opinion) go on
        # signed for after its deadline: 逾期办结 from now on, never green again (the reply, due
        # in May, is still on track)
        assert (
            lights.with_light(Proposal.objects.all(), User.objects.get(username="kjj_officer")).get().light
            == Light.LATE
        )
    assert [kind for kind, _seq, _days in issued(deadline_277)] == [Notice.Kind.REMINDER, Notice.Kind.URGING]
    assert deadline_277.current_light == Light.LATE
    assert lights.light_worst([deadline_277]) == Light.LATE


def test_a_step_done_in_time_is_green_once_closed(deadline_277, kjj_officer):
    task = deadline_277.task
    with at(2024, 2, 16, 10, 0):  # before the deadline of Sunday 18 Feb
        with task.activation() as activation:
            activation.assign(kjj_officer)
        with task.activation() as activation:
            activation.start(None)
            activation.execute()
    deadline_277.refresh_from_db()
    assert not deadline_277.is_open
    with at(2024, 3, 1, 9, 0):
        assert deadline_277.current_light == Light.GREEN
        assert (
            lights.with_light(Proposal.objects.all(), User.objects.get(username="kjj_officer")).get().light
            == Light.GREEN
        )


def test_after_weeks_without_a_dispatcher_everything_due_fires_once(deadline_277):
    # worker and beat were down from before the reminder until 20 March
    with at(2024, 3, 20, 10, 0):
        assert dispatcher.timers_fire() == 4
        assert dispatcher.timers_fire() == 0
    # the reminder, the 催办 and the 督办 each once; the missed weekly repeats of 1, 8 and 15 March
    # collapse into one
    assert issued(deadline_277) == [
        (Notice.Kind.REMINDER, 0, 23),
        (Notice.Kind.URGING, 0, 23),
        (Notice.Kind.SUPERVISION, 0, 23),
        (Notice.Kind.SUPERVISION, 3, 23),
    ]
    assert scheduled_timer(deadline_277).scheduled == moment(2024, 3, 22, 9)


def test_viewflows_own_dispatcher_fires_a_rung_the_same_way(deadline_277):
    with at(2024, 2, 7, 9, 0):
        assert fire_due_timers() == 1
        assert fire_due_timers() == 0
        assert dispatcher.timers_fire() == 0
    assert issued(deadline_277) == [(Notice.Kind.REMINDER, 0, 0)]
    assert scheduled_timer(deadline_277).scheduled == moment(2024, 2, 19, 9)


def test_a_step_opened_inside_the_reminder_window_starts_yellow_without_a_reminder(staff, kjj, settings):
    settings.PROPOSAL_SIGN_FOR_WORKING_DAYS = 2
    # assigned on Thursday 8 Feb: due 2 working days later on Sunday 18 Feb; its reminder moment,
    # three working days before, was 7 Feb
    with at(2024, 2, 8, 15, 0):
        deadline = assign(301, kjj)
    assert deadline.due == D(2024, 2, 18)
    assert deadline.light == Light.YELLOW
    assert scheduled_timer(deadline).data["kind"] == Notice.Kind.URGING


def test_a_year_end_deadline_counts_the_new_year_holiday(staff, kjj):
    # assigned Friday 27 Dec 2024: 30, 31 Dec, 2, 3, 6 Jan (1 Jan is a holiday, 4–5 Jan a weekend)
    with at(2024, 12, 27, 11, 0):
        deadline = assign(302, kjj)
    assert deadline.due == D(2025, 1, 6)
    assert scheduled_timer(deadline).scheduled == moment(2024, 12, 31, 9)
    with at(2025, 1, 1, 12, 0):
        assert dispatcher.timers_fire() == 1
    with at(2025, 1, 7, 9, 0):
        assert dispatcher.timers_fire() == 1
    assert issued(deadline)[-1] == (Notice.Kind.URGING, 0, 1)
    # 督办 five working days after 6 Jan: 7, 8, 9, 10, 13 Jan
    assert scheduled_timer(deadline).scheduled == moment(2025, 1, 13, 9)


def test_a_timer_whose_deadline_is_gone_issues_nothing(staff, kjj):
    with at(2024, 2, 5, 10, 0):
        deadline = assign(303, kjj)
    timer = scheduled_timer(deadline)
    Task.objects.filter(pk=timer.pk).update(
        data={**timer.data, "deadline": 0}, scheduled=moment(2024, 2, 5, 9)
    )
    with at(2024, 2, 5, 11, 0):
        assert dispatcher.timers_fire() == 1
    timer.refresh_from_db()
    assert timer.status == STATUS.DONE
    assert not Notice.objects.exists()


def test_open_deadlines_follow_a_reassignment(deadline_277, jyj):
    deadlines.deadlines_reassign(subject=Proposal.objects.get(pk=deadline_277.object_id), department=jyj)
    deadline_277.refresh_from_db()
    assert deadline_277.department == jyj


def test_proposal_list_shows_the_worst_open_light(deadline_277, staff, kjj, client, kjj_officer):
    with at(2024, 2, 8, 15, 0):
        assign(304, kjj)
    with at(2024, 2, 19, 9, 0):
        dispatcher.timers_fire()
        by_number = dict(
            lights.with_light(Proposal.objects.all(), User.objects.get(username="kjj_officer")).values_list(
                "number", "light"
            )
        )
        # 277 had its 催办; 304 (due on 21 Feb) its reminder
        assert by_number == {"277": Light.RED, "304": Light.YELLOW}
        client.force_login(kjj_officer)
        page = client.get(reverse("proposals:index")).content.decode()
    assert 'class="light light--red"' in page and 'class="light light--yellow"' in page


def test_the_supervision_notice_goes_to_the_leaders_responsible_for_the_department(deadline_277, kjj, jyj):
    from tests.conftest import make_department, make_user

    city = make_department("nt-szfb", "南通市人民政府办公室", "市府办", "other")
    over_kjj = make_user("vice_mayor_kjj", "钱副市长", city, "leader")
    over_kjj.oversees.add(kjj)
    over_jyj = make_user("vice_mayor_jyj", "孙副市长", city, "leader")
    over_jyj.oversees.add(jyj)
    for day in ((2024, 2, 7, 9, 0), (2024, 2, 19, 9, 0), (2024, 2, 23, 9, 0)):
        with at(*day):
            dispatcher.timers_fire()
    supervision = Notice.objects.get(kind=Notice.Kind.SUPERVISION, sequence=0)
    # the convener (oversees all) and the vice mayor over 科技局, not the one over 教育局
    assert recipients(supervision) == ["kjj_head", "kjj_officer", "leader", "vice_mayor_kjj"]


def test_the_light_turns_red_the_day_after_the_deadline_before_the_urging_notice(deadline_277):
    proposal = Proposal.objects.get(pk=deadline_277.object_id)
    with at(2024, 2, 7, 9, 0):
        dispatcher.timers_fire()
    # due on the make-up Sunday 18 Feb; the 催办 waits for Monday 19 Feb 09:00
    with at(2024, 2, 18, 23, 59):
        assert (
            lights.with_light(
                Proposal.objects.filter(pk=proposal.pk), User.objects.get(username="kjj_officer")
            )
            .get()
            .light
            == Light.YELLOW
        )
    with at(2024, 2, 19, 0, 1):
        assert (
            lights.with_light(
                Proposal.objects.filter(pk=proposal.pk), User.objects.get(username="kjj_officer")
            )
            .get()
            .light
            == Light.RED
        )
        deadline_277.refresh_from_db()
        assert deadline_277.current_light == Light.RED


def test_notice_numbers_run_per_kind_and_year_from_one(kjj, kjj_officer):
    with at(2024, 12, 2, 10, 0):
        assign(301, kjj)
        assign(302, kjj)
    # a month without a dispatcher: reminders and 催办 of December, 督办 into January 2025
    with at(2025, 1, 20, 10, 0):
        dispatcher.timers_fire()
    numbers = {}
    for notice in Notice.objects.order_by("pk"):
        numbers.setdefault((notice.series, notice.year), []).append(notice.number)
        assert notice.reference == f"{notice.series}〔{notice.year}〕{notice.number}号"
    assert numbers[("提", 2025)] == [1, 2]
    assert numbers[("催", 2025)] == [1, 2]
    assert sorted(numbers[("督", 2025)]) == list(range(1, len(numbers[("督", 2025)]) + 1))

    with at(2024, 12, 16, 10, 0):  # a new item in the old year: its series continue from there
        deadline = assign(303, kjj)
    with at(2024, 12, 20, 9, 0):
        dispatcher.timers_fire()
    assert [n.reference for n in Notice.objects.filter(deadline=deadline)] == ["提〔2024〕1号"]


def test_fire_timers_command_runs_the_dispatcher_once(deadline_277):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with at(2024, 2, 19, 9, 0):
        call_command("fire_timers", stdout=out)
    assert out.getvalue().strip() == "2 timer(s) fired."
    assert [kind for kind, _seq, _days in issued(deadline_277)] == [Notice.Kind.REMINDER, Notice.Kind.URGING]


def test_on_the_due_date_itself_a_step_is_not_yet_red(deadline_277):
    lead_officer = User.objects.get(username="kjj_officer")
    proposal = Proposal.objects.filter(pk=deadline_277.object_id)
    with at(2024, 2, 18, 17, 0):  # the make-up Sunday it is due
        dispatcher.timers_fire()  # the reminder only
        deadline_277.refresh_from_db()
        assert deadline_277.current_light == Light.YELLOW
        assert lights.with_light(proposal, lead_officer).get().light == Light.YELLOW
    with at(2024, 2, 19, 0, 1):  # past it, before the 催办 goes out at 09:00
        assert deadline_277.current_light == Light.RED
        assert lights.with_light(proposal, lead_officer).get().light == Light.RED
