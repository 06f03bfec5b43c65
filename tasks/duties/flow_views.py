"""The views of the duty flows' human steps: each validates a form, calls a service and completes
the step."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views import generic

from tasks.duties import forms, services
from tasks.duties.models import CooperationInput


class StepView(generic.FormView):
    """A step on a duty: the page shows the duty; a valid form runs ``step_done`` and the step
    completes under the process lock viewflow holds for this request."""

    success_message = _("Saved.")

    @property
    def activation(self):
        return self.request.activation

    @property
    def duty(self):
        return self.activation.process.duty

    @property
    def report(self):
        return self.activation.process.report

    def get_context_data(self, **kwargs):
        return super().get_context_data(duty=self.duty, task=self.activation.task, **kwargs)

    @transaction.atomic
    def form_valid(self, form):
        self.step_done(form)
        self.activation.execute()
        messages.success(self.request, self.success_message, fail_silently=True)
        return HttpResponseRedirect(self.duty.get_absolute_url())


class SignForView(StepView):
    """签收, or 申请调整 with a reason: the lead department's officer answers the 交办."""

    template_name = "duties/step_sign_for.html"
    form_class = forms.SignForForm
    success_message = _("Signed for.")

    def get_form_class(self):
        if self.request.method == "POST" and self.request.POST.get("action") == "reassign":
            return forms.ReassignmentRequestForm
        return forms.SignForForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if isinstance(context["form"], forms.ReassignmentRequestForm):
            context["reassign_form"], context["form"] = context["form"], forms.SignForForm()
        else:
            context["reassign_form"] = forms.ReassignmentRequestForm()
        return context

    def step_done(self, form):
        if isinstance(form, forms.ReassignmentRequestForm):
            services.duty_reassignment_request(
                duty=self.duty,
                user=self.request.user,
                reason=form.cleaned_data["reason"],
                suggested_lead=form.cleaned_data["suggested_lead"],
            )
            self.success_message = _("The reassignment request was sent to the secretariat.")
        else:
            services.duty_sign_for(duty=self.duty, user=self.request.user)


class ReassignmentDecideView(StepView):
    """The secretariat decides a reassignment request: to another lead department, or refused."""

    template_name = "duties/step_reassignment_decide.html"
    form_class = forms.ReassignmentDecideForm
    success_message = _("Decision saved.")

    def pending_request(self):
        return self.duty.reassignment_requests.get(status="pending")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "duty": self.duty}

    def get_context_data(self, **kwargs):
        return super().get_context_data(request_row=self.pending_request(), **kwargs)

    def step_done(self, form):
        data = form.cleaned_data
        services.duty_reassignment_decide(
            request=self.pending_request(),
            approve=data["decision"] == form.APPROVE,
            user=self.request.user,
            note=data["note"],
            lead=data["lead"],
            cooperating=list(data["cooperating"]),
        )


class CooperationView(StepView):
    """配合意见: a cooperating department's input to the lead."""

    template_name = "duties/step_cooperation.html"
    form_class = forms.CooperationInputForm
    success_message = _("Your input was sent to the lead department.")

    @property
    def item(self):
        return CooperationInput.objects.select_related("department").get(
            pk=self.activation.task.data["input"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.item, **kwargs)

    def step_done(self, form):
        data = form.cleaned_data
        services.cooperation_input_submit(
            item=self.item, user=self.request.user, content=data["content"], files=data["attachments"]
        )


class ReportWriteView(StepView):
    """The lead department writes a progress or completion report (again, after a return)."""

    template_name = "duties/step_report_write.html"
    form_class = forms.ReportForm
    success_message = _("Submitted to the department head for sign-off.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "report": self.report}

    def get_initial(self):
        report = self.report
        return {
            "progress": report.progress,
            "problems": report.problems,
            "next_steps": report.next_steps,
            "percentage": report.percentage,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, **kwargs)

    def step_done(self, form):
        data = form.cleaned_data
        services.report_submit(
            report=self.report,
            user=self.request.user,
            progress=data["progress"],
            problems=data["problems"],
            next_steps=data["next_steps"],
            percentage=data["percentage"],
            files=data["attachments"],
        )


class ReportSignOffView(StepView):
    """单位负责人审核: the lead department's head approves the report or returns it."""

    template_name = "duties/step_report_decide.html"
    form_class = forms.DecisionForm
    success_message = _("Decision saved.")
    heading = _("Head's review")

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, heading=self.heading, **kwargs)

    def step_done(self, form):
        services.report_sign_off(
            report=self.report,
            user=self.request.user,
            approve=form.approved,
            comment=form.cleaned_data["comment"],
        )


class ReportReviewView(ReportSignOffView):
    """The secretariat accepts the report or returns it to the lead department with a reason."""

    heading = _("Secretariat's review")

    def step_done(self, form):
        services.report_review(
            report=self.report,
            user=self.request.user,
            accept=form.approved,
            note=form.cleaned_data["comment"],
        )


class CompletionConfirmView(StepView):
    """The leader confirms the completion; the duty closes."""

    template_name = "duties/step_report_decide.html"
    form_class = forms.ConfirmForm
    success_message = _("Completion confirmed.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, heading=_("Leader's confirmation"), **kwargs)

    def step_done(self, form):
        services.report_confirm(
            report=self.report, user=self.request.user, comment=form.cleaned_data["comment"]
        )
