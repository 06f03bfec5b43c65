from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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
