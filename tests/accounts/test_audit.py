import pytest
from django.db import connection, transaction

from accounts.models import AuditEvent
from tasks.proposals.flows import ProposalFlow


def test_audit_events_cannot_be_changed_or_deleted(proposal_277):
    event = AuditEvent.objects.for_object(proposal_277).first()
    event.summary = "改写"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().update(summary="改写")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL")
def test_database_refuses_to_rewrite_history(proposal_277):
    from django.db.utils import DatabaseError

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE accounts_auditevent SET summary = 'x'")


def test_proposal_timeline_tells_its_history(client, secretariat, kjj_officer, proposal_277):

    task = proposal_277.tasks().get(flow_task=ProposalFlow.sign_for)
    client.force_login(kjj_officer)
    client.post(task.flow_task.reverse("assign", args=[task.process_id, task.pk]))
    client.post(task.flow_task.reverse("execute", args=[task.process_id, task.pk]))

    actions = list(AuditEvent.objects.for_object(proposal_277).values_list("action", flat=True))
    assert actions[0] == "register"
    assert "perm_grant" in actions
    assert actions.index("assign") < actions.index("sign_for")

    client.force_login(secretariat)
    page = client.get(proposal_277.get_absolute_url()).content.decode()
    assert 'id="timeline"' in page
    assert "科技局签收" in page
    assert "交办主办单位科技局，协办单位科协" in page


def test_secretariat_reads_the_audit_trail_including_failed_logins(client, secretariat, kjj_officer):
    from django.urls import reverse

    client.post(reverse("login"), {"username": "kjj_officer", "password": "wrong"})
    client.force_login(secretariat)
    response = client.get(reverse("manage:audit_list"), {"action": "login_failed"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "登录失败：kjj_officer" in page
    assert response.context["events"].count() == 1


def test_officers_cannot_read_the_audit_trail(client, kjj_head):
    from django.urls import reverse

    client.force_login(kjj_head)
    assert client.get(reverse("manage:audit_list")).status_code == 403
