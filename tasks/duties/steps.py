"""Completing a step of the duty flow in one request, outside its own page."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from tasks.duties import services
from tasks.duties.flows import DutyFlow


@transaction.atomic
def sign_for_complete(*, task, user):
    """签收 in one click: take the sign-for task if it still waits in the department's queue, and
    complete it. ``task.activation()`` holds the process lock and re-reads the task under it. The
    caller has checked that the user may take it."""
    with task.activation() as activation:
        task = activation.task
        if task.flow_task != DutyFlow.sign_for or task.status not in (STATUS.NEW, STATUS.ASSIGNED):
            raise ValidationError(_("This item has already been signed for."))
        if task.status == STATUS.ASSIGNED and task.owner_id != user.pk:
            raise ValidationError(
                _("%(name)s has already taken this task.") % {"name": task.owner.get_full_name()}
            )
        if task.status == STATUS.NEW:
            activation.assign(user)
        services.duty_sign_for(duty=task.process.artifact, user=user)
        activation.start(None)
        activation.execute()
    return task


@transaction.atomic
def step_complete(*, task, user, write):
    """Take a human step as ``user``, make its write (the step's service, a callable) and complete
    it, as the step's page does: for work done outside the pages (the demo loader)."""
    with task.activation() as activation:
        if activation.task.status == STATUS.NEW:
            activation.assign(user)
        write()
        activation.start(None)
        activation.execute()
