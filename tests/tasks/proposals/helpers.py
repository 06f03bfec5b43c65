"""Shared steps of the proposal tests: find a step's open task, complete it through its page."""

from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from tasks.proposals.flows import ProposalFlow


def open_tasks(proposal, node):
    return Task.objects.filter(
        process__artifact_object_id=proposal.pk,
        process__flow_class=ProposalFlow,
        flow_task=node,
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
    ).order_by("pk")


def take_and_post(client, user, task, data):
    """Take the task from the department queue (the desk's button) and post its page."""
    client.force_login(user)
    if task.status == STATUS.NEW:
        assert client.post(reverse("desk:task_take", args=[task.pk])).status_code == 302
    url = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    return client.post(url, data)


def page_of(client, user, task):
    client.force_login(user)
    if task.status == STATUS.NEW:
        client.post(reverse("desk:task_take", args=[task.pk]))
    return client.get(task.flow_task.reverse("execute", args=[task.process_id, task.pk]))
