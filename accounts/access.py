"""Who may see what, shared by every app's access helper."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, F, Lookup, OuterRef, Q, QuerySet
from django.utils.functional import cached_property

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


class InArray(Lookup):
    """``lhs = ANY(rhs)``, rhs an array (such as an ``ArraySubquery``)."""

    lookup_name = "in_array"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def scoped_for_user(user, model, department_fields, *, unordered=False):
    """Objects of ``model`` the user may see, by an indexed join on the departments that hold the
    work (``department_fields``: the lead's foreign key, the others' many-to-many). Access
    follows assignment, which grants and revokes the same departments' object permissions.

    ``unordered`` asks for the same set in the form PostgreSQL reads fastest whole (a count, a
    membership test): the many-to-many side as ``pk = ANY(ARRAY(subquery))``, which it ORs
    with the lead's index into one bitmap (17 ms to count 17,000 of 200,000 duties, against
    50 ms for the EXISTS form, which scans every row). Rows are fetched with the EXISTS form:
    walking an ordering index, it checks each row against a hashed set, where ANY compares each
    row with the whole array (and as ``pk IN`` of a join it is slower still)."""
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
            held = through.objects.filter(**{f"{field.m2m_reverse_field_name()}_id__in": departments})
            if unordered and connection.vendor == "postgresql":
                ids = ArraySubquery(held.values(f"{field.m2m_field_name()}_id"))
                condition |= InArray(F("pk"), ids)
            else:
                condition |= Exists(held.filter(**{f"{field.m2m_field_name()}_id": OuterRef("pk")}))
        else:
            condition |= Q(**{f"{field.attname}__in": departments})
    return model.objects.filter(condition)


class ListPaginator(Paginator):
    """Django's paginator, but a page past the middle of an ordered queryset is read from the
    other end (the ordering reversed, the offset counted back from the last row), so the last page
    of 52,000 rows costs what the first does: an OFFSET walks every row it skips. The ordering
    must end in a unique column (``pk``) for the two ends to agree."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if bottom > self.count // 2 and isinstance(rows, QuerySet) and rows.ordered:
            reversed_rows = list(rows.reverse()[self.count - top : self.count - bottom])
            return self._get_page(reversed_rows[::-1], number, self)
        return self._get_page(rows[bottom:top], number, self)


class CountedPaginator(ListPaginator):
    """A paginator that counts another queryset holding the same rows (``unordered=True`` of
    ``scoped_for_user``), so a list's count and its page each take their fastest form."""

    def __init__(self, object_list, per_page, *, count_list, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_list = count_list

    @cached_property
    def count(self):
        return self.count_list.count()


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
