from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import generic
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.access import CountedPaginator, ListPaginator, is_secretariat, require_secretariat
from accounts.audit import audit_timeline
from tasks.duties import access, assignment, steps
from tasks.duties.flows import DutyFlow
from tasks.duties.forms import DutyFilterForm, TableAssignForm
from tasks.duties.models import Duty
from workflows.desk.inbox import tasks_inbox_for_user, tasks_queue_for_user
from workflows.desk.steps import one_click
from workflows.escalation.access import deadlines_for_user
from workflows.escalation.lights import light_worst, lights_of, with_light


class DutyGridView(LoginRequiredMixin, generic.ListView):
    """The duty grid: the rows of the duty tables the user may see, as the spreadsheet reads
    (序号 / 重点任务 / 具体措施 / 牵头单位 / 配合单位 / 完成时限), with status and light."""

    template_name = "duties/duty_list.html"
    context_object_name = "duties"
    paginate_by = 30  # as the desk
    table = None

    def base_queryset(self, unordered=False):
        return access.duties_for_user(self.request.user, unordered=unordered)

    def get_queryset(self):
        user = self.request.user
        self.filter_form = DutyFilterForm(self.request.GET, tables=access.tables_for_user(user))
        self.filters = self.filter_form.filters(self.request)
        duties = self.filtered(self.base_queryset())
        duties = duties.order_by(*DutyFilterForm.SORTS[self.filters.get("sort", "sequence")])
        return duties.select_related("table", "lead").prefetch_related("cooperating")

    def filtered(self, duties):
        filters = self.filters
        if "q" in filters:
            duties = duties.filter(Q(title__contains=filters["q"]) | Q(measures__contains=filters["q"]))
        if "table" in filters:
            duties = duties.filter(table=filters["table"])
        if "department" in filters:
            department = filters["department"]
            cooperates = Duty.cooperating.through.objects.filter(
                duty_id=OuterRef("pk"), department=department
            )
            duties = duties.filter(Q(lead=department) | Exists(cooperates))
        if "status" in filters:
            duties = duties.filter(status=filters["status"])
        if "light" in filters:
            # a light filter needs the light of every matching duty: one subquery in the same query
            duties = with_light(duties, self.request.user).filter(light=filters["light"])
        return duties

    def get_paginator(self, queryset, per_page, **kwargs):
        counted = self.filtered(self.base_queryset(unordered=True))
        return CountedPaginator(queryset, per_page, count_list=counted, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # the light of the rows shown only: a subquery per duty of the whole list otherwise
        shown = context["object_list"]
        lights = lights_of(shown, self.request.user)
        statuses = {value: str(label) for value, label in Duty.Status.choices}  # once, not per row
        for duty in shown:
            duty.light = lights[duty.pk]
            duty.status_label = statuses[duty.status]
            duty.cooperating_names = "、".join(str(department) for department in duty.cooperating.all())
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=self.filter_form,
            query=query.urlencode(),
            table=self.table,
            is_secretariat=is_secretariat(self.request.user),
            # row links from one reverse(), not one per row
            # the table filter's options, newest first, as plain pairs (no model per table)
            table_choices=self.filter_form.fields["table"]
            .queryset.order_by("-issued_on", "-pk")
            .values_list("pk", "title"),
            department_choices=self.filter_form.fields["department"].queryset.values_list("pk", "short_name"),
            detail_base=reverse("duties:duty_detail", args=[0]).removesuffix("0/"),
        )
        return context


class DutyTableListView(LoginRequiredMixin, generic.ListView):
    template_name = "duties/table_list.html"
    context_object_name = "tables"
    paginate_by = 30
    paginator_class = ListPaginator

    def get_queryset(self):
        return (
            access.tables_for_user(self.request.user).select_related("meeting").order_by("-issued_on", "-pk")
        )


class DutyTableView(DutyGridView):
    """One duty table as a grid, with the secretariat's 交办 of its drafts."""

    template_name = "duties/table_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.table = access.table_get_for_user(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self, unordered=False):
        return super().base_queryset(unordered).filter(table=self.table)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["is_secretariat"]:
            context["drafts"] = self.table.duties.filter(status=Duty.Status.DRAFT).count()
            context["assign_form"] = TableAssignForm()
        return context


@login_required
@require_POST
def table_assign(request, pk):
    """交办 of every draft duty of a table."""
    require_secretariat(request.user)
    table = access.table_get_for_user(request.user, pk)
    form = TableAssignForm(request.POST)
    form.is_valid()
    count = assignment.duty_table_assign(
        table=table,
        actor=request.user,
        leader_confirmation=form.cleaned_data.get("leader_confirmation", False),
    )
    if count:
        messages.success(request, _("%(count)d duties assigned.") % {"count": count})
    else:
        messages.warning(request, _("No duty of this table is waiting to be assigned."))
    return redirect("duties:table_detail", pk=table.pk)


@login_required
@require_POST
def duty_assign(request, pk):
    """交办 of one draft duty."""
    require_secretariat(request.user)
    duty = access.duty_get_for_user(request.user, pk)
    if duty.status != Duty.Status.DRAFT:
        messages.error(request, _("This duty has already been assigned."))
        return redirect(duty)
    form = TableAssignForm(request.POST)
    form.is_valid()
    assignment.duty_assign(
        duty=duty, actor=request.user, leader_confirmation=form.cleaned_data.get("leader_confirmation", False)
    )
    messages.success(request, _("Assigned to %s.") % duty.lead)
    return redirect(duty)


class DutyDetailView(LoginRequiredMixin, generic.DetailView):
    template_name = "duties/duty_detail.html"
    context_object_name = "duty"

    def get_object(self, queryset=None):
        return access.duty_get_for_user(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        duty, user = self.object, self.request.user
        processes = duty.processes()
        tasks = (
            Task.objects.filter(process__in=processes, flow_task_type="HUMAN")
            .exclude(status=STATUS.CANCELED)
            .select_related("owner", "process")
            .order_by("created", "pk")
        )
        deadlines = list(
            deadlines_for_user(user)
            .for_subject(duty)
            .select_related("task", "department")
            .prefetch_related("notices", "extensions__requested_by")
            .order_by("opened_at", "pk")
        )
        mine = set(tasks_inbox_for_user(user).filter(process__in=processes).values_list("pk", flat=True))
        takeable = set(tasks_queue_for_user(user).filter(process__in=processes).values_list("pk", flat=True))
        return super().get_context_data(
            tasks=tasks,
            my_task_ids=mine,
            takeable_task_ids=takeable,
            deadlines=deadlines,
            light=light_worst(deadlines),
            reports=duty.reports.select_related("submitted_by", "head_by", "decided_by", "confirmed_by")
            .prefetch_related("attachments")
            .order_by("kind", "period_start", "pk"),
            inputs=duty.cooperation_inputs.select_related("department", "submitted_by").prefetch_related(
                "attachments"
            ),
            reassignment_requests=duty.reassignment_requests.select_related("department", "requested_by"),
            timeline=audit_timeline(duty, user),
            is_secretariat=is_secretariat(user),
            assign_form=TableAssignForm(),
            **kwargs,
        )


@login_required
def attachment_download(request, pk):
    """An attachment, only for those who may see its duty (others get 404)."""
    attachment = access.attachment_get_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


@login_required
def sign_for(request, task_pk):
    """签收 from the desk or the duty page in one click (POST): take and complete the step."""
    return one_click(
        request,
        task_pk=task_pk,
        node=DutyFlow.sign_for,
        complete=steps.sign_for_complete,
        success_message=_("Signed for."),
    )
