"""The one-task check that guards one-click steps decides as the queue and inbox lists do."""

import pytest
from django.contrib.auth.models import Group, Permission
from guardian.shortcuts import assign_perm
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from tasks.proposals.flows import ProposalFlow
from tests.conftest import make_user
from tests.factories import register_and_assign
from workflows.desk.inbox import task_workable_by, tasks_inbox_for_user, tasks_queue_for_user


def listed(user, task):
    return (
        tasks_queue_for_user(user).filter(pk=task.pk).exists()
        or tasks_inbox_for_user(user).filter(pk=task.pk).exists()
    )


@pytest.fixture
def tasks(kjj, kx, jyj, kjj_officer):
    """One sign-for task in each state the lists tell apart."""
    colleague = make_user("kjj_colleague", "同事", kjj, "officer")
    made = {}
    for number, state in enumerate(["queued", "mine", "colleague", "done", "elsewhere"], start=1):
        lead = jyj if state == "elsewhere" else kjj
        proposal = register_and_assign(lead=lead, co_handlers=[kx], number=str(number))
        task = proposal.tasks().get(flow_task=ProposalFlow.sign_for)
        if state in ("mine", "colleague", "done"):
            with task.activation() as activation:
                activation.assign(kjj_officer if state != "colleague" else colleague)
                if state == "done":
                    activation.start(None)
                    activation.execute()
        made[state] = Task.objects.get(pk=task.pk)
    return made


def test_the_one_task_check_agrees_with_the_lists(
    tasks, kjj_officer, kjj_head, kx_officer, jyj_officer, secretariat, leader
):
    users = [kjj_officer, kjj_head, kx_officer, jyj_officer, secretariat, leader]
    decided = {
        (user.username, state): task_workable_by(user, task)
        for user in users
        for state, task in tasks.items()
    }
    assert decided == {
        (user.username, state): listed(user, task) for user in users for state, task in tasks.items()
    }
    # and the answers are the ones the rules give, not merely the same mistakes twice
    assert decided[("kjj_officer", "queued")] and decided[("kjj_officer", "mine")]
    assert not decided[("kjj_officer", "colleague")] and not decided[("kjj_officer", "done")]
    assert not decided[("kx_officer", "queued")]  # a co-handler reads but does not sign for
    assert decided[("jyj_officer", "elsewhere")] and not decided[("jyj_officer", "queued")]
    assert tasks["done"].status == STATUS.DONE


def test_a_permission_held_in_person_queues_the_task_only_for_its_own_codename(tasks, jyj_officer):
    """The queue matches the task's owner permission by its codename on the task's object: a
    permission granted to one person counts, another permission on the same object does not."""
    task = tasks["queued"]
    reply = task.owner_permission_obj
    assert task.owner_permission == "proposals.handle_reply"
    assign_perm("proposals.sign_off_reply", jyj_officer, reply)
    assert not tasks_queue_for_user(jyj_officer).filter(pk=task.pk).exists()
    assert not task_workable_by(jyj_officer, task)
    assign_perm("proposals.handle_reply", jyj_officer, reply)
    jyj_officer = type(jyj_officer).objects.get(pk=jyj_officer.pk)  # guardian caches per user
    assert tasks_queue_for_user(jyj_officer).filter(pk=task.pk).exists()
    assert task_workable_by(jyj_officer, task)


def test_a_department_task_is_found_workable_in_one_query(tasks, kjj_officer, django_assert_num_queries):
    """The object permission is asked first: the global permissions (two queries) only when it
    is missing."""
    officer = type(kjj_officer).objects.get(pk=kjj_officer.pk)  # nothing cached on the user
    with django_assert_num_queries(1):
        assert task_workable_by(officer, tasks["queued"])


def test_a_permission_held_on_every_object_queues_the_task(tasks, jyj_officer):
    """In person or through a group: the queue reads the global permissions in its own query."""
    task = tasks["queued"]
    assert not tasks_queue_for_user(jyj_officer).filter(pk=task.pk).exists()
    handle = Permission.objects.get(content_type__app_label="proposals", codename="handle_reply")
    group = Group.objects.create(name="全局办理")
    group.permissions.add(handle)
    jyj_officer.groups.add(group)
    assert tasks_queue_for_user(jyj_officer).filter(pk=task.pk).exists()
    jyj_officer.groups.remove(group)
    jyj_officer.user_permissions.add(handle)
    assert tasks_queue_for_user(jyj_officer).filter(pk=task.pk).exists()
