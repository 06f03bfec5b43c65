"""The demo's suggestions: each demo role finds work on its desk or its lists, in the states the
demo promises, and loading twice changes nothing."""

import pytest
from django.urls import reverse

from accounts.models import User
from demo.loader import demo_load
from tasks.proposals.flows import ProposalFlow
from tasks.proposals.models import CoHandlingOpinion, Proposal, Reply
from workflows.desk.inbox import tasks_inbox_for_user, tasks_queue_for_user

pytestmark = pytest.mark.django_db


def waiting(user, node):
    """The proposal steps of ``node`` waiting for ``user`` (in the department queue or taken)."""
    tasks = tasks_queue_for_user(user) | tasks_inbox_for_user(user)
    return {
        task.process.artifact.number
        for task in tasks.filter(flow_task=node).select_related("process")
        if task.process.flow_class is ProposalFlow
    }


@pytest.fixture
def demo():
    demo_load()
    return {user.username: user for user in User.objects.all()}


def test_277_is_drafted_after_the_co_handlers_opinion_and_the_contact(demo):
    proposal = Proposal.objects.get(number="277")
    assert proposal.status == Proposal.Status.HANDLING
    reply = proposal.replies.get()
    assert reply.status == Reply.Status.DRAFTING
    assert reply.category == "B"
    assert reply.text.startswith("尊敬的石剑波代表：")
    assert "（科协意见）市科协将继续举办" in reply.text
    assert reply.contacts.get().person == "石剑波"
    assert [o.status for o in reply.opinions.all()] == [CoHandlingOpinion.Status.GIVEN]
    # nothing stops the officer from sending it to the head
    assert not proposal.replies.get().opinions.filter(status=CoHandlingOpinion.Status.PENDING).exists()
    assert waiting(demo["kjj_officer"], ProposalFlow.draft) >= {"277"}


def test_each_promised_state_is_there(demo):
    three = Proposal.objects.get(number="285")
    assert [p.name for p in three.proposers.all()] == ["顾明", "陆云", "沈佳"]
    assert [p.is_lead for p in three.proposers.all()] == [True, False, False]
    assert three.co_departments.count() == 3
    assert dict(three.opinions.values_list("department__short_name", "status")) == {
        "科协": "pending",
        "教育局": "given",
        "人社局": "pending",
    }

    at_the_head = Proposal.objects.get(number="291").replies.get()
    assert at_the_head.status == Reply.Status.SIGN_OFF

    dissatisfied = Proposal.objects.get(number="296")
    assert dissatisfied.status == Proposal.Status.REHANDLING
    assert dissatisfied.round == 1
    assert dissatisfied.evaluations.get().result == "dissatisfied"
    first, again = dissatisfied.replies.order_by("round")
    assert (first.status, first.category) == (Reply.Status.RELEASED, "C")
    assert (again.kind, again.status) == (Reply.Kind.REHANDLING, Reply.Status.DRAFTING)

    released = Proposal.objects.get(number="302")
    assert released.status == Proposal.Status.REPLIED
    assert released.replies.get().category == "B"
    assert released.replies.get().may_follow_up

    assert Proposal.objects.get(number="310").status == Proposal.Status.ASSIGNED


def test_every_demo_role_has_something_to_do_or_see(demo, client):
    assert waiting(demo["kjj_officer"], ProposalFlow.sign_for) == {"310"}
    assert waiting(demo["kjj_officer"], ProposalFlow.draft) == {"277", "285"}
    assert waiting(demo["kx_officer"], ProposalFlow.opinion) == {"285"}
    assert waiting(demo["jyj_officer"], ProposalFlow.draft) == {"296"}
    assert waiting(demo["kjj_head"], ProposalFlow.sign_off) == {"291"}

    client.force_login(demo["kjj_head"])
    desk = client.get(reverse("desk:index")).content.decode()
    assert "关于加大众创空间运营补助的建议" in desk

    client.force_login(demo["secretariat"])
    office = client.get(reverse("proposals:secretariat_work")).content.decode()
    assert "关于加强青年创新创业人才培养的建议" in office  # opinions it may waive
    assert "关于扩大科技创新券使用范围的建议" in office  # an evaluation to record

    client.force_login(demo["leader"])
    listing = client.get(reverse("proposals:index")).content.decode()
    for title in ("关于在南通市组织社会大众聚力创新的建议", "关于建设青少年创客实训基地的建议"):
        assert title in listing


def test_loading_the_proposals_twice_changes_nothing(demo):
    def state():
        return sorted(
            Reply.objects.values_list("proposal__number", "kind", "status", "category", "round", "text")
        ), Proposal.objects.count()

    before = state()
    demo_load()
    assert state() == before
