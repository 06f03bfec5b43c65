"""viewflow's flow pages, scoped to the processes a user may see.

Stock viewflow shows every process of a flow to anyone allowed to open the flow (viewflow issue
#505). ``ScopedFlowViewset`` runs every page through a scope function: list pages show only the
user's processes, and every URL naming a process answers 404 when the process is out of scope.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import Http404
from django.urls import URLPattern, URLResolver
from viewflow.workflow import chart
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.flow import FlowViewset, WorkflowAppViewset
from viewflow.workflow.flow.views import (
    DashboardProcessListView,
    DashboardTaskListView,
    DashboardView,
    WorkflowArchiveListView,
    WorkflowInboxListView,
    WorkflowQueueListView,
)
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.desk.inbox import tasks_inbox_for_user, tasks_queue_for_user, tasks_visible_for_user
from workflows.escalation.access import deadlines_for_user
from workflows.escalation.node import Ladder


def _guard(view, viewset, node=None):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        process_pk = kwargs.get("process_pk")
        if process_pk is not None:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not viewset.visible_processes(request.user).filter(pk=process_pk).exists():
                raise Http404
            # viewflow loads the task by its own key: it must belong to the process just checked
            task_pk = kwargs.get("task_pk")
            if task_pk is not None and not Task.objects.filter(pk=task_pk, process_id=process_pk).exists():
                raise Http404
            # a ladder timer's pages show the deadline it escalates: the deadline's rule applies
            if isinstance(node, Ladder) and not _deadline_visible(request.user, task_pk):
                raise Http404
        return view(request, *args, **kwargs)

    return guarded


def _deadline_visible(user, timer_pk):
    return deadlines_for_user(user).filter(task__leading=timer_pk).exists()


def _guard_patterns(entries, viewset, node=None):
    guarded = []
    for entry in entries:
        if isinstance(entry, URLResolver):
            # a flow includes each node's pages under the node's name
            inner = viewset.flow_node(entry.namespace) or node
            guarded.append(
                URLResolver(
                    entry.pattern,
                    _guard_patterns(entry.url_patterns, viewset, inner),
                    entry.default_kwargs,
                    entry.app_name,
                    entry.namespace,
                )
            )
        else:
            guarded.append(
                URLPattern(
                    entry.pattern, _guard(entry.callback, viewset, node), entry.default_args, entry.name
                )
            )
    return guarded


class ScopedProcessListView(DashboardProcessListView):
    def get_queryset(self):
        return self.viewset.visible_processes(self.request.user, super().get_queryset()).order_by("-created")


class ScopedTaskListView(DashboardTaskListView):
    def get_queryset(self):
        return super().get_queryset().filter(process__in=self.viewset.visible_processes(self.request.user))


class ScopedDashboardView(DashboardView):
    """The kanban dashboard, over the user's processes only."""

    def get_context_data(self, **kwargs):
        sorted_nodes, _ = chart.topsort(self.flow_class)
        tasks = self.flow_class.task_class._default_manager.filter_available(
            [self.flow_class], self.request.user
        ).filter(process__in=self.viewset.visible_processes(self.request.user))
        end_nodes = [node for node in sorted_nodes if node.task_type == "END"]
        columns = [
            {
                "node": node,
                "node_ref": get_task_ref(node),
                "tasks": tasks.filter(Q(finished__isnull=True) | Q(status=STATUS.ERROR), flow_task=node)[
                    : self.MAX_ROWS
                ],
            }
            for node in sorted_nodes
            if node.task_type in ("HUMAN", "JOB", "SUBPROCESS")
        ]
        return super(DashboardView, self).get_context_data(
            columns=columns,
            start_nodes=[
                {"node": node, "can_execute": node.can_execute(self.request.user)}
                for node in self.flow_class.instance.get_start_nodes()
            ],
            end_nodes=end_nodes,
            finished=tasks.filter(finished__isnull=False, flow_task__in=end_nodes)[: self.MAX_ROWS],
            **kwargs,
        )


class ScopedFlowViewset(FlowViewset):
    dashboard_view_class = ScopedDashboardView
    process_list_view_class = ScopedProcessListView
    task_list_view_class = ScopedTaskListView

    def __init__(self, entry, **kwargs):
        """``entry`` is the process's registry entry; its scope limits every page."""
        super().__init__(entry.flow_class, icon=entry.icon, **kwargs)
        self._entry = entry

    def visible_processes(self, user, queryset=None):
        return self._entry.visible_processes(user, queryset)

    def flow_node(self, name):
        return next((node for node in self._flow_class.instance.nodes() if node.name == name), None)

    def _get_urls(self):
        return _guard_patterns(super()._get_urls(), self)


class ScopedQueueListView(WorkflowQueueListView):
    """viewflow's queue page, through the desk's queue query (one query, not one per permission)."""

    def get_queryset(self):
        return tasks_queue_for_user(self.request.user)


class ScopedInboxListView(WorkflowInboxListView):
    def get_queryset(self):
        return tasks_inbox_for_user(self.request.user)


class ScopedArchiveListView(WorkflowArchiveListView):
    def get_queryset(self):
        return tasks_visible_for_user(self.request.user).filter(
            owner=self.request.user, finished__isnull=False
        )


class ScopedWorkflowAppViewset(WorkflowAppViewset):
    """Inbox, queue and archive across flows; bulk assign/unassign see only the user's tasks.

    Its pages show the desk's menu: the desk is where people find their work.
    """

    menu_template_name = "desk/desk_menu.html"
    queue_view_class = ScopedQueueListView
    inbox_view_class = ScopedInboxListView
    archive_view_class = ScopedArchiveListView

    def get_queryset(self, request):
        queue = tasks_queue_for_user(request.user).values("pk")
        return Task.objects.filter(Q(pk__in=queue) | Q(owner=request.user))
