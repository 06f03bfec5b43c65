from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.fields import SingleLineFieldsMixin
from workflows.workdays.calendar import is_working_day, year_is_covered
from workflows.workdays.models import CalendarCorrection

MIN_CALENDAR_YEAR, MAX_CALENDAR_YEAR = 2000, 2100


class CalendarCorrectionForm(SingleLineFieldsMixin, forms.ModelForm):
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


class CalendarYearShownForm(forms.Form):
    """The year the calendar page shows (``?year=``)."""

    year = forms.IntegerField(label=_("Year"), min_value=MIN_CALENDAR_YEAR, max_value=MAX_CALENDAR_YEAR)


class CalendarYearForm(CalendarYearShownForm):
    """Records a year's holiday arrangement as entered in full."""

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year_is_covered(year):
            raise ValidationError(_("The holiday arrangement of %(year)s is already known.") % {"year": year})
        return year
