from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.fields import LimitedCharField, QueryFilterForm, SingleLineFieldsMixin
from accounts.models import Department
from tasks.duties.models import Duty, DutyTable
from workflows.documents.uploads import AttachmentsField
from workflows.escalation.models import Light


class SignForForm(forms.Form):
    """签收 needs no input: the officer confirms the department accepts the duty."""


class ReassignmentRequestForm(SingleLineFieldsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))
    suggested_lead = LimitedCharField(label=_("Suggested lead department"), max_length=100, required=False)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 5:
            raise ValidationError(_("Explain in a few words why the duty should go to another department."))
        return reason


class ReassignmentDecideForm(forms.Form):
    APPROVE, REFUSE = "approve", "refuse"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve: assign it to another department")), (REFUSE, _("Refuse"))],
        widget=forms.RadioSelect,
    )
    lead = forms.ModelChoiceField(
        label=_("New lead department"), queryset=Department.objects.filter(is_active=True), required=False
    )
    cooperating = forms.ModelMultipleChoiceField(
        label=_("Cooperating departments"), queryset=Department.objects.filter(is_active=True), required=False
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, duty, **kwargs):
        super().__init__(*args, **kwargs)
        self.duty = duty
        if not self.is_bound:
            self.initial.setdefault("cooperating", list(duty.cooperating.all()))

    def clean(self):
        cleaned = super().clean()
        decision, lead = cleaned.get("decision"), cleaned.get("lead")
        if decision == self.APPROVE:
            if lead is None:
                self.add_error("lead", _("Choose the department that leads the duty from now on."))
            elif lead.pk == self.duty.lead_id:
                self.add_error("lead", _("Choose a department other than the current lead."))
            elif lead in (cleaned.get("cooperating") or ()):
                self.add_error("cooperating", _("The lead department cannot also cooperate."))
        if decision == self.REFUSE and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say why the request is refused."))
        return cleaned


class CooperationInputForm(forms.Form):
    content = forms.CharField(label=_("Input (配合意见)"), widget=forms.Textarea(attrs={"rows": 6}))
    attachments = AttachmentsField()


class ReportForm(forms.Form):
    progress = forms.CharField(label=_("Progress (进展情况)"), widget=forms.Textarea(attrs={"rows": 6}))
    problems = forms.CharField(
        label=_("Problems (存在问题)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    next_steps = forms.CharField(
        label=_("Next steps (下步计划)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    percentage = forms.IntegerField(label=_("Percentage done"), min_value=0, max_value=100)
    attachments = AttachmentsField()

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        if report.kind == report.Kind.COMPLETION:
            self.fields["progress"].label = _("What was done (办结情况)")
            del self.fields["percentage"]

    def clean(self):
        cleaned = super().clean()
        if self.report.kind == self.report.Kind.COMPLETION:
            cleaned["percentage"] = 100
            waiting = [
                str(item.department)
                for item in self.report.duty.inputs_pending().select_related("department")
            ]
            if waiting:
                raise ValidationError(
                    _("The completion report waits for the input of: %(departments)s.")
                    % {"departments": "、".join(waiting)}
                )
        return cleaned


class DecisionForm(forms.Form):
    """Approve or return, with a comment that a return must give."""

    APPROVE, RETURN = "approve", "return"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (RETURN, _("Return"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.RETURN and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Give the reason for returning it."))
        return cleaned

    @property
    def approved(self):
        return self.cleaned_data["decision"] == self.APPROVE


class ConfirmForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class TableAssignForm(forms.Form):
    """交办 of a duty table (or one duty): whether a leader confirms each completion."""

    leader_confirmation = forms.BooleanField(label=_("A leader confirms each completion"), required=False)


class DutyFilterForm(QueryFilterForm):
    """What the duty grid reads from its URL: search, table, department, status, light, order."""

    SORTS = {
        "sequence": ("table", "sequence", "pk"),
        "deadline": ("deadline", "table", "sequence", "pk"),
        "-deadline": ("-deadline", "table", "sequence", "pk"),
        "lead": ("lead__code", "table", "sequence", "pk"),
        "status": ("status", "table", "sequence", "pk"),
    }

    q = forms.CharField(label=_("Duty or measures"), max_length=100, required=False)
    table = forms.ModelChoiceField(label=_("Duty table"), queryset=DutyTable.objects.all(), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True), required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=[("", ""), *Duty.Status.choices], required=False)
    light = forms.ChoiceField(label=_("Light"), choices=[("", ""), *Light.choices], required=False)
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[
            ("sequence", _("As in the table")),
            ("deadline", _("Soonest deadline first")),
            ("-deadline", _("Latest deadline first")),
            ("lead", _("By lead department")),
            ("status", _("By status")),
        ],
        required=False,
    )

    def __init__(self, *args, tables, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["table"].queryset = tables  # only tables the user may see are offered
