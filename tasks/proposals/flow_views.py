"""The views of the proposal flow's human steps: each validates a form, calls a service and
completes its step; a refused form keeps what was typed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views import generic

from accounts.access import is_secretariat
from tasks.proposals import services
from tasks.proposals.forms import DecisionForm, DraftForm, OpinionForm, SignForForm
from tasks.proposals.letters import letter_panel
from tasks.proposals.models import CoHandlingOpinion


class StepView(generic.FormView):
    success_message = _("Done.")

    @property
    def reply(self):
        return self.request.activation.process.proposal_reply

    def get_context_data(self, **kwargs):
        reply = self.reply
        return super().get_context_data(
            proposal=reply.proposal,
            reply=reply,
            task=self.request.activation.task,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            self.write(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        self.request.activation.execute()
        messages.success(self.request, self.success_message, fail_silently=True)
        return HttpResponseRedirect(self.reply.proposal.get_absolute_url())


class LetterStepView(StepView):
    """A step of the reply's own department or the secretariat: the letter's preview and its
    核稿 findings are shown beside the reply."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            is_secretariat=is_secretariat(self.request.user), **letter_panel(self.reply), **kwargs
        )


class SignForView(StepView):
    """签收: the department accepts the proposal."""

    form_class = SignForForm
    template_name = "proposals/proposal_sign_for.html"
    success_message = _("Signed for.")

    def write(self, form):
        reply = self.reply
        services.proposal_sign_for(proposal=reply.proposal, user=self.request.user, reply=reply)


class OpinionView(StepView):
    """协办意见: the co-handler writes its opinion to the lead department."""

    form_class = OpinionForm
    template_name = "proposals/opinion_form.html"
    success_message = _("The opinion has been sent to the lead department.")

    @property
    def opinion(self):
        return CoHandlingOpinion.objects.select_related("department", "reply__department").get(
            pk=self.request.activation.task.data["opinion"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(opinion=self.opinion, **kwargs)

    def write(self, form):
        services.opinion_give(opinion=self.opinion, text=form.cleaned_data["text"], user=self.request.user)


class DraftView(LetterStepView):
    """拟稿: the reply from the pre-filled template, its category and the letter's fields. "Save"
    keeps the draft; "Submit" sends it to the head once the opinions and a contact are in."""

    form_class = DraftForm
    template_name = "proposals/reply_draft.html"
    success_message = _("The reply has been sent to the head for sign-off.")

    def get_initial(self):
        reply = self.reply
        return {
            "category": reply.category,
            "text": reply.text or services.reply_template_text(reply),
            "contact_person": reply.contact_person or self.request.user.get_full_name(),
            "contact_phone": reply.contact_phone,
            "cc": reply.cc,
        }

    def get_context_data(self, **kwargs):
        reply = self.reply
        return super().get_context_data(
            opinions=reply.opinions.select_related("department"),
            contacts=reply.contacts.all(),
            problems=services.reply_submit_problems(reply),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        services.reply_save(
            reply=self.reply,
            user=self.request.user,
            text=data["text"],
            category=data["category"],
            contact_person=data["contact_person"],
            contact_phone=data["contact_phone"],
            cc=data["cc"],
        )
        if self.request.POST.get("action") != "submit":
            messages.success(self.request, _("Draft saved."))
            return HttpResponseRedirect(self.request.get_full_path())
        return super().form_valid(form)

    def write(self, form):
        services.reply_submit(reply=self.reply, user=self.request.user)


class SignOffView(LetterStepView):
    """签发: the department's head signs the reply off, or returns it with comments."""

    template_name = "proposals/reply_sign_off.html"
    success_message = _("Decision recorded.")

    def get_form(self, form_class=None):
        return DecisionForm(approve_label=_("Sign off"), **self.get_form_kwargs())

    def write(self, form):
        services.reply_sign_off(
            reply=self.reply,
            user=self.request.user,
            approve=form.cleaned_data["decision"] == DecisionForm.APPROVE,
            comment=form.cleaned_data["comment"],
        )


class ReviewView(LetterStepView):
    """核稿: the secretariat releases the reply, or returns it with comments."""

    template_name = "proposals/reply_review.html"
    success_message = _("Decision recorded.")

    def get_form(self, form_class=None):
        return DecisionForm(approve_label=_("Release"), **self.get_form_kwargs())

    def write(self, form):
        services.reply_review(
            reply=self.reply,
            user=self.request.user,
            release=form.cleaned_data["decision"] == DecisionForm.APPROVE,
            comment=form.cleaned_data["comment"],
        )
