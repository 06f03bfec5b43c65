from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.workflow.status import STATUS

from accounts.audit import audit_timeline
from accounts.models import Role
from workflows import access, services
from workflows.forms import ProposalRegisterForm, SignForForm
from workflows.models import Proposal


def _flow_classes():
    from workflows.flows import ProposalFlow

    return [ProposalFlow]


class HomeView(LoginRequiredMixin, generic.TemplateView):
    """The user's inbox: tasks assigned to them and their department's unclaimed tasks."""

    template_name = "workflows/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        flows = _flow_classes()
        return super().get_context_data(
            my_tasks=_with_proposals(access.tasks_inbox_for_user(user, flows)),
            queue_tasks=_with_proposals(access.tasks_queue_for_user(user, flows)),
            **kwargs,
        )


def _with_proposals(tasks):
    """Task rows with their proposal and its lead department, in a fixed number of queries."""
    return list(
        tasks.select_related("process")
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
        return (
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
        return super().get_context_data(tasks=tasks, timeline=audit_timeline(self.object), **kwargs)


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
