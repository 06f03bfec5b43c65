"""Forms of the reply letter's pages: the secretariat's letter template and the signed scan."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.fields import SingleLineFieldsMixin
from workflows.documents.models import LetterTemplate


class LetterTemplateForm(SingleLineFieldsMixin, forms.ModelForm):
    """The model's validators check the number pattern and the placeholders (in Chinese)."""

    class Meta:
        model = LetterTemplate
        fields = ["number_pattern", "opening", "closing", "contact_person", "contact_phone", "copy_to"]
        widgets = {
            "opening": forms.Textarea(attrs={"rows": 4}),
            "closing": forms.Textarea(attrs={"rows": 3}),
            "copy_to": forms.Textarea(attrs={"rows": 3}),
        }


class LetterScanForm(forms.Form):
    scan = forms.FileField(label=_("Signed and sealed scan (PDF, JPEG or PNG)"))
