"""Who may see what, shared by every app's access helper."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from accounts.models import Role


def sees_everything(user):
    """The secretariat and administrators see all work; so does a leader who oversees all."""
    return user.is_active and (
        user.is_superuser
        or user.has_role(Role.SECRETARIAT, Role.ADMIN)
        or (user.has_role(Role.LEADER) and user.oversees_all)
    )


def concerns_user(user, field="department"):
    """A filter on ``field`` (a department): the user's own department, and for a leader the
    departments they oversee. Callers let those who see everything see everything first."""
    mine = Q(**{f"{field}_id": user.department_id}) if user.department_id else Q(pk__in=[])
    if user.has_role(Role.LEADER):
        mine |= Q(**{f"{field}__in": user.oversees.all()})
    return mine


def scoped_for_user(user, model, perm, department_fields):
    """Objects of ``model`` the user may see: by object permission of their department's group,
    plus, for a leader, the work of the departments they oversee."""
    from guardian.shortcuts import get_objects_for_user

    if not user.is_authenticated or not user.is_active:
        return model.objects.none()
    if sees_everything(user):
        return model.objects.all()
    visible = get_objects_for_user(user, perm, model, accept_global_perms=False)
    if user.has_role(Role.LEADER):
        overseen = user.oversees.all()
        condition = Q()
        for field in department_fields:
            condition |= Q(**{f"{field}__in": overseen})
        visible = visible | model.objects.filter(condition)
    return visible.distinct()


def is_secretariat(user):
    """The joint meeting's office (and administrators): management, approvals, the calendar."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_role(Role.SECRETARIAT, Role.ADMIN))
    )


def require_secretariat(user):
    if not is_secretariat(user):
        raise PermissionDenied


class SecretariatRequiredMixin(LoginRequiredMixin):
    """Pages of the secretariat: anonymous users log in, everyone else gets 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_secretariat(request.user)
        return super().dispatch(request, *args, **kwargs)
