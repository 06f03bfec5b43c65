"""Who may read deadlines, notices and extensions (others' answer 404)."""

from django.shortcuts import get_object_or_404

from accounts.access import concerns_user, sees_everything
from workflows.escalation.models import Deadline, Notice


def deadlines_for_user(user):
    """Deadlines, notices and extensions belong to the department responsible for the step, the
    secretariat and the leaders over that department; a co-handler does not read the lead
    department's 催办单."""
    if not user.is_authenticated or not user.is_active:
        return Deadline.objects.none()
    if sees_everything(user):
        return Deadline.objects.all()
    return Deadline.objects.filter(concerns_user(user))


def deadline_get_for_user(user, pk):
    return get_object_or_404(deadlines_for_user(user).select_related("task", "department"), pk=pk)


def notices_for_user(user):
    return Notice.objects.filter(deadline__in=deadlines_for_user(user))


def notice_get_for_user(user, pk):
    return get_object_or_404(notices_for_user(user), pk=pk)
