from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import generic
from django.views.decorators.http import require_POST
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS

from accounts.access import SecretariatRequiredMixin, is_secretariat, require_secretariat
from accounts.audit import audit_timeline
from accounts.models import Role
from workflows import access, calendar, escalation, notifications, services
from workflows.forms import (
    CalendarCorrectionForm,
    CalendarYearForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ProposalRegisterForm,
    SignForForm,
)
from workflows.models import CalendarCorrection, CalendarYear, Extension, Proposal


def _flow_classes():
    from workflows.flows import flow_classes

    return flow_classes()


class HomeView(LoginRequiredMixin, generic.TemplateView):
    """The user's inbox: tasks assigned to them and their department's unclaimed tasks."""

    template_name = "workflows/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        flows = _flow_classes()
        return super().get_context_data(
            my_tasks=_with_proposals(access.tasks_inbox_for_user(user, flows)),
            queue_tasks=_with_proposals(access.tasks_queue_for_user(user, flows)),
            uncovered_years=escalation.uncovered_deadline_years() if is_secretariat(user) else [],
            **kwargs,
        )


def _with_proposals(tasks):
    """Task rows with their proposal and its lead department, in a fixed number of queries."""
    return list(
        tasks.select_related("process", "deadline")
        .prefetch_related(
            GenericPrefetch("process__artifact", [Proposal.objects.select_related("lead_department")])
        )
        .order_by("created")
    )


class ProposalListView(LoginRequiredMixin, generic.ListView):
    template_name = "workflows/proposal_list.html"
    context_object_name = "proposals"
    paginate_by = 50

    def get_queryset(self):
        return escalation.with_light(
            access.proposals_for_user(self.request.user)
            .select_related("lead_department")
            .prefetch_related("proposers")
        )


class ProposalDetailView(LoginRequiredMixin, generic.DetailView):
    template_name = "workflows/proposal_detail.html"
    context_object_name = "proposal"

    def get_object(self, queryset=None):
        return access.proposal_get_for_user(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        tasks = (
            self.object.tasks()
            .filter(flow_task_type="HUMAN")
            .exclude(status=STATUS.CANCELED)
            .select_related("owner")
            .order_by("created")
        )
        deadlines = list(
            access.deadlines_for_user(self.request.user)
            .for_subject(self.object)
            .select_related("task", "department")
            .prefetch_related("notices", "extensions__requested_by")
            .order_by("opened_at", "pk")
        )
        return super().get_context_data(
            tasks=tasks,
            deadlines=deadlines,
            timeline=audit_timeline(self.object),
            light=escalation.light_worst(deadlines),
            **kwargs,
        )


class ProposalRegisterView(LoginRequiredMixin, generic.FormView):
    """The secretariat registers a proposal and assigns it to its handlers."""

    template_name = "workflows/proposal_register.html"
    form_class = ProposalRegisterForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            request.user.is_superuser or request.user.has_role(Role.SECRETARIAT)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @transaction.atomic
    def form_valid(self, form):
        data = form.cleaned_data
        proposal = services.proposal_register(
            kind=data["kind"],
            session=data["session"],
            number=data["number"],
            title=data["title"],
            content=data["content"],
            is_public=data["is_public"],
            proposers=[{"name": name} for name in data["proposer_names"]],
            actor=self.request.user,
        )
        services.proposal_assign(
            proposal=proposal,
            lead=data["lead"],
            co_handlers=list(data["co_handlers"]),
            actor=self.request.user,
        )
        messages.success(self.request, _("Registered and assigned to %s.") % data["lead"])
        return redirect(proposal)


class SignForView(generic.FormView):
    """签收: the lead department's officer accepts the proposal."""

    form_class = SignForForm
    template_name = "workflows/proposal_sign_for.html"
    success_message = _("Signed for.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(proposal=self.request.activation.process.proposal, **kwargs)

    def form_valid(self, form):
        services.proposal_sign_for(proposal=self.request.activation.process.proposal, user=self.request.user)
        self.request.activation.execute()
        messages.success(self.request, self.success_message, fail_silently=True)
        return HttpResponseRedirect(self.request.activation.process.proposal.get_absolute_url())


class NotificationListView(LoginRequiredMixin, generic.ListView):
    """通知: the user's messages, newest first, unread ones marked."""

    template_name = "workflows/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        return access.notifications_for_user(self.request.user)


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one message read and follow its link."""
    notification = access.notification_get_for_user(request.user, pk)
    notifications.notifications_mark_read(user=request.user, notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("desk:notification_list")


@login_required
@require_POST
def notifications_read_all(request):
    count = notifications.notifications_mark_read(user=request.user)
    messages.success(request, _("%(count)d messages marked as read.") % {"count": count})
    return redirect("desk:notification_list")


class NoticeDetailView(LoginRequiredMixin, generic.DetailView):
    """A 催办单 / 督办单 on screen, with its PDF once rendered."""

    template_name = "workflows/notice_detail.html"
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

    template_name = "workflows/extension_request.html"
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
            escalation.extension_request(
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

    template_name = "workflows/extension_list.html"
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
        escalation.extension_decide(
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


class CalendarView(SecretariatRequiredMixin, generic.FormView):
    """工作日历: the secretariat's corrections of the official calendar, and uncovered years."""

    template_name = "workflows/calendar.html"
    form_class = CalendarCorrectionForm

    def year(self):
        try:
            return int(self.request.GET.get("year", ""))
        except ValueError:
            return timezone.localdate().year

    def get_context_data(self, **kwargs):
        year = self.year()
        return super().get_context_data(
            year=year,
            years=[year - 1, year, year + 1],
            year_is_covered=calendar.year_is_covered(year),
            corrections=CalendarCorrection.objects.filter(day__year=year).select_related("created_by"),
            confirmed_years=CalendarYear.objects.select_related("confirmed_by"),
            package_years=(calendar.PACKAGE_FIRST_YEAR, calendar.PACKAGE_LAST_YEAR),
            uncovered_years=escalation.uncovered_deadline_years(),
            year_form=CalendarYearForm(initial={"year": year}),
            **kwargs,
        )

    def form_valid(self, form):
        correction = calendar.calendar_correction_add(
            day=form.cleaned_data["day"],
            is_working_day=form.cleaned_data["is_working_day"],
            note=form.cleaned_data["note"],
            actor=self.request.user,
        )
        messages.success(self.request, _("Correction saved."))
        return redirect(f"{self.request.path}?year={correction.day.year}")


@login_required
@require_POST
def calendar_correction_delete(request, pk):
    require_secretariat(request.user)
    correction = get_object_or_404(CalendarCorrection, pk=pk)
    calendar.calendar_correction_delete(correction=correction, actor=request.user)
    messages.success(request, _("Correction deleted."))
    return redirect(f"{reverse('desk:calendar')}?year={correction.day.year}")


@login_required
@require_POST
def calendar_year_confirm(request):
    require_secretariat(request.user)
    form = CalendarYearForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("desk:calendar")
    entry = calendar.calendar_year_confirm(year=form.cleaned_data["year"], actor=request.user)
    messages.success(
        request, _("The holiday arrangement of %(year)s is recorded as complete.") % {"year": entry.year}
    )
    return redirect(f"{reverse('desk:calendar')}?year={entry.year}")
