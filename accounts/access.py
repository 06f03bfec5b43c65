"""Who may see what, shared by every app's access helper."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Paginator
from django.db import connection
from django.db.models import Count, Exists, F, Lookup, OuterRef, Q, QuerySet, Window
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
    must end in a unique column (``pk``) for the two ends to agree.

    ``count_with_first_page`` counts the rows within the first page's own query (``COUNT(*)
    OVER ()``) rather than by a query of its own, for a list whose query reads every matching row
    anyway, such as the desk's queue, filtered per row by permission: one pass instead of two.
    (Where an ordering index lets the first page stop after a few rows, a separate count is
    cheaper: leave it off.)"""

    def __init__(self, *args, count_with_first_page=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_with_first_page = count_with_first_page

    def get_page(self, number):
        if self._counts_first_page() and self._asks_first_page(number):
            return self._first_page_counted()
        return super().get_page(number)

    def page(self, number):
        if self._counts_first_page() and self._asks_first_page(number, strict=True):
            return self._first_page_counted()
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

    def _counts_first_page(self):
        rows = self.object_list
        return (
            self.count_with_first_page
            and "count" not in self.__dict__  # not counted yet
            and isinstance(rows, QuerySet)
            # a window counts the rows before DISTINCT, and cannot annotate a UNION
            and not rows.query.distinct
            and not rows.query.combinator
            and not rows.query.is_sliced
        )

    @staticmethod
    def _asks_first_page(number, *, strict=False):
        """Whether ``number`` is page 1; for ``get_page`` (not ``strict``) also a number that is
        not a whole number, which it answers with the first page."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            return int(number) == 1
        except (TypeError, ValueError):
            return not strict

    def _first_page_counted(self):
        rows = list(self.object_list.annotate(_list_total=Window(Count("*")))[: self.per_page + self.orphans])
        self.count = rows[0]._list_total if rows else 0
        if not rows and not self.allow_empty_first_page:
            raise EmptyPage(self.error_messages["no_results"])
        if self.count > self.per_page + self.orphans:
            rows = rows[: self.per_page]
        return self._get_page(rows, 1, self)


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
