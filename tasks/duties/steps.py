"""Completing a step of the duty flows in one request, outside its own page."""

from django.utils.translation import gettext as _

from tasks.duties import services
from tasks.duties.flows import DutyFlow
from workflows.desk import steps


def sign_for_complete(*, task, user):
    """签收 in one click (the caller has checked that the user may take the task)."""
    return steps.step_complete(
        task=task,
        user=user,
        node=DutyFlow.sign_for,
        done_message=_("This item has already been signed for."),
        write=lambda task: services.duty_sign_for(duty=task.process.artifact, user=user),
    )


def step_complete(*, task, user, write):
    """Take a human step as ``user``, make its write (the step's service, a callable) and complete
    it, as the step's page does: for work done outside the pages (the demo loader, tests)."""
    return steps.step_complete(task=task, user=user, write=lambda _task: write())
