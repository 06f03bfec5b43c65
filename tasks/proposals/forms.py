from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.fields import LimitedCharField, QueryFilterForm, SingleLineFieldsMixin
from accounts.models import Department
from tasks.proposals.models import ContactRecord, Evaluation, Proposal, Proposer, Reply
from workflows.documents.uploads import AttachmentsField

LONG_TEXT = 50_000


class AttachmentUploadForm(forms.Form):
    """The secretariat adds attachments on the proposal's page."""

    files = AttachmentsField(required=True)


class ProposalRegisterForm(SingleLineFieldsMixin, forms.Form):
    """登记并交办: register a suggestion or proposal and assign it in one step."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Proposal.Kind.choices)
    session = LimitedCharField(label=_("Session"), max_length=60)
    sitting = LimitedCharField(label=_("Sitting"), max_length=60, required=False)
    number = LimitedCharField(label=_("Number"), max_length=20)
    title = LimitedCharField(label=_("Title"), max_length=300)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea)
    proposer_names = LimitedCharField(
        label=_("Proposers"),
        max_length=500,
        help_text=_("The lead proposer first; separate joint proposers with 、 or commas."),
    )
    received_on = forms.DateField(
        label=_("Date received"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    mode = forms.ChoiceField(
        label=_("Handling"), choices=Proposal.Mode.choices, initial=Proposal.Mode.LEAD, required=False
    )
    lead = forms.ModelChoiceField(label=_("Lead handler"), queryset=Department.objects.filter(is_active=True))
    co_handlers = forms.ModelMultipleChoiceField(
        label=_("Co-handlers"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
    )
    is_public = forms.BooleanField(label=_("To be disclosed"), required=False, initial=True)
    attachments = AttachmentsField()

    def clean_proposer_names(self):
        raw = self.cleaned_data["proposer_names"]
        for separator in ("、", "，", ";", "；"):
            raw = raw.replace(separator, ",")
        names = [Proposer.name_without_title(name) for name in raw.split(",") if name.strip()]
        if not names:
            raise forms.ValidationError(_("Enter at least one proposer."))
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("A proposer is listed twice."))
        return names

    def clean_mode(self):
        return self.cleaned_data["mode"] or Proposal.Mode.LEAD

    def clean(self):
        cleaned = super().clean()
        lead, co_handlers = cleaned.get("lead"), cleaned.get("co_handlers")
        if lead and co_handlers and lead in co_handlers:
            self.add_error("co_handlers", _("The lead handler cannot also be a co-handler."))
        if cleaned.get("mode") == Proposal.Mode.SPLIT and not co_handlers:
            self.add_error("co_handlers", _("Split handling needs at least one more unit."))
        kind, session, number = cleaned.get("kind"), cleaned.get("session"), cleaned.get("number")
        sitting = cleaned.get("sitting") or ""
        if (
            kind
            and session
            and number
            and Proposal.objects.filter(kind=kind, session=session, sitting=sitting, number=number).exists()
        ):
            self.add_error("number", _("This number is already registered for the session."))
        return cleaned


class SignForForm(forms.Form):
    """签收 needs no input: the officer confirms the department accepts the proposal."""


class OpinionForm(forms.Form):
    text = forms.CharField(
        label=_("Opinion"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 10})
    )


class DraftForm(SingleLineFieldsMixin, forms.Form):
    category = forms.ChoiceField(
        label=_("Result category"), choices=[("", "—"), *Reply.Category.choices], required=False
    )
    text = forms.CharField(
        label=_("Reply"), max_length=LONG_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 18})
    )
    contact_person = LimitedCharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = LimitedCharField(label=_("Contact telephone"), max_length=30, required=False)
    cc = LimitedCharField(label=_("Copy to"), max_length=300, required=False)


class DecisionForm(forms.Form):
    """Approve (签发 / 发出) or return with comments; a return needs the comments."""

    APPROVE, RETURN = "approve", "return"

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comments"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, approve_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            (self.APPROVE, approve_label),
            (self.RETURN, _("Return with comments")),
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.RETURN and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Say what to change when returning the draft."))
        return cleaned


class ContactForm(SingleLineFieldsMixin, forms.ModelForm):
    class Meta:
        model = ContactRecord
        fields = ["contacted_on", "way", "person", "view"]
        widgets = {"contacted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReassignmentRequestForm(ReasonForm):
    suggested = LimitedCharField(label=_("Suggested department"), max_length=100, required=False)


class ReassignmentDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Reassign")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    department = forms.ModelChoiceField(
        label=_("New department"), queryset=Department.objects.filter(is_active=True), required=False
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "approve" and not cleaned.get("department"):
            self.add_error("department", _("Choose the department that takes the proposal over."))
        if cleaned.get("decision") == "refuse" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Give the reason for refusing the request."))
        return cleaned


class EvaluationForm(forms.Form):
    """征询意见表: 办理态度 and 办理结果, each 满意 / 基本满意 / 不满意, with a comment."""

    attitude = forms.ChoiceField(
        label=_("Handling attitude"), choices=Evaluation.Rating.choices, widget=forms.RadioSelect
    )
    result = forms.ChoiceField(
        label=_("Handling result"), choices=Evaluation.Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class PaperEvaluationForm(EvaluationForm):
    """The secretariat types in a returned paper 征询意见表."""

    proposer = forms.ModelChoiceField(label=_("Proposer"), queryset=Proposer.objects.none())

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposer"].queryset = proposal.proposers.all()
        self.order_fields(["proposer"])


class ProposalFilterForm(QueryFilterForm):
    """What the proposal list reads from its URL: a search, the kind, the status and the order."""

    SORTS = {
        "-registered_at": ("-registered_at", "-pk"),
        "number": ("number", "pk"),
        "sign_for_deadline": ("sign_for_deadline", "pk"),
    }

    q = forms.CharField(label=_("Number or title"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", ""), *Proposal.Kind.choices], required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", ""), *Proposal.Status.choices], required=False
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[
            ("-registered_at", _("Latest registered first")),
            ("number", _("By number")),
            ("sign_for_deadline", _("By sign-for deadline")),
        ],
        required=False,
    )
