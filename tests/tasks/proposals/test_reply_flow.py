"""The whole reply process through its pages: two co-handlers, joint proposers, the head's return
and resubmission, release, a 不满意 evaluation by personal link and re-handling, a B follow-up."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from viewflow.workflow.status import PROCESS

from tasks.proposals.flows import ProposalFlow
from tasks.proposals.models import CoHandlingOpinion, Evaluation, Proposal, Reply
from tests.conftest import make_department, make_user
from tests.factories import register_and_assign
from tests.tasks.proposals.helpers import open_tasks, page_of, take_and_post
from workflows.notifications.models import Notification

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def rsj(db):
    return make_department("nt-rsj", "南通市人力资源和社会保障局", "人社局")


@pytest.fixture
def rsj_officer(rsj):
    return make_user("rsj_officer", "钱进", rsj, "officer")


@pytest.fixture
def handled(kjj, kx, rsj, kjj_officer, kjj_head, kx_officer, rsj_officer, secretariat):
    with time_machine.travel(datetime.datetime(2024, 3, 4, 10, 0, tzinfo=SHANGHAI), tick=False):
        proposal = register_and_assign(lead=kjj, co_handlers=[kx, rsj], proposers=("石剑波", "顾明", "陆云"))
    proposal.refresh_from_db()
    return proposal


def contact(client, user, reply, **extra):
    client.force_login(user)
    return client.post(
        reverse("proposals:contact_add", args=[reply.pk]),
        {"contacted_on": "2024-03-05", "way": "phone", "person": "石剑波", "view": "同意办理思路", **extra},
    )


DRAFT = {
    "category": "B",
    "text": "尊敬的石剑波代表：……正在推进众创社区建设。",
    "contact_person": "张敏",
    "contact_phone": "0513-85000000",
    "cc": "市人大代表工作委员会、科协",
}


def test_the_whole_reply_process_through_its_pages(
    client, handled, kjj, kx, rsj, kjj_officer, kjj_head, kx_officer, rsj_officer, secretariat
):
    proposal = handled
    with time_machine.travel(datetime.datetime(2024, 3, 5, 10, 0, tzinfo=SHANGHAI), tick=False):
        (sign_for,) = open_tasks(proposal, ProposalFlow.sign_for)
        assert take_and_post(client, kjj_officer, sign_for, {}).status_code == 302
        reply = proposal.replies.get()
        assert reply.status == Reply.Status.DRAFTING
        opinions = open_tasks(proposal, ProposalFlow.opinion)
        assert len(opinions) == 2
        # each co-handler was told, and takes only its own opinion step
        assert Notification.objects.filter(recipient=kx_officer, subject__startswith="【协办】").exists()
        kx_task = next(
            t for t in opinions if CoHandlingOpinion.objects.get(pk=t.data["opinion"]).department == kx
        )
        rsj_task = next(t for t in opinions if t != kx_task)
        client.force_login(rsj_officer)
        assert client.post(reverse("desk:task_take", args=[kx_task.pk])).status_code == 404

        (draft,) = open_tasks(proposal, ProposalFlow.draft)
        # the draft cannot go to the head before the opinions and a contact are in; it keeps the text
        response = take_and_post(client, kjj_officer, draft, {**DRAFT, "action": "submit"})
        assert response.status_code == 200
        page = response.content.decode()
        assert "科协" in page and "人社局" in page and "正在推进众创社区建设" in page
        reply.refresh_from_db()
        assert reply.status == Reply.Status.DRAFTING and reply.text == DRAFT["text"]

        assert (
            take_and_post(client, kx_officer, kx_task, {"text": "科协将组织科技工作者参与。"}).status_code
            == 302
        )
        assert (
            take_and_post(client, rsj_officer, rsj_task, {"text": "人社局支持创业培训。"}).status_code == 302
        )
        # the template now quotes both opinions
        draft.refresh_from_db()
        assert "科协将组织科技工作者参与" in page_of(client, kjj_officer, draft).content.decode()
        response = take_and_post(client, kjj_officer, draft, {**DRAFT, "action": "submit"})
        assert "沟通联系" in response.content.decode() or response.status_code == 200
        assert contact(client, kjj_officer, reply).status_code == 302
        assert take_and_post(client, kjj_officer, draft, {**DRAFT, "action": "submit"}).status_code == 302
        reply.refresh_from_db()
        assert reply.status == Reply.Status.SIGN_OFF

        # the head returns it with comments; the officer sees them and resubmits
        (sign_off,) = open_tasks(proposal, ProposalFlow.sign_off)
        client.force_login(kjj_officer)
        assert client.post(reverse("desk:task_take", args=[sign_off.pk])).status_code == 404
        response = take_and_post(client, kjj_head, sign_off, {"decision": "return", "comment": ""})
        assert response.status_code == 200  # a return needs comments
        assert (
            take_and_post(
                client, kjj_head, sign_off, {"decision": "return", "comment": "请补充时间表"}
            ).status_code
            == 302
        )
        reply.refresh_from_db()
        assert (reply.status, reply.return_comment) == (Reply.Status.DRAFTING, "请补充时间表")
        (draft,) = open_tasks(proposal, ProposalFlow.draft)
        assert "请补充时间表" in page_of(client, kjj_officer, draft).content.decode()
        assert take_and_post(client, kjj_officer, draft, {**DRAFT, "action": "submit"}).status_code == 302
        (sign_off,) = open_tasks(proposal, ProposalFlow.sign_off)
        assert (
            take_and_post(client, kjj_head, sign_off, {"decision": "approve", "comment": ""}).status_code
            == 302
        )

        # the secretariat releases it
        (review,) = open_tasks(proposal, ProposalFlow.review)
        client.force_login(secretariat)
        assert "聚力创新" in client.get(reverse("proposals:secretariat_work")).content.decode()
        assert (
            take_and_post(client, secretariat, review, {"decision": "approve", "comment": ""}).status_code
            == 302
        )
        reply.refresh_from_db()
        proposal.refresh_from_db()
        assert reply.status == Reply.Status.RELEASED and reply.letter_number == "科技局复〔2024〕1号"
        assert reply.letter_date == datetime.date(2024, 3, 5)
        assert proposal.status == Proposal.Status.REPLIED
        assert reply.process.status == PROCESS.DONE

        # two proposers are content on paper; the third is not, through a personal link
        lead, second, third = proposal.proposers.all()
        for proposer in (lead, second):
            response = client.post(
                reverse("proposals:evaluation_record", args=[proposal.pk]),
                {"proposer": proposer.pk, "attitude": "satisfied", "result": "basically", "comment": ""},
            )
            assert response.status_code == 302
        # the link is shown once to the secretariat, who sends it to the proposer
        page = client.post(
            reverse("proposals:evaluation_link", args=[third.pk]), follow=True
        ).content.decode()
        url = re.search(r"/proposals/evaluate/[^/\s<]+/", page).group(0)
    client.logout()
    with time_machine.travel(datetime.datetime(2024, 3, 6, 10, 0, tzinfo=SHANGHAI), tick=False):
        assert "顾明" not in client.get(url).content.decode()
        response = client.post(
            url, {"attitude": "basically", "result": "dissatisfied", "comment": "进度太慢"}
        )
        assert response.status_code == 200 and "thanks" in response.content.decode()
        proposal.refresh_from_db()
        assert (proposal.status, proposal.round) == (Proposal.Status.REHANDLING, 1)
        assert Evaluation.objects.filter(proposal=proposal).count() == 3
        # used once: the second visit says so and changes nothing
        again = client.post(url, {"attitude": "satisfied", "result": "satisfied", "comment": ""})
        assert "已经使用" in again.content.decode() or "already been used" in again.content.decode()
        assert Evaluation.objects.filter(proposal=proposal).count() == 3

        # re-handling: a new deadline a month on, a new contact and a new reply, on the ladder
        rehandling = proposal.replies.get(round=1)
        assert (rehandling.kind, rehandling.due) == (Reply.Kind.REHANDLING, datetime.date(2024, 4, 6))
        (draft,) = open_tasks(proposal, ProposalFlow.draft)
        assert draft.deadline.due == datetime.date(2024, 4, 6)
        response = take_and_post(client, kjj_officer, draft, {**DRAFT, "action": "submit"})
        assert response.status_code == 200  # the first round's contact does not count
        client.force_login(kjj_officer)
        assert contact(client, kjj_officer, rehandling, contacted_on="2024-03-06").status_code == 302
        assert take_and_post(client, kjj_officer, draft, {**DRAFT, "action": "submit"}).status_code == 302
        (sign_off,) = open_tasks(proposal, ProposalFlow.sign_off)
        take_and_post(client, kjj_head, sign_off, {"decision": "approve", "comment": ""})
        (review,) = open_tasks(proposal, ProposalFlow.review)
        take_and_post(client, secretariat, review, {"decision": "approve", "comment": ""})
        proposal.refresh_from_db()
        assert proposal.status == Proposal.Status.REPLIED

        # a B reply is followed up once what was planned is done: same draft → sign-off → release
        client.force_login(kjj_officer)
        assert client.post(reverse("proposals:follow_up_open", args=[rehandling.pk])).status_code == 302
        follow_up = proposal.replies.get(kind=Reply.Kind.FOLLOW_UP)
        (draft,) = open_tasks(proposal, ProposalFlow.draft)
        contact(client, kjj_officer, follow_up, contacted_on="2024-03-06")
        take_and_post(client, kjj_officer, draft, {**DRAFT, "category": "A", "action": "submit"})
        (sign_off,) = open_tasks(proposal, ProposalFlow.sign_off)
        take_and_post(client, kjj_head, sign_off, {"decision": "approve", "comment": ""})
        (review,) = open_tasks(proposal, ProposalFlow.review)
        take_and_post(client, secretariat, review, {"decision": "approve", "comment": ""})
        follow_up.refresh_from_db()
        assert (follow_up.status, follow_up.category) == (Reply.Status.RELEASED, "A")

    # the timeline shows every step, opinion, contact, reply and evaluation
    client.force_login(secretariat)
    page = client.get(proposal.get_absolute_url()).content.decode()
    for text in (
        "科协将组织科技工作者参与",
        "同意办理思路",
        "请补充时间表",
        "进度太慢",
        "跟踪答复",
        "重新办理",
    ):
        assert text in page, text
