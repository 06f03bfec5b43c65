from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import generic
from django.views.decorators.http import require_POST
from viewflow.workflow.exceptions import FlowLockFailed

from accounts.access import SecretariatRequiredMixin, require_secretariat
from workflows.escalation import access, extensions
from workflows.escalation.forms import ExtensionDecisionForm, ExtensionRequestForm
from workflows.escalation.models import Extension


class NoticeDetailView(LoginRequiredMixin, generic.DetailView):
    """A 催办单 / 督办单 on screen, with its PDF once rendered."""

    template_name = "escalation/notice_detail.html"
    context_object_name = "notice"

    def get_object(self, queryset=None):
        return access.notice_get_for_user(self.request.user, self.kwargs["pk"])


@login_required
def notice_pdf(request, pk):
    notice = access.notice_get_for_user(request.user, pk)
    if not notice.pdf:
        raise Http404(_("The PDF of this notice is still being prepared."))
    return FileResponse(
        notice.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"{notice.get_kind_display()}{notice.pk}.pdf",
    )


class ExtensionRequestView(LoginRequiredMixin, generic.FormView):
    """延期申请: the responsible department asks the secretariat for a later deadline."""

    template_name = "escalation/extension_request.html"
    form_class = ExtensionRequestForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.deadline = access.deadline_get_for_user(request.user, kwargs["pk"])
            if request.user.department_id != self.deadline.department_id:
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "deadline": self.deadline}

    def get_context_data(self, **kwargs):
        return super().get_context_data(deadline=self.deadline, subject=self.deadline.subject, **kwargs)

    def form_valid(self, form):
        try:
            extensions.extension_request(
                deadline=self.deadline,
                requested_due=form.cleaned_data["requested_due"],
                reason=form.cleaned_data["reason"],
                user=self.request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The extension request has been sent to the secretariat."))
        return redirect(self.deadline.subject)


class ExtensionListView(SecretariatRequiredMixin, generic.TemplateView):
    """延期审批: requests awaiting a decision, then the latest decisions."""

    template_name = "escalation/extension_list.html"
    recent = 50

    def get_context_data(self, **kwargs):
        extensions = Extension.objects.select_related(
            "deadline__department", "deadline__task", "deadline__content_type", "requested_by", "decided_by"
        ).prefetch_related("deadline__subject")
        return super().get_context_data(
            pending=list(extensions.filter(status=Extension.Status.PENDING).order_by("requested_at")),
            decided=list(
                extensions.exclude(status=Extension.Status.PENDING).order_by("-decided_at")[: self.recent]
            ),
            form=ExtensionDecisionForm(),
            **kwargs,
        )


@login_required
@require_POST
def extension_decide(request, pk):
    require_secretariat(request.user)
    extension = get_object_or_404(Extension, pk=pk)
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("desk:extension_list")
    try:
        extensions.extension_decide(
            extension=extension,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
            user=request.user,
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("desk:extension_list")
    except FlowLockFailed:
        messages.error(request, _("The item is being updated by someone else; please try again."))
        return redirect("desk:extension_list")
    messages.success(request, _("Decision recorded."))
    return redirect("desk:extension_list")
