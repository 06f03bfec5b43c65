"""办理 on the desk: taking a task from the department queue opens it in the same click."""

from django.urls import reverse
from viewflow.workflow.status import STATUS

from tasks.proposals.flows import ProposalFlow
from tests.conftest import make_user


def sign_for_task(proposal):
    return proposal.tasks().get(flow_task=ProposalFlow.sign_for)


def test_taking_a_queued_task_assigns_it_and_opens_it(client, proposal_277, kjj_officer):
    task = sign_for_task(proposal_277)
    client.force_login(kjj_officer)
    response = client.post(reverse("desk:task_take", args=[task.pk]))
    task.refresh_from_db()
    assert (task.status, task.owner) == (STATUS.ASSIGNED, kjj_officer)
    assert response.status_code == 302 and response["Location"] == task.reverse("index")


def test_a_colleague_who_clicks_second_is_told_who_took_it(client, proposal_277, kjj, kjj_officer):
    colleague = make_user("kjj_officer2", "赵磊", kjj, "officer")
    task = sign_for_task(proposal_277)
    client.force_login(kjj_officer)
    client.post(reverse("desk:task_take", args=[task.pk]))
    client.force_login(colleague)
    response = client.post(reverse("desk:task_take", args=[task.pk]), follow=True)
    assert response.status_code == 200
    assert "张敏已领取办理该事项" in response.content.decode()
    task.refresh_from_db()
    assert task.owner == kjj_officer
    # the one who took it is simply taken to it again
    client.force_login(kjj_officer)
    again = client.post(reverse("desk:task_take", args=[task.pk]))
    assert again["Location"] == task.reverse("index")


def test_an_outsider_or_a_co_handler_cannot_take_it(
    client, proposal_277, jyj_officer, kx_officer, kjj_officer
):
    task = sign_for_task(proposal_277)
    for outsider in (jyj_officer, kx_officer):
        client.force_login(outsider)
        assert client.post(reverse("desk:task_take", args=[task.pk])).status_code == 404
        assert client.get(reverse("desk:task_take", args=[task.pk])).status_code == 404
    client.force_login(kjj_officer)
    client.post(reverse("desk:task_take", args=[task.pk]))
    client.force_login(jyj_officer)  # taken: still nothing to see for an outsider
    assert client.post(reverse("desk:task_take", args=[task.pk])).status_code == 404
    task.refresh_from_db()
    assert task.owner == kjj_officer


def test_taking_is_post_only(client, proposal_277, kjj_officer):
    client.force_login(kjj_officer)
    task = sign_for_task(proposal_277)
    assert client.get(reverse("desk:task_take", args=[task.pk])).status_code == 405
    task.refresh_from_db()
    assert task.status == STATUS.NEW
