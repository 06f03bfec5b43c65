from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import generic
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.access import (
    CountedPaginator,
    SecretariatRequiredMixin,
    departments_of,
    is_secretariat,
    require_secretariat,
    sees_everything,
)
from accounts.audit import audit_timeline
from tasks.proposals import access, assignment, attachments, evaluations, services, steps
from tasks.proposals.flows import ProposalFlow
from tasks.proposals.forms import (
    AttachmentUploadForm,
    ContactForm,
    EvaluationForm,
    PaperEvaluationForm,
    ProposalFilterForm,
    ProposalRegisterForm,
    ReasonForm,
    ReassignmentDecisionForm,
    ReassignmentRequestForm,
)
from tasks.proposals.letters import letters_by_reply
from tasks.proposals.models import (
    CoHandlingOpinion,
    Evaluation,
    Proposal,
    Proposer,
    ReassignmentRequest,
    Reply,
)
from tasks.proposals.similar import proposals_similar
from workflows.desk.inbox import tasks_inbox_for_user, tasks_queue_for_user
from workflows.desk.steps import one_click
from workflows.escalation.access import deadlines_for_user
from workflows.escalation.lights import light_worst, lights_of


class ProposalListView(LoginRequiredMixin, generic.ListView):
    template_name = "proposals/proposal_list.html"
    context_object_name = "proposals"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = ProposalFilterForm(self.request.GET)
        self.filters = self.filter_form.filters(self.request)
        proposals = self.filtered(access.proposals_for_user(self.request.user))
        proposals = proposals.order_by(*ProposalFilterForm.SORTS[self.filters.get("sort", "-registered_at")])
        return proposals.select_related("lead_department").prefetch_related("proposers")

    def filtered(self, proposals):
        filters = self.filters
        if "q" in filters:
            proposals = proposals.filter(Q(number=filters["q"]) | Q(title__contains=filters["q"]))
        for field in ("kind", "status"):
            if field in filters:
                proposals = proposals.filter(**{field: filters[field]})
        return proposals

    def get_paginator(self, queryset, per_page, **kwargs):
        # counted in the form PostgreSQL reads fastest whole (see ``scoped_for_user``)
        counted = self.filtered(access.proposals_for_user(self.request.user, unordered=True))
        return CountedPaginator(queryset, per_page, count_list=counted, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # the light of the rows shown only: working it out before the page is cut costs a
        # subquery per proposal of the whole list
        shown = context["object_list"]
        lights = lights_of(shown, self.request.user)
        # labels once a page: get_FOO_display rebuilds the field's choices at every call
        kinds = {value: str(label) for value, label in Proposal.Kind.choices}
        statuses = {value: str(label) for value, label in Proposal.Status.choices}
        for proposal in shown:
            proposal.light = lights[proposal.pk]
            proposal.kind_label, proposal.status_label = kinds[proposal.kind], statuses[proposal.status]
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
        replies = list(
            self.object.replies.select_related("department", "submitted_by", "signed_off_by", "released_by")
            .prefetch_related("contacts", "opinions__department")
            .order_by("round", "pk")
        )
        letters = letters_by_reply(replies)
        for reply in replies:
            reply.letter_issued = letters.get(reply.pk, {}).get(False)
            reply.private_visible = access.reply_private_visible(user, reply) and (
                sees_everything(user) or reply.department_id in departments_of(user)
            )
            reply.text_visible = access.reply_private_visible(user, reply)
            reply.is_mine = user.department_id == reply.department_id
        return super().get_context_data(
            replies=replies,
            opinions=self.object.opinions.select_related("department", "given_by"),
            evaluations=self.object.evaluations.select_related("proposer"),
            is_secretariat=is_secretariat(user),
            attachment_form=AttachmentUploadForm() if is_secretariat(user) else None,
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
        if request.user.is_authenticated and not access.proposal_registers(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        """Before registering, the similar proposals of the session are shown once: the
        secretariat may take one's departments (same_as), merge with one (merge_into, 并案) or
        register as typed."""
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        data = form.cleaned_data
        similar = proposals_similar(session=data["session"], title=data["title"], content=data["content"])
        chosen = {proposal.pk: proposal for proposal in similar}
        if request.POST.get("same_as", "").isdigit() and int(request.POST["same_as"]) in chosen:
            model = chosen[int(request.POST["same_as"])]
            changed = request.POST.copy()
            changed["lead"] = model.lead_department_id
            changed.setlist(
                "co_handlers", [str(pk) for pk in model.co_departments.values_list("pk", flat=True)]
            )
            changed["similar_seen"] = "1"
            messages.info(
                request, _("The departments of No. %(number)s are filled in.") % {"number": model.number}
            )
            return self.render_to_response(
                self.get_context_data(form=self.form_class(data=changed), similar=similar)
            )
        if request.POST.get("merge_into", "").isdigit() and int(request.POST["merge_into"]) in chosen:
            return self.form_valid(form, merged_into=chosen[int(request.POST["merge_into"])])
        if similar and not request.POST.get("similar_seen"):
            return self.render_to_response(self.get_context_data(form=form, similar=similar))
        return self.form_valid(form)

    @transaction.atomic
    def form_valid(self, form, merged_into=None):
        data = form.cleaned_data
        lead, co_handlers = data["lead"], list(data["co_handlers"])
        if merged_into is not None:  # 并案: handled by the departments of the proposal merged into
            lead, co_handlers = merged_into.lead_department, list(merged_into.co_departments.all())
        proposal = services.proposal_register(
            **services.registration_arguments(data), merged_into=merged_into, actor=self.request.user
        )
        attachments.attachments_add(proposal=proposal, files=data["attachments"], user=self.request.user)
        assignment.proposal_assign(
            proposal=proposal, lead=lead, co_handlers=co_handlers, actor=self.request.user
        )
        messages.success(self.request, _("Registered and assigned to %s.") % lead)
        return redirect(proposal)


@login_required
@require_POST
def attachment_add(request, pk):
    """The secretariat adds attachments on the proposal's page; a refused upload changes nothing."""
    require_secretariat(request.user)
    proposal = get_object_or_404(Proposal, pk=pk)
    form = AttachmentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        added = attachments.attachments_add(
            proposal=proposal, files=form.cleaned_data["files"], user=request.user
        )
        messages.success(request, _("%(count)d attachment(s) added.") % {"count": len(added)})
    else:
        for error in form.errors["files"]:
            messages.error(request, error)
    return redirect(proposal)


@login_required
def attachment_download(request, pk):
    """An attachment, only for those who may see its proposal (others get 404)."""
    attachment = access.attachment_get_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


@login_required
def sign_for(request, task_pk):
    """签收 from the desk or the proposal page in one click (POST): take and complete the step."""
    return one_click(
        request,
        task_pk=task_pk,
        node=ProposalFlow.sign_for,
        complete=steps.sign_for_complete,
        success_message=_("Signed for."),
    )


def _errors_to_form(form, exc):
    form.add_error(None, exc)


class ContactAddView(LoginRequiredMixin, generic.FormView):
    """沟通联系: the handling department records its contact with the proposer."""

    template_name = "proposals/contact_form.html"
    form_class = ContactForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.reply = access.reply_get_for_department(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(reply=self.reply, proposal=self.reply.proposal, **kwargs)

    def form_valid(self, form):
        try:
            services.contact_record(reply=self.reply, user=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Contact recorded."))
        return redirect(self.reply.proposal)


class ReassignmentRequestView(LoginRequiredMixin, generic.FormView):
    """申请调整: within the sign-for window, with a reason."""

    template_name = "proposals/reassignment_request.html"
    form_class = ReassignmentRequestForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.reply = access.reply_get_for_department(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(reply=self.reply, proposal=self.reply.proposal, **kwargs)

    def form_valid(self, form):
        try:
            assignment.reassignment_request(reply=self.reply, user=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The reassignment request has been sent to the secretariat."))
        return redirect(self.reply.proposal)


class SecretariatWorkView(SecretariatRequiredMixin, generic.TemplateView):
    """What waits on the secretariat: reassignment requests, awaited opinions it may waive,
    replies to review and release, replies awaiting the proposers' evaluations."""

    template_name = "proposals/secretariat_work.html"
    paginate_by = 25

    def page(self, queryset, parameter):
        page = Paginator(queryset, self.paginate_by).get_page(self.request.GET.get(parameter))
        page.parameter = parameter
        query = self.request.GET.copy()
        query.pop(parameter, None)
        page.query = query.urlencode()
        return page

    def get_context_data(self, **kwargs):
        review = ProposalFlow.review
        return super().get_context_data(
            requests=self.page(
                ReassignmentRequest.objects.filter(status=ReassignmentRequest.Status.PENDING)
                .select_related("proposal", "department", "requested_by")
                .order_by("requested_at", "pk"),
                "requests",
            ),
            opinions=self.page(
                CoHandlingOpinion.objects.filter(
                    status=CoHandlingOpinion.Status.PENDING, reply__status=Reply.Status.DRAFTING
                )
                .select_related("proposal", "department", "reply__department")
                .order_by("due", "pk"),
                "opinions",
            ),
            reviews=self.page(
                Task.objects.filter(flow_task=review, status__in=[STATUS.NEW, STATUS.ASSIGNED])
                .select_related("process__proposal_reply__proposal", "process__proposal_reply__department")
                .order_by("created", "pk"),
                "reviews",
            ),
            evaluations=self.page(
                Proposal.objects.filter(status=Proposal.Status.REPLIED)
                .select_related("lead_department")
                .order_by("pk"),
                "evaluations",
            ),
            **kwargs,
        )


class ReassignmentDecideView(SecretariatRequiredMixin, generic.FormView):
    template_name = "proposals/reassignment_decide.html"
    form_class = ReassignmentDecisionForm

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(
            ReassignmentRequest.objects.select_related("proposal", "department"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(request_=self.object, proposal=self.object.proposal, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            assignment.reassignment_decide(
                request=self.object,
                approve=data["decision"] == "approve",
                department=data["department"],
                note=data["note"],
                user=self.request.user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Decision recorded."))
        return redirect("proposals:secretariat_work")


class OpinionWaiveView(SecretariatRequiredMixin, generic.FormView):
    """免予协办意见: the lead may reply without this co-handler's opinion."""

    template_name = "proposals/opinion_waive.html"
    form_class = ReasonForm

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(
            CoHandlingOpinion.objects.select_related("proposal", "department", "reply__process"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(opinion=self.object, proposal=self.object.proposal, **kwargs)

    def form_valid(self, form):
        try:
            steps.opinion_waive_complete(
                opinion=self.object, user=self.request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, Task.DoesNotExist) as exc:
            _errors_to_form(
                form, exc if isinstance(exc, ValidationError) else _("This opinion is no longer awaited.")
            )
            return self.form_invalid(form)
        messages.success(self.request, _("The opinion has been waived."))
        return redirect(self.object.proposal)


class EvaluationRecordView(SecretariatRequiredMixin, generic.FormView):
    """征询意见表: the secretariat types in a paper form, or sends a proposer a personal link."""

    template_name = "proposals/evaluation_record.html"
    form_class = PaperEvaluationForm

    def dispatch(self, request, *args, **kwargs):
        self.proposal = get_object_or_404(Proposal, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "proposal": self.proposal}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            proposal=self.proposal,
            proposers=self.proposal.proposers.all(),
            evaluations=self.proposal.evaluations.select_related("proposer"),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            evaluations.evaluation_record(
                proposer=data["proposer"],
                attitude=data["attitude"],
                result=data["result"],
                comment=data["comment"],
                source=Evaluation.Source.PAPER,
                user=self.request.user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Evaluation recorded."))
        return redirect(self.proposal)


@login_required
@require_POST
def evaluation_link(request, pk):
    """A personal evaluation link for one proposer, shown once to the secretariat to send."""
    require_secretariat(request.user)
    proposer = get_object_or_404(Proposer.objects.select_related("proposal"), pk=pk)
    try:
        _invite, path = evaluations.evaluation_link_send(proposer=proposer, user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("Send this personal link to %(name)s: %(url)s")
            % {"name": proposer.name, "url": request.build_absolute_uri(path)},
        )
    return redirect("proposals:evaluation_record", proposer.proposal_id)


def evaluate(request, token):
    """The proposer's evaluation form from a personal link: no login, one use, until it expires."""
    try:
        invite = evaluations.evaluation_invite_read(token)
    except ValidationError as exc:
        return render(request, "proposals/evaluate.html", {"refused": exc.messages[0]})
    form = EvaluationForm(request.POST or None)
    context = {"proposer": invite.proposer, "proposal": invite.proposer.proposal, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            evaluations.evaluation_by_link(token=token, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "proposals/evaluate.html", {"thanks": True})
    return render(request, "proposals/evaluate.html", context)


@login_required
def follow_up_open(request, pk):
    """跟踪答复: the handling department or the secretariat opens a follow-up of a B or C reply."""
    reply = get_object_or_404(access.replies_for_user(request.user).select_related("proposal"), pk=pk)
    if not (is_secretariat(request.user) or request.user.department_id == reply.department_id):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        assignment.follow_up_open(reply=reply, user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("A follow-up reply has been opened."))
    return redirect(reply.proposal)
