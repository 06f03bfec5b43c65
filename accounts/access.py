"""Who may see what, shared by every app's access helper."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q

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
    return Q(**{f"{field}_id__in": departments_of(user)})


def departments_of(user):
    """The departments whose work the user sees: their own, and for a leader those they oversee
    (a handful of ids, never the work itself)."""
    ids = {user.department_id} - {None}
    if user.has_role(Role.LEADER):
        ids |= set(user.oversees.values_list("pk", flat=True))
    return ids


def scoped_for_user(user, model, department_fields):
    """Objects of ``model`` the user may see, by an indexed join on the departments that hold the
    work (``department_fields``: the lead's foreign key, the others' many-to-many). Access
    follows assignment, which grants and revokes the same departments' object permissions."""
    if not user.is_authenticated or not user.is_active:
        return model.objects.none()
    if sees_everything(user):
        return model.objects.all()
    departments = departments_of(user)
    condition = Q(pk__in=[])
    for name in department_fields:
        field = model._meta.get_field(name)
        if field.many_to_many:
            through = field.remote_field.through
            condition |= Exists(
                through.objects.filter(
                    **{f"{field.m2m_field_name()}_id": OuterRef("pk")},
                    **{f"{field.m2m_reverse_field_name()}_id__in": departments},
                )
            )
        else:
            condition |= Q(**{f"{field.attname}__in": departments})
    return model.objects.filter(condition)


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
