"""viewflow's flow pages, scoped to the processes a user may see.

Stock viewflow shows every process of a flow to anyone allowed to open the flow (viewflow issue
#505). ``ScopedFlowViewset`` runs every page through the process's scope: every URL naming a
process answers 404 when the process is out of scope, and viewflow's list pages give way to ours
(the desk, the process's list of subjects), which are scoped by indexed joins and paginated.
"""

from functools import wraps

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import Http404
from django.urls import URLPattern, URLResolver, reverse
from django.views.generic import RedirectView
from viewflow.workflow.flow import FlowViewset, WorkflowAppViewset
from viewflow.workflow.models import Task

from workflows.desk.inbox import tasks_queue_for_user
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


class ListGivesWayView(LoginRequiredMixin, RedirectView):
    """viewflow's own lists give way to ours: its queue, inbox and archive to the desk, a flow's
    dashboard, process list and task list to the list of that process's subjects. Ours are scoped
    by indexed joins and paginated; viewflow's load per row. Its task and process pages stay."""

    viewset = None

    def get_redirect_url(self, *args, **kwargs):
        return reverse(self.viewset.list_url_name)


class ScopedFlowViewset(FlowViewset):
    dashboard_view_class = ListGivesWayView
    process_list_view_class = ListGivesWayView
    task_list_view_class = ListGivesWayView

    def __init__(self, entry, **kwargs):
        """``entry`` is the process's registry entry; its scope limits every page."""
        super().__init__(entry.flow_class, icon=entry.icon, **kwargs)
        self._entry = entry

    def visible_processes(self, user, queryset=None):
        return self._entry.visible_processes(user, queryset)

    @property
    def list_url_name(self):
        return self._entry.list_url_name

    def flow_node(self, name):
        return next((node for node in self._flow_class.instance.nodes() if node.name == name), None)

    def _get_urls(self):
        return _guard_patterns(super()._get_urls(), self)


class ScopedWorkflowAppViewset(WorkflowAppViewset):
    """Inbox, queue and archive across flows; bulk assign/unassign see only the user's tasks.

    Its pages show the desk's menu: the desk is where people find their work.
    """

    menu_template_name = "desk/desk_menu.html"
    list_url_name = "desk:index"
    queue_view_class = inbox_view_class = archive_view_class = ListGivesWayView

    def get_queryset(self, request):
        queue = tasks_queue_for_user(request.user).values("pk")
        return Task.objects.filter(Q(pk__in=queue) | Q(owner=request.user))
