"""Who may read deadlines, notices and extensions (others' answer 404)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.access import sees_everything
from accounts.models import Role
from workflows.escalation.models import Deadline, Notice


def deadlines_for_user(user):
    """Deadlines, notices and extensions belong to the department responsible for the step, the
    secretariat and the leaders over that department; a co-handler does not read the lead
    department's 催办单."""
    if not user.is_authenticated or not user.is_active:
        return Deadline.objects.none()
    if sees_everything(user):
        return Deadline.objects.all()
    mine = Q(department_id=user.department_id) if user.department_id else Q(pk__in=[])
    if user.has_role(Role.LEADER):
        mine |= Q(department__in=user.oversees.all())
    return Deadline.objects.filter(mine)


def deadline_get_for_user(user, pk):
    return get_object_or_404(deadlines_for_user(user).select_related("task", "department"), pk=pk)


def notices_for_user(user):
    return Notice.objects.filter(deadline__in=deadlines_for_user(user))


def notice_get_for_user(user, pk):
    return get_object_or_404(notices_for_user(user), pk=pk)
