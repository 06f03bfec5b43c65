from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.audit import audit_timeline
from accounts.models import Role
from tasks.proposals import access, assignment, services, steps
from tasks.proposals.flows import ProposalFlow
from tasks.proposals.forms import ProposalFilterForm, ProposalRegisterForm
from tasks.proposals.models import Proposal
from workflows.desk.inbox import task_workable_by, tasks_inbox_for_user, tasks_queue_for_user
from workflows.escalation.access import deadlines_for_user
from workflows.escalation.lights import light_worst, with_light


class ProposalListView(LoginRequiredMixin, generic.ListView):
    template_name = "proposals/proposal_list.html"
    context_object_name = "proposals"
    paginate_by = 50

    def get_queryset(self):
        user = self.request.user
        self.filter_form = ProposalFilterForm(self.request.GET)
        filters = self.filter_form.filters(self.request)
        proposals = access.proposals_for_user(user)
        if "q" in filters:
            proposals = proposals.filter(Q(number=filters["q"]) | Q(title__contains=filters["q"]))
        for field in ("kind", "status"):
            if field in filters:
                proposals = proposals.filter(**{field: filters[field]})
        proposals = proposals.order_by(*ProposalFilterForm.SORTS[filters.get("sort", "-registered_at")])
        return proposals.select_related("lead_department").prefetch_related("proposers")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # the light of the rows shown only: working it out before the page is cut costs a
        # subquery per proposal of the whole list
        shown = context["object_list"]
        lights = dict(
            with_light(Proposal.objects.filter(pk__in=[p.pk for p in shown]), self.request.user).values_list(
                "pk", "light"
            )
        )
        for proposal in shown:
            proposal.light = lights[proposal.pk]
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter_form=self.filter_form, query=query.urlencode())
        return context


class ProposalDetailView(LoginRequiredMixin, generic.DetailView):
    template_name = "proposals/proposal_detail.html"
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
            deadlines_for_user(self.request.user)
            .for_subject(self.object)
            .select_related("task", "department")
            .prefetch_related("notices", "extensions__requested_by")
            .order_by("opened_at", "pk")
        )
        user = self.request.user
        mine = set(
            tasks_inbox_for_user(user)
            .filter(process__in=self.object.processes())
            .values_list("pk", flat=True)
        )
        takeable = set(
            tasks_queue_for_user(user)
            .filter(process__in=self.object.processes())
            .values_list("pk", flat=True)
        )
        return super().get_context_data(
            tasks=tasks,
            my_task_ids=mine,
            takeable_task_ids=takeable,
            deadlines=deadlines,
            timeline=audit_timeline(self.object, user),
            light=light_worst(deadlines),
            **kwargs,
        )


class ProposalRegisterView(LoginRequiredMixin, generic.FormView):
    """The secretariat registers a proposal and assigns it to its handlers."""

    template_name = "proposals/proposal_register.html"
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
            sitting=data["sitting"],
            number=data["number"],
            received_on=data["received_on"],
            mode=data["mode"],
            title=data["title"],
            content=data["content"],
            is_public=data["is_public"],
            proposers=[{"name": name} for name in data["proposer_names"]],
            actor=self.request.user,
        )
        assignment.proposal_assign(
            proposal=proposal,
            lead=data["lead"],
            co_handlers=list(data["co_handlers"]),
            actor=self.request.user,
        )
        messages.success(self.request, _("Registered and assigned to %s.") % data["lead"])
        return redirect(proposal)


@login_required
def sign_for(request, task_pk):
    """签收 from the desk or the proposal page in one click (POST): take and complete the step."""
    user = request.user
    task = get_object_or_404(
        Task.objects.select_related("process"), pk=task_pk, flow_task=ProposalFlow.sign_for
    )
    if not task_workable_by(user, task):  # waiting in the user's queue, or taken by them
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        steps.sign_for_complete(task=task, user=user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except FlowLockFailed:
        messages.error(request, _("The item is being updated by someone else; please try again."))
    else:
        messages.success(request, _("Signed for."))
    return redirect("proposals:proposal_detail", pk=task.process.artifact_object_id)
