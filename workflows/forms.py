from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from workflows.calendar import is_working_day, year_is_covered
from workflows.models import CalendarCorrection, Proposal

MIN_CALENDAR_YEAR, MAX_CALENDAR_YEAR = 2000, 2100


class ProposalRegisterForm(forms.Form):
    """登记并交办: register a suggestion or proposal and assign it in one step."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Proposal.Kind.choices)
    session = forms.CharField(label=_("Session"), max_length=60)
    number = forms.CharField(label=_("Number"), max_length=20)
    title = forms.CharField(label=_("Title"), max_length=300)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea)
    proposer_names = forms.CharField(
        label=_("Proposers"),
        max_length=500,
        help_text=_("The lead proposer first; separate joint proposers with 、 or commas."),
    )
    lead = forms.ModelChoiceField(label=_("Lead handler"), queryset=Department.objects.filter(is_active=True))
    co_handlers = forms.ModelMultipleChoiceField(
        label=_("Co-handlers"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
    )
    is_public = forms.BooleanField(label=_("To be disclosed"), required=False, initial=True)

    def clean_proposer_names(self):
        raw = self.cleaned_data["proposer_names"]
        for separator in ("、", "，", ";", "；"):
            raw = raw.replace(separator, ",")
        names = [name.strip() for name in raw.split(",") if name.strip()]
        if not names:
            raise forms.ValidationError(_("Enter at least one proposer."))
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("A proposer is listed twice."))
        return names

    def clean(self):
        cleaned = super().clean()
        lead, co_handlers = cleaned.get("lead"), cleaned.get("co_handlers")
        if lead and co_handlers and lead in co_handlers:
            self.add_error("co_handlers", _("The lead handler cannot also be a co-handler."))
        kind, session, number = cleaned.get("kind"), cleaned.get("session"), cleaned.get("number")
        if (
            kind
            and session
            and number
            and Proposal.objects.filter(kind=kind, session=session, number=number).exists()
        ):
            self.add_error("number", _("This number is already registered for the session."))
        return cleaned


class SignForForm(forms.Form):
    """签收 needs no input: the officer confirms the department accepts the proposal."""


class ExtensionRequestForm(forms.Form):
    """延期申请: the new deadline and the reason."""

    requested_due = forms.DateField(
        label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, deadline, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def clean(self):
        cleaned = super().clean()
        requested_due, reason = cleaned.get("requested_due"), cleaned.get("reason")
        if requested_due is not None and reason is not None:
            try:
                self.deadline.validate_extension(requested_due, reason=reason)
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Do not approve"))]
    )
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Give the reason for not approving the request."))
        return cleaned


class CalendarCorrectionForm(forms.ModelForm):
    """One day that differs from the official calendar: a day off or a make-up working day."""

    is_working_day = forms.TypedChoiceField(
        label=_("The day is"),
        choices=[("0", _("a day off")), ("1", _("a working day (调休)"))],
        coerce=lambda value: value == "1",
    )

    class Meta:
        model = CalendarCorrection
        fields = ["day", "is_working_day", "note"]
        widgets = {"day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_day(self):
        day = self.cleaned_data["day"]
        if not MIN_CALENDAR_YEAR <= day.year <= MAX_CALENDAR_YEAR:
            raise ValidationError(
                _("Enter a date between %(first)s and %(last)s.")
                % {"first": MIN_CALENDAR_YEAR, "last": MAX_CALENDAR_YEAR}
            )
        if CalendarCorrection.objects.filter(day=day).exists():
            raise ValidationError(_("This day is corrected already; delete that correction to change it."))
        return day

    def clean(self):
        cleaned = super().clean()
        day, working = cleaned.get("day"), cleaned.get("is_working_day")
        if day is not None and working is not None and is_working_day(day) == working:
            message = (
                _("The calendar already has this day as a working day.")
                if working
                else _("The calendar already has this day as a day off.")
            )
            self.add_error("is_working_day", message)
        return cleaned


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=MIN_CALENDAR_YEAR, max_value=MAX_CALENDAR_YEAR)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year_is_covered(year):
            raise ValidationError(_("The holiday arrangement of %(year)s is already known.") % {"year": year})
        return year
