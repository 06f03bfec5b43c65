"""延期: the responsible department asks with a reason, the secretariat decides, the deadline and
its timers move, the original deadline stays on record, the process rule caps it."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import AuditEvent
from tasks.proposals.models import Proposal
from tests.factories import register_and_assign
from workflows.escalation import dispatcher, extensions
from workflows.escalation.models import Deadline, Extension, Light, Notice
from workflows.notifications.models import Notification

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(*args):
    return time_machine.travel(datetime.datetime(*args, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def deadline(kjj, kx, kjj_officer, secretariat):
    """Proposal 277 assigned on Monday 5 Feb 2024; sign for by Sunday 18 Feb (a make-up day)."""
    with at(2024, 2, 5, 10, 0):
        proposal = register_and_assign(lead=kjj, co_handlers=[kx])
    return Deadline.objects.get(object_id=proposal.pk)


def request_url(deadline):
    return reverse("desk:extension_request", args=[deadline.pk])


def scheduled(deadline):
    return Task.objects.get(previous=deadline.task, status=STATUS.SCHEDULED)


def test_the_department_requests_an_extension_with_a_reason(client, deadline, kjj_officer, secretariat):
    client.force_login(kjj_officer)
    with at(2024, 2, 6, 10, 0):
        page = client.get(request_url(deadline))
        assert page.status_code == 200
        assert "2024年8月5日" in page.content.decode()  # the cap: 6 months from assignment
        response = client.post(
            request_url(deadline), {"requested_due": "2024-02-26", "reason": "需会同科协研究"}
        )
    assert response.status_code == 302
    extension = Extension.objects.get()
    assert (extension.status, extension.requested_due, extension.previous_due) == (
        Extension.Status.PENDING,
        D(2024, 2, 26),
        D(2024, 2, 18),
    )
    deadline.refresh_from_db()
    assert deadline.due == D(2024, 2, 18)  # nothing moves before the secretariat decides
    event = AuditEvent.objects.for_object(Proposal.objects.get()).get(action=AuditEvent.Action.SUBMIT)
    assert "申请将“签收”期限由2024年2月18日延至2024年2月26日，理由：需会同科协研究" in event.summary
    told = Notification.objects.get(recipient=secretariat, channel="in_app", topic="extension")
    assert told.url == reverse("desk:extension_list")


@pytest.mark.parametrize(
    ("requested_due", "reason", "message"),
    [
        ("2024-02-09", "理由", "延期后的期限必须晚于当前期限（2024年2月18日）。"),
        ("2024-08-06", "理由", "延期后的期限不得晚于2024年8月5日（办理规定允许的最长期限）。"),
        ("2024-02-25", "理由", "延期后的期限应为工作日。"),
        ("2024-02-26", "  ", "这个字段是必填项。"),
        ("2024-02-30", "理由", "输入一个有效的日期。"),
    ],
)
def test_a_bad_request_is_refused_in_chinese_and_changes_nothing(
    client, deadline, kjj_officer, requested_due, reason, message
):
    client.force_login(kjj_officer)
    with at(2024, 2, 6, 10, 0):
        response = client.post(request_url(deadline), {"requested_due": requested_due, "reason": reason})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Extension.objects.exists()


def test_a_second_request_waits_for_the_first_decision(client, deadline, kjj_officer):
    client.force_login(kjj_officer)
    with at(2024, 2, 6, 10, 0):
        client.post(request_url(deadline), {"requested_due": "2024-02-26", "reason": "理由一"})
        response = client.post(request_url(deadline), {"requested_due": "2024-02-27", "reason": "理由二"})
    assert "该期限已有一项延期申请正在审批，请勿重复申请。" in response.content.decode()
    assert Extension.objects.count() == 1


def test_a_co_handler_may_not_ask_and_an_outsider_does_not_see_the_deadline(
    client, deadline, kx_officer, jyj_officer
):
    client.force_login(kx_officer)
    assert client.get(request_url(deadline)).status_code == 404
    client.force_login(jyj_officer)
    assert (
        client.post(request_url(deadline), {"requested_due": "2024-02-26", "reason": "x"}).status_code == 404
    )
    assert not Extension.objects.exists()


def test_anonymous_user_is_sent_to_login(client, deadline):
    response = client.get(request_url(deadline))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def request(deadline, user):
    with at(2024, 2, 6, 10, 0):
        return extensions.extension_request(
            deadline=deadline, requested_due=D(2024, 2, 26), reason="需会同科协研究", user=user
        )


def test_approval_moves_the_deadline_and_its_timer_and_keeps_the_original(
    client, deadline, kjj_officer, secretariat
):
    extension = request(deadline, kjj_officer)
    assert scheduled(deadline).scheduled == datetime.datetime(2024, 2, 7, 9, 0, tzinfo=SHANGHAI)
    client.force_login(secretariat)
    with at(2024, 2, 6, 15, 0):
        listing = client.get(reverse("desk:extension_list"))
        assert "需会同科协研究" in listing.content.decode()
        response = client.post(reverse("desk:extension_decide", args=[extension.pk]), {"decision": "approve"})
    assert response.status_code == 302
    extension.refresh_from_db()
    deadline.refresh_from_db()
    assert extension.status == Extension.Status.APPROVED and extension.decided_by == secretariat
    assert (deadline.original_due, deadline.due, deadline.round) == (D(2024, 2, 18), D(2024, 2, 26), 1)
    # the reminder moves to three working days before 26 Feb: 21 Feb
    timer = scheduled(deadline)
    assert timer.scheduled == datetime.datetime(2024, 2, 21, 9, 0, tzinfo=SHANGHAI)
    assert timer.data["round"] == 1
    event = AuditEvent.objects.for_object(Proposal.objects.get()).get(action=AuditEvent.Action.EXTEND)
    assert "由2024年2月18日延至2024年2月26日（原定期限2024年2月18日）" in event.summary
    assert (event.before, event.after["due"]) == ({"due": "2024-02-18"}, "2024-02-26")
    assert Notification.objects.filter(recipient=kjj_officer, topic="extension", channel="in_app").exists()

    # nothing fires at the old moments; the ladder runs from the new deadline
    with at(2024, 2, 19, 9, 0):
        assert dispatcher.timers_fire() == 0
    with at(2024, 2, 27, 9, 0):
        assert dispatcher.timers_fire() == 2
    assert list(Notice.objects.values_list("round", "kind", "due")) == [
        (1, Notice.Kind.REMINDER, D(2024, 2, 26)),
        (1, Notice.Kind.URGING, D(2024, 2, 26)),
    ]


def test_an_overdue_step_returns_to_green_when_extended(deadline, kjj_officer, secretariat):
    with at(2024, 2, 19, 9, 0):
        dispatcher.timers_fire()
    deadline.refresh_from_db()
    assert deadline.light == Light.RED
    with at(2024, 2, 19, 10, 0):
        extension = extensions.extension_request(
            deadline=deadline, requested_due=D(2024, 3, 11), reason="理由", user=kjj_officer
        )
        extensions.extension_decide(extension=extension, approve=True, note="", user=secretariat)
    deadline.refresh_from_db()
    assert deadline.light == Light.GREEN
    assert scheduled(deadline).data == {
        "deadline": deadline.pk,
        "round": 1,
        "kind": Notice.Kind.REMINDER,
        "sequence": 0,
    }


def test_declining_needs_a_reason_and_leaves_the_deadline(client, deadline, kjj_officer, secretariat):
    extension = request(deadline, kjj_officer)
    client.force_login(secretariat)
    url = reverse("desk:extension_decide", args=[extension.pk])
    response = client.post(url, {"decision": "reject", "note": ""}, follow=True)
    assert "不予批准时请填写理由。" in response.content.decode()
    extension.refresh_from_db()
    assert extension.status == Extension.Status.PENDING

    client.post(url, {"decision": "reject", "note": "签收环节不予延期"})
    extension.refresh_from_db()
    deadline.refresh_from_db()
    assert (extension.status, extension.decision_note) == (Extension.Status.REJECTED, "签收环节不予延期")
    assert deadline.due == D(2024, 2, 18) and deadline.round == 0
    event = AuditEvent.objects.for_object(Proposal.objects.get()).get(action=AuditEvent.Action.RETURN)
    assert "延期申请未获批准：签收环节不予延期" in event.summary

    # a decided request cannot be decided again
    response = client.post(url, {"decision": "approve"}, follow=True)
    assert "该申请已审批，不能重复审批。" in response.content.decode()
    deadline.refresh_from_db()
    assert deadline.due == D(2024, 2, 18)


def test_only_the_secretariat_decides(client, deadline, kjj_officer, kjj_head):
    extension = request(deadline, kjj_officer)
    url = reverse("desk:extension_decide", args=[extension.pk])
    client.force_login(kjj_head)
    assert client.post(url, {"decision": "approve"}).status_code == 403
    assert client.get(reverse("desk:extension_list")).status_code == 403
    extension.refresh_from_db()
    assert extension.status == Extension.Status.PENDING


def test_deciding_is_post_only(client, deadline, kjj_officer, secretariat):
    extension = request(deadline, kjj_officer)
    client.force_login(secretariat)
    assert client.get(reverse("desk:extension_decide", args=[extension.pk])).status_code == 405


def test_a_done_step_can_no_longer_be_extended(deadline, kjj_officer):
    Deadline.objects.filter(pk=deadline.pk).update(closed_at=datetime.datetime(2024, 2, 6, tzinfo=SHANGHAI))
    deadline.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        request(deadline, kjj_officer)
    assert refused.value.messages == ["该环节已办结，不能再申请延期。"]
    assert not Extension.objects.exists()


def test_the_extension_list_query_count_does_not_grow_with_requests(client, kjj, kjj_officer, secretariat):
    def add(number):
        with at(2024, 2, 5, 10, 0):
            proposal = register_and_assign(
                lead=kjj,
                kind="proposal",
                session="十三届一次",
                number=str(number),
                title=f"提案{number}",
                content="内容",
                proposers=("王一",),
            )
        request(Deadline.objects.get(object_id=proposal.pk), kjj_officer)

    client.force_login(secretariat)
    add(1)
    client.get(reverse("desk:extension_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("desk:extension_list"))
    for number in range(2, 7):
        add(number)
    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("desk:extension_list"))
    assert response.status_code == 200
    assert response.content.decode().count("需会同科协研究") == 6
    assert len(six) == len(one)


def test_nobody_decides_on_their_own_request(deadline, secretariat):
    """The secretariat sits in 科技局 here; its own request needs another member's decision."""
    extension = request(deadline, secretariat)
    with pytest.raises(ValidationError), at(2024, 2, 6, 11, 0):
        extensions.extension_decide(extension=extension, approve=True, note="", user=secretariat)
    extension.refresh_from_db()
    assert extension.status == Extension.Status.PENDING


