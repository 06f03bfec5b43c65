"""Completing a flow step in one request (one click from the desk or a subject's page), for any
registered process: take the task if it still waits in the department's queue, make the step's
write and complete it, all under the process lock."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.desk.inbox import task_workable_by
from workflows.engine import task_activation
from workflows.escalation.deadlines import deadlines_opened_together


@transaction.atomic
def step_complete(*, task, user, write, node=None, done_message=None, related=()):
    """Take ``task`` as ``user``, call ``write(task)`` (the step's service) and complete it.

    ``task_activation`` holds the process lock and re-reads the task under it, with the
    ``related`` rows the write reads; a task no longer open at ``node`` raises ``done_message``.
    The caller has checked that the user may take it."""
    with task_activation(task, related=related) as activation:
        task = activation.task
        if node is not None and (task.flow_task != node or task.status not in (STATUS.NEW, STATUS.ASSIGNED)):
            raise ValidationError(done_message or _("This step has already been done."))
        if task.status == STATUS.ASSIGNED and task.owner_id != user.pk:
            raise ValidationError(
                _("%(name)s has already taken this task.") % {"name": task.owner.get_full_name()}
            )
        if task.status == STATUS.NEW:
            # taken and completed under one lock: the owner is saved with the completion (viewflow's
            # ``assign`` saves the row, which the completion saves again; nothing reads it between)
            task.owner = user
            task.status = STATUS.ASSIGNED
        write(task)
        activation.start(None)
        with deadlines_opened_together():  # the steps opened next, their deadlines together
            activation.execute()
    return task


def one_click(request, *, task_pk, node, complete, success_message):
    """The view of a one-click step: 404 unless the task waits for the user (in their queue or
    inbox), 405 unless POST; ``complete(task=, user=)`` does the step; back to the subject."""
    user = request.user
    task = get_object_or_404(Task.objects.select_related("process"), pk=task_pk, flow_task=node)
    if not task_workable_by(user, task):  # waiting in the user's queue, or taken by them
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        complete(task=task, user=user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except FlowLockFailed:
        messages.error(request, _("The item is being updated by someone else; please try again."))
    else:
        messages.success(request, success_message)
    return redirect(task.process.artifact)
