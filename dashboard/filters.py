"""The dashboard's filters (joint meeting, department, period, kind) and the user's scope."""

import datetime
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import departments_of, sees_everything
from accounts.fields import QueryFilterForm
from accounts.models import Department
from tasks.duties import selectors as duty_selectors
from tasks.proposals import selectors as proposal_selectors

DUTY = "duty"


def scope_departments(user):
    """The departments whose figures the user sees: ``None`` for all of them."""
    if sees_everything(user):
        return None
    return departments_of(user)


@dataclass(frozen=True)
class Filters:
    departments: frozenset | None  # None: every department
    meeting: int | None = None
    kind: str = ""  # "duty", a proposal kind, or "" for all work
    since: datetime.date | None = None
    until: datetime.date | None = None

    @property
    def shows_duties(self):
        return self.kind in ("", DUTY)

    @property
    def shows_proposals(self):
        # proposals belong to no joint meeting: choosing one shows its duties alone
        return self.kind != DUTY and self.meeting is None

    @property
    def proposal_kind(self):
        return "" if self.kind == DUTY else self.kind

    def _period(self):
        """The period as a range of instants (local midnights), which an index can serve."""
        period = {}
        if self.since is not None:
            period["assigned_from"] = local_midnight(self.since)
        if self.until is not None:
            period["assigned_before"] = local_midnight(self.until + datetime.timedelta(days=1))
        return period

    def duty_filters(self):
        return {"departments": self.departments, "meeting": self.meeting, **self._period()}

    def proposal_filters(self):
        return {"departments": self.departments, "kind": self.proposal_kind, **self._period()}


class DashboardFilterForm(QueryFilterForm):
    meeting = forms.TypedChoiceField(label=_("Joint meeting"), required=False, coerce=int, empty_value=None)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, empty_label=_("All")
    )
    kind = forms.ChoiceField(label=_("Kind of work"), required=False)
    since = forms.DateField(
        label=_("Assigned from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Assigned until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        self.user = user
        self.scope = scope_departments(user)
        departments = Department.objects.filter(is_active=True)
        if self.scope is not None:
            departments = Department.objects.filter(pk__in=self.scope)
        self.fields["department"].queryset = departments.order_by("code")
        self.fields["meeting"].choices = [("", _("All")), *duty_selectors.meetings_choices()]
        self.fields["kind"].choices = [
            ("", _("All")),
            (DUTY, _("Duties")),
            *proposal_selectors.kind_choices(),
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period is before its start."))
            cleaned.pop("until", None)
        return cleaned

    def resolve(self, request):
        """The filters the figures are computed with, inside the user's scope; an invalid value is
        ignored and named in a message."""
        values = self.filters(request)
        departments = self.scope
        if values.get("department") is not None:
            departments = frozenset({values["department"].pk})
        elif departments is not None:
            departments = frozenset(departments)
        return Filters(
            departments=departments,
            meeting=values.get("meeting"),
            kind=values.get("kind", ""),
            since=values.get("since", default_since()),
            until=values.get("until"),
        )


def local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def default_since():
    """The period starts on 1 January of this year unless the user chooses otherwise."""
    return timezone.localdate().replace(month=1, day=1)