def test_approval_checks_the_request_again_when_the_step_was_done_meanwhile(
    deadline, kjj_officer, secretariat
):
    extension = request(deadline, kjj_officer)
    Deadline.objects.filter(pk=deadline.pk).update(closed_at=datetime.datetime(2024, 2, 7, tzinfo=SHANGHAI))
    with at(2024, 2, 8, 10, 0), pytest.raises(ValidationError) as refused:
        extensions.extension_decide(extension=extension, approve=True, note="", user=secretariat)
    assert refused.value.messages == ["该环节已办结，不能再申请延期。"]
    extension.refresh_from_db()
    assert extension.status == Extension.Status.PENDING
    deadline.refresh_from_db()
    assert deadline.due == deadline.original_due


def approve(extension, secretariat, when):
    with at(*when):
        extensions.extension_decide(extension=extension, approve=True, note="", user=secretariat)


def test_a_second_extension_starts_a_second_round_and_moves_only_this_deadlines_timer(
    kjj, deadline, kjj_officer, secretariat
):
    with at(2024, 2, 5, 10, 0):
        other = Deadline.objects.get(object_id=register_and_assign(lead=kjj, number="278").pk)
    others_timer = scheduled(other).scheduled
    approve(request(deadline, kjj_officer), secretariat, (2024, 2, 6, 15, 0))
    with at(2024, 2, 7, 10, 0):
        second = extensions.extension_request(
            deadline=deadline, requested_due=D(2024, 3, 4), reason="仍需会商", user=kjj_officer
        )
    approve(second, secretariat, (2024, 2, 7, 15, 0))
    deadline.refresh_from_db()
    assert (deadline.due, deadline.round) == (D(2024, 3, 4), 2)
    assert scheduled(deadline).data["round"] == 2
    assert Task.objects.filter(previous=deadline.task, status=STATUS.SCHEDULED).count() == 1
    # the other proposal's ladder is untouched
    assert scheduled(other).scheduled == others_timer
    assert other.round == Deadline.objects.get(pk=other.pk).round == 0


def test_an_extension_after_the_ladder_ended_schedules_a_new_one(
    deadline, kjj_officer, secretariat, settings
):
    settings.ESCALATION_REPEAT_DAYS = 0  # the ladder ends with the first 督办
    with at(2024, 3, 1, 10, 0):
        dispatcher.timers_fire()
    assert not Task.objects.filter(previous=deadline.task, status=STATUS.SCHEDULED).exists()
    with at(2024, 3, 1, 11, 0):
        extension = extensions.extension_request(
            deadline=deadline, requested_due=D(2024, 3, 15), reason="需会同科协研究", user=kjj_officer
        )
    approve(extension, secretariat, (2024, 3, 1, 15, 0))
    timer = scheduled(deadline)
    assert (timer.data["round"], timer.data["kind"]) == (1, Notice.Kind.REMINDER)
    assert timer.scheduled == datetime.datetime(2024, 3, 12, 9, 0, tzinfo=SHANGHAI)
