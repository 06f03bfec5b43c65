"""Each rule's deadline by travelling in time: the sign-for window (and no return after it),
the co-handling month, the reply within 3 months, the 6-month cap on extensions; the evaluation
link's expiry and single use."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from tasks.proposals import assignment, evaluations, services, steps
from tasks.proposals.flows import ProposalFlow
from tasks.proposals.models import Evaluation, Proposal, ReassignmentRequest, Reply
from tests.factories import register_and_assign
from tests.tasks.proposals.helpers import open_tasks
from workflows.escalation import dispatcher, extensions
from workflows.escalation.lights import with_light
from workflows.escalation.models import Deadline, Light, Notice

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return time_machine.travel(datetime.datetime(*args, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def assigned(kjj, kx):
    with at(2024, 3, 4, 10, 0):  # Monday
        proposal = register_and_assign(lead=kjj, co_handlers=[kx])
    proposal.refresh_from_db()
    return proposal


def signed(proposal, officer):
    (task,) = open_tasks(proposal, ProposalFlow.sign_for)
    steps.sign_for_complete(task=task, user=officer)


def test_reassignment_may_be_asked_within_five_working_days_and_not_after(
    assigned, kjj_officer, jyj, secretariat
):
    reply = assigned.replies.get()
    assert assigned.sign_for_deadline == datetime.date(2024, 3, 11)
    with at(2024, 3, 12, 9, 0):
        with pytest.raises(ValidationError, match="5"):
            assignment.reassignment_request(reply=reply, reason="不属于本单位职责", user=kjj_officer)
    assert not ReassignmentRequest.objects.exists()
    with at(2024, 3, 11, 17, 0):
        request = assignment.reassignment_request(reply=reply, reason="不属于本单位职责", user=kjj_officer)
    with at(2024, 3, 12, 9, 0):
        assignment.reassignment_decide(request=request, approve=True, department=jyj, user=secretariat)
    reply.refresh_from_db()
    assigned.refresh_from_db()
    assert (assigned.lead_department, reply.department) == (jyj, jyj)
    # the new lead department gets a full window of its own
    assert assigned.sign_for_deadline == datetime.date(2024, 3, 19)
    assert Deadline.objects.open().get(task__flow_task=ProposalFlow.sign_for).department == jyj


def test_no_return_after_signing_for(assigned, kjj_officer):
    with at(2024, 3, 5, 10, 0):
        signed(assigned, kjj_officer)
        with pytest.raises(ValidationError):
            assignment.reassignment_request(reply=assigned.replies.get(), reason="理由", user=kjj_officer)


def test_refusal_needs_a_reason_and_changes_nothing(client, assigned, kjj, kjj_officer, secretariat):
    with at(2024, 3, 5, 10, 0):
        request = assignment.reassignment_request(
            reply=assigned.replies.get(), reason="理由", user=kjj_officer
        )
        client.force_login(secretariat)
        response = client.post(
            reverse("proposals:reassignment_decide", args=[request.pk]), {"decision": "refuse"}
        )
        assert response.status_code == 200
        request.refresh_from_db()
        assert request.status == ReassignmentRequest.Status.PENDING
        client.post(
            reverse("proposals:reassignment_decide", args=[request.pk]),
            {"decision": "refuse", "note": "职责明确"},
        )
    request.refresh_from_db()
    assigned.refresh_from_db()
    assert (request.status, assigned.lead_department) == (ReassignmentRequest.Status.REFUSED, kjj)


def test_co_handlers_have_a_month_from_assignment_and_the_ladder_chases_them(
    assigned, kjj_officer, kx, kx_officer
):
    with at(2024, 3, 5, 10, 0):
        signed(assigned, kjj_officer)
    (task,) = open_tasks(assigned, ProposalFlow.opinion)
    assert (task.deadline.due, task.deadline.department) == (datetime.date(2024, 4, 4), kx)
    with at(2024, 4, 8, 9, 30):  # the first working day after the deadline (Qingming 4–6 April)
        dispatcher.timers_fire()
    kinds = list(Notice.objects.filter(deadline=task.deadline).values_list("kind", flat=True))
    assert kinds == [Notice.Kind.REMINDER, Notice.Kind.URGING]
    # the lead department cannot reply until the opinion is in or waived
    reply = assigned.replies.get()
    assert any("科协" in problem for problem in services.reply_submit_problems(reply))


def test_the_secretariat_waives_an_awaited_opinion(client, assigned, kjj_officer, secretariat):
    with at(2024, 3, 5, 10, 0):
        signed(assigned, kjj_officer)
        opinion = assigned.opinions.get()
        client.force_login(secretariat)
        response = client.post(reverse("proposals:opinion_waive", args=[opinion.pk]), {"reason": ""})
        assert response.status_code == 200
        client.post(reverse("proposals:opinion_waive", args=[opinion.pk]), {"reason": "协办单位机构调整"})
    opinion.refresh_from_db()
    assert opinion.status == opinion.Status.WAIVED
    assert not open_tasks(assigned, ProposalFlow.opinion).exists()
    assert not any("科协" in p for p in services.reply_submit_problems(assigned.replies.get()))


def test_the_reply_is_due_three_months_from_assignment_and_finished_late_stays_late(
    assigned, kjj_officer, kx_officer, kjj_head, secretariat
):
    with at(2024, 3, 5, 10, 0):
        signed(assigned, kjj_officer)
        (opinion,) = open_tasks(assigned, ProposalFlow.opinion)
        steps.opinion_complete(task=opinion, user=kx_officer, text="同意")
    (draft,) = open_tasks(assigned, ProposalFlow.draft)
    assert draft.deadline.due == datetime.date(2024, 6, 4)
    with at(2024, 6, 5, 9, 30):
        dispatcher.timers_fire()
        assert Notice.objects.filter(deadline=draft.deadline, kind=Notice.Kind.URGING).exists()
        reply = assigned.replies.get()
        services.contact_record(
            reply=reply,
            contacted_on=datetime.date(2024, 6, 5),
            way="visit",
            person="石剑波",
            view="认可",
            user=kjj_officer,
        )
        steps.draft_complete(task=draft, user=kjj_officer, text="答复", category="A")
        # still the department's: the head's sign-off runs on the same deadline, and is red
        assert with_light(Proposal.objects.filter(pk=assigned.pk), kjj_officer).get().light == Light.RED
        (sign_off,) = open_tasks(assigned, ProposalFlow.sign_off)
        steps.sign_off_complete(task=sign_off, user=kjj_head)
        # done after the deadline: 逾期办结, never green again
        assert with_light(Proposal.objects.filter(pk=assigned.pk), kjj_officer).get().light == Light.LATE


def test_extensions_stop_at_six_months_from_assignment(assigned, kjj_officer, kx_officer):
    with at(2024, 3, 5, 10, 0):
        signed(assigned, kjj_officer)
    (draft,) = open_tasks(assigned, ProposalFlow.draft)
    deadline = draft.deadline
    assert deadline.cap == datetime.date(2024, 9, 4)
    with at(2024, 5, 6, 10, 0):
        with pytest.raises(ValidationError) as refused:
            extensions.extension_request(
                deadline=deadline,
                requested_due=datetime.date(2024, 9, 5),
                reason="需要调研",
                user=kjj_officer,
            )
        assert "requested_due" in refused.value.message_dict
        extension = extensions.extension_request(
            deadline=deadline, requested_due=datetime.date(2024, 9, 4), reason="需要调研", user=kjj_officer
        )
    assert extension.requested_due == datetime.date(2024, 9, 4)


@pytest.fixture
def replied(assigned, kjj_officer, kx_officer, kjj_head, secretariat):
    with at(2024, 3, 5, 10, 0):
        signed(assigned, kjj_officer)
        (opinion,) = open_tasks(assigned, ProposalFlow.opinion)
        steps.opinion_complete(task=opinion, user=kx_officer, text="同意")
        reply = assigned.replies.get()
        services.contact_record(
            reply=reply,
            contacted_on=datetime.date(2024, 3, 5),
            way="visit",
            person="石剑波",
            view="认可",
            user=kjj_officer,
        )
        (draft,) = open_tasks(assigned, ProposalFlow.draft)
        steps.draft_complete(task=draft, user=kjj_officer, text="答复", category="A")
        (sign_off,) = open_tasks(assigned, ProposalFlow.sign_off)
        steps.sign_off_complete(task=sign_off, user=kjj_head)
        (review,) = open_tasks(assigned, ProposalFlow.review)
        steps.review_complete(task=review, user=secretariat)
    assigned.refresh_from_db()
    assert assigned.status == Proposal.Status.REPLIED
    return assigned


def test_an_expired_link_says_so_and_changes_nothing(client, replied, secretariat):
    proposer = replied.proposers.get()
    with at(2024, 3, 6, 10, 0):
        _invite, path = evaluations.evaluation_link_send(proposer=proposer, user=secretariat)
    with at(2024, 4, 6, 10, 0):  # 31 days later
        response = client.post(path, {"attitude": "satisfied", "result": "satisfied"})
    assert response.status_code == 200
    assert "过期" in response.content.decode()
    assert not Evaluation.objects.exists()
    assert client.get(path.replace("evaluate/", "evaluate/x")).status_code == 200


def test_a_satisfied_evaluation_closes_the_proposal_and_the_link_is_single_use(client, replied, secretariat):
    proposer = replied.proposers.get()
    with at(2024, 3, 6, 10, 0):
        _invite, path = evaluations.evaluation_link_send(proposer=proposer, user=secretariat)
        page = client.get(path).content.decode()
        assert "石剑波" in page and 'name="attitude"' in page
        client.post(
            path, {"attitude": "satisfied", "result": "basically", "comment": "<script>alert(1)</script>"}
        )
        again = client.post(path, {"attitude": "dissatisfied", "result": "dissatisfied"})
    assert "已经使用" in again.content.decode()
    replied.refresh_from_db()
    assert replied.status == Proposal.Status.CLOSED
    (evaluation,) = Evaluation.objects.all()
    assert (evaluation.result, evaluation.comment) == ("basically", "<script>alert(1)</script>")
    client.force_login(secretariat)
    detail = client.get(replied.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail and "<script>alert(1)" not in detail


def test_a_follow_up_is_only_for_b_and_c(replied, kjj_officer):
    reply = replied.replies.get()
    with pytest.raises(ValidationError):
        assignment.follow_up_open(reply=reply, user=kjj_officer)
    assert replied.replies.filter(kind=Reply.Kind.FOLLOW_UP).count() == 0
