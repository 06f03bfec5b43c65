import pytest
from django.urls import reverse
from viewflow.workflow.status import STATUS

from accounts.models import AuditEvent, Department, User
from tasks.proposals.access import proposals_for_user
from tasks.proposals.flows import ProposalFlow


def test_secretariat_adds_a_department_with_its_group(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("manage:department_create"),
        {
            "name": "南通市财政局",
            "short_name": "财政局",
            "code": "nt-czj",
            "kind": "bureau",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    department = Department.objects.get(code="nt-czj")
    assert department.group.name == "department:nt-czj"
    event = AuditEvent.objects.for_object(department).get()
    assert event.actor == secretariat
    assert event.after["short_name"] == "财政局"


def test_a_department_cannot_sit_under_itself(client, secretariat, kjj):
    client.force_login(secretariat)
    response = client.post(
        reverse("manage:department_edit", args=[kjj.pk]),
        {"name": kjj.name, "short_name": "改名", "code": kjj.code, "kind": kjj.kind, "parent": kjj.pk},
    )
    assert response.status_code == 200
    kjj.refresh_from_db()
    assert kjj.short_name == "科技局"
    assert "改名" in response.content.decode()  # what was typed is kept


def test_moving_a_user_to_another_department_moves_their_group(client, secretariat, kjj_officer, kx):
    client.force_login(secretariat)
    response = client.post(
        reverse("manage:user_edit", args=[kjj_officer.pk]),
        {"username": "kjj_officer", "name": "张敏", "department": kx.pk, "roles": ["officer", "head"]},
    )
    assert response.status_code == 302
    kjj_officer.refresh_from_db()
    assert list(kjj_officer.groups.values_list("name", flat=True)) == ["department:nt-kx"]
    assert set(kjj_officer.roles.values_list("role", flat=True)) == {"officer", "head"}
    event = AuditEvent.objects.for_object(kjj_officer).last()
    assert (event.before["department"], event.after["department"]) == ("nt-kjj", "nt-kx")


def test_deactivating_a_user_keeps_history_and_returns_claimed_tasks(
    client, secretariat, kjj_officer, proposal_277
):
    task = proposal_277.tasks().get(flow_task=ProposalFlow.sign_for)
    with task.activation() as activation:
        activation.assign(kjj_officer)
    client.force_login(secretariat)
    assert client.get(reverse("manage:user_deactivate", args=[kjj_officer.pk])).status_code == 405
    response = client.post(reverse("manage:user_deactivate", args=[kjj_officer.pk]))
    assert response.status_code == 302
    kjj_officer.refresh_from_db()
    task.refresh_from_db()
    assert not kjj_officer.is_active
    assert (task.status, task.owner_id) == (STATUS.NEW, None)
    assert User.objects.filter(pk=kjj_officer.pk).exists()
    assert AuditEvent.objects.for_object(kjj_officer).filter(action="user_change").exists()


@pytest.mark.parametrize(
    "name", ["manage:index", "manage:user_list", "manage:user_import", "manage:user_create"]
)
def test_department_staff_cannot_open_management_pages(client, kjj_head, name):
    client.force_login(kjj_head)
    assert client.get(reverse(name)).status_code == 403


def test_department_staff_cannot_deactivate_users(client, kjj_head, kjj_officer):
    client.force_login(kjj_head)
    assert client.post(reverse("manage:user_deactivate", args=[kjj_officer.pk])).status_code == 403
    kjj_officer.refresh_from_db()
    assert kjj_officer.is_active


def test_deactivated_user_sees_nothing(kjj_officer, proposal_277):

    assert proposals_for_user(kjj_officer).exists()
    kjj_officer.is_active = False
    kjj_officer.save()
    assert not proposals_for_user(kjj_officer).exists()


def test_renaming_a_department_code_renames_its_group(kjj):
    group_pk = kjj.group_id
    kjj.code = "nt-kjj2"
    kjj.save()
    kjj.group.refresh_from_db()
    assert (kjj.group_id, kjj.group.name) == (group_pk, "department:nt-kjj2")


def test_moving_a_user_returns_their_claimed_tasks_to_the_old_department(
    client, secretariat, kjj_officer, jyj, proposal_277
):
    task = proposal_277.tasks().get(flow_task=ProposalFlow.sign_for)
    with task.activation() as activation:
        activation.assign(kjj_officer)
    client.force_login(secretariat)
    client.post(
        reverse("manage:user_edit", args=[kjj_officer.pk]),
        {"username": "kjj_officer", "name": "张敏", "department": jyj.pk, "roles": ["officer"]},
    )
    task.refresh_from_db()
    assert (task.status, task.owner_id) == (STATUS.NEW, None)
    client.force_login(kjj_officer)
    assert proposal_277.title not in client.get(reverse("desk:index")).content.decode()


def test_the_secretariat_cannot_touch_system_accounts(client, secretariat, db):
    from tests.conftest import make_user

    root = make_user("root", "管理员", None)
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(secretariat)
    assert client.get(reverse("manage:user_edit", args=[root.pk])).status_code == 404
    assert client.post(reverse("manage:user_deactivate", args=[root.pk])).status_code == 404
    root.refresh_from_db()
    assert root.is_active
