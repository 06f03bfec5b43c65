"""签收 in one click, from the desk or the proposal page: one request takes and completes the step."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from viewflow.workflow.status import STATUS

from accounts.models import AuditEvent
from tasks.proposals import steps
from tasks.proposals.flows import ProposalFlow
from tasks.proposals.models import Proposal
from tests.conftest import make_user


def sign_for_task(proposal):
    return proposal.tasks().get(flow_task=ProposalFlow.sign_for)


def test_one_click_signs_for_the_proposal(client, proposal_277, kjj_officer):
    task = sign_for_task(proposal_277)
    client.force_login(kjj_officer)
    desk = client.get(reverse("desk:index")).content.decode()
    url = reverse("proposals:sign_for", args=[task.pk])
    assert url in desk  # offered on the desk
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == proposal_277.get_absolute_url()
    task.refresh_from_db()
    proposal_277.refresh_from_db()
    assert (task.status, task.owner) == (STATUS.DONE, kjj_officer)
    assert (proposal_277.status, proposal_277.signed_for_by) == (Proposal.Status.HANDLING, kjj_officer)
    assert AuditEvent.objects.for_object(proposal_277).filter(action=AuditEvent.Action.SIGN_FOR).count() == 1
    # a second click changes nothing and says why
    again = client.post(url, follow=True)
    assert again.status_code == 404  # no longer waiting for anyone
    assert AuditEvent.objects.for_object(proposal_277).filter(action=AuditEvent.Action.SIGN_FOR).count() == 1


def test_a_task_a_colleague_took_is_not_signed_by_someone_else(client, proposal_277, kjj, kjj_officer):
    colleague = make_user("kjj_officer2", "赵磊", kjj, "officer")
    task = sign_for_task(proposal_277)
    client.force_login(kjj_officer)
    client.post(reverse("desk:task_take", args=[task.pk]))
    client.force_login(colleague)
    assert client.post(reverse("proposals:sign_for", args=[task.pk])).status_code == 404
    task.refresh_from_db()
    assert (task.status, task.owner) == (STATUS.ASSIGNED, kjj_officer)


def test_outsiders_and_co_handlers_cannot_sign_for(client, proposal_277, jyj_officer, kx_officer):
    task = sign_for_task(proposal_277)
    for outsider in (jyj_officer, kx_officer):
        client.force_login(outsider)
        assert client.post(reverse("proposals:sign_for", args=[task.pk])).status_code == 404
    task.refresh_from_db()
    assert task.status == STATUS.NEW


def test_signing_for_is_post_only(client, proposal_277, kjj_officer):
    task = sign_for_task(proposal_277)
    client.force_login(kjj_officer)
    assert client.get(reverse("proposals:sign_for", args=[task.pk])).status_code == 405
    task.refresh_from_db()
    assert task.status == STATUS.NEW


def test_a_click_that_lost_the_race_changes_nothing(proposal_277, kjj, kjj_officer):
    """Checked again under the process lock: a colleague took the task between page and click."""
    colleague = make_user("kjj_officer2", "赵磊", kjj, "officer")
    task = sign_for_task(proposal_277)
    steps.sign_for_complete(task=task, user=kjj_officer)
    with pytest.raises(ValidationError, match="已签收"):
        steps.sign_for_complete(task=task, user=colleague)
    task.refresh_from_db()
    assert (task.status, task.owner) == (STATUS.DONE, kjj_officer)


SIGN_FOR_STATEMENTS = 20


def test_signing_for_through_the_services_costs_a_fixed_number_of_statements(proposal_277, kjj_officer):
    """One 签收 opens the co-handler's opinion step, its deadline and timer: a budget of statements
    (counted as sent, savepoints included) that a change to the engine, the ladder or the services
    must not exceed."""
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    task = sign_for_task(proposal_277)
    with connection.execute_wrapper(count):
        steps.sign_for_complete(task=task, user=kjj_officer)
    assert proposal_277.tasks().filter(flow_task=ProposalFlow.opinion, status=STATUS.NEW).count() == 1
    assert len(statements) <= SIGN_FOR_STATEMENTS, "\n".join(statements)
