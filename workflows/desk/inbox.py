"""The inbox: the tasks of every registered process that a user works on.

Tasks assigned to the user, and the unclaimed tasks of the user's department that they may take.
"""

import datetime
from functools import reduce
from operator import or_

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Concat, StrIndex, Substr
from django.urls import reverse
from django.utils import timezone
from guardian.models import GroupObjectPermission, UserObjectPermission
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import User
from workflows.desk import registry
from workflows.escalation.models import Extension


def _granted(model, holder):
    """EXISTS: ``model`` (guardian's group or user object permissions) gives the task's owner
    permission on the task's object to ``holder`` (a ``Q`` on the permission row's group or user).

    The permission is matched by its codename (annotated as ``owner_codename``) within the
    object's content type, which guardian requires a permission row to share with its object: no
    join to the content types per row. PostgreSQL either probes guardian's (content type, object)
    index for each open task or hashes the holder's rows once, whichever is cheaper."""
    return Exists(
        model.objects.filter(
            holder,
            content_type=OuterRef("owner_permission_content_type"),
            object_pk=OuterRef("owner_permission_obj_pk"),
            permission__codename=OuterRef("owner_codename"),
        )
    )


def _global_permissions(user):
    """The permissions ('app.codename') the user holds on every object, in person or through a
    group, as a subquery of the queue's query rather than two queries of their own."""
    return (
        Permission.objects.filter(Q(user=user) | Q(group__user=user))
        .annotate(dotted=Concat("content_type__app_label", Value("."), "codename"))
        .values("dotted")
    )


def _visible(user):
    entries = registry.processes()
    if not entries:
        return Q(pk__in=[])
    return reduce(or_, (Q(process__in=entry.visible_processes(user)) for entry in entries))


def tasks_visible_for_user(user):
    """Tasks of the registered processes, on subjects the user may see."""
    return Task.objects.filter(process__flow_class__in=registry.flow_classes()).filter(_visible(user))


def tasks_inbox_for_user(user):
    """Tasks assigned to the user, on subjects the user may still see."""
    return tasks_visible_for_user(user).filter(owner=user, status=STATUS.ASSIGNED).select_related("process")


def tasks_queue_for_user(user):
    """Unclaimed tasks the user may take: those whose owner permission the user holds on the
    task's object (granted to their department's group), as viewflow's queue decides, in one
    query whatever the number of permission rows."""
    flows = [flow for flow in registry.flow_classes() if flow.instance.has_view_permission(user)]
    # the flows' steps rather than a join to the processes: the queue's index holds the open
    # tasks of the whole city, and the join read every process to check its flow
    steps = [node for flow in flows for node in flow.instance.nodes() if node.task_type == "HUMAN"]
    tasks = Task.objects.filter(flow_task__in=steps, flow_task_type="HUMAN", status=STATUS.NEW)
    tasks = tasks.select_related("process")
    if user.is_superuser:
        return tasks
    groups = User.groups.through.objects.filter(user_id=user.pk).values("group_id")
    codename = Substr("owner_permission", StrIndex("owner_permission", Value(".")) + 1)
    return tasks.alias(owner_codename=codename).filter(
        Q(owner_permission__isnull=True)
        | Q(owner_permission__in=_global_permissions(user))
        | Q(_granted(GroupObjectPermission, Q(group_id__in=groups)))
        | Q(_granted(UserObjectPermission, Q(user_id=user.pk)))
    )


def task_workable_by(user, task):
    """Whether ``user`` may work on ``task`` now: it waits in their queue or they took it, decided
    as ``tasks_queue_for_user`` and ``tasks_inbox_for_user`` decide, but for this one task (at
    most one indexed look-up) rather than by filtering those lists down to it."""
    try:
        entry = registry.entry_for_flow(task.flow_task.flow_class)
    except KeyError:
        return False
    if task.status == STATUS.ASSIGNED:
        return task.owner_id == user.pk and entry.visible_processes(user).filter(pk=task.process_id).exists()
    if task.status != STATUS.NEW or task.flow_task_type != "HUMAN":
        return False
    if not entry.flow_class.instance.has_view_permission(user):
        return False
    if user.is_superuser or task.owner_permission is None:
        return True
    # the literal object and permission: one probe of guardian's (content type, object) index,
    # whatever the number of rows the department holds; asked first, as it is how a department's
    # people hold their tasks (the global permissions cost two queries more)
    app_label, codename = task.owner_permission.split(".", 1)
    granted = {
        "content_type_id": task.owner_permission_content_type_id,
        "object_pk": task.owner_permission_obj_pk,
        "permission__codename": codename,
        "permission__content_type__app_label": app_label,
    }
    return (
        GroupObjectPermission.objects.filter(group__user=user, **granted).exists()
        or UserObjectPermission.objects.filter(user=user, **granted).exists()
        or task.owner_permission in user.get_all_permissions()
    )


def tasks_taken_in_department(user):
    """Tasks someone of the user's department has taken, on subjects the user may see."""
    if not user.department_id:
        return Task.objects.none()
    return (
        Task.objects.filter(status=STATUS.ASSIGNED, owner__department_id=user.department_id)
        .filter(flow_task__in=[node for flow in registry.flow_classes() for node in flow.instance.nodes()])
        .filter(_visible(user))
        .select_related("owner")
    )


# stand-ins for the ids in a URL reversed once per flow node, then filled in for each row
_PROCESS, _TASK, _SUBJECT = 987654321, 123456789, 192837465


def tasks_with_rows(tasks):
    """``tasks`` with what their rows show loaded along: the deadline with its department, and
    the process and its subject for the rows listed (one query for the processes, one per
    subject model)."""
    # one queryset per subject model: several processes may share one (a duty's flows)
    subjects = {}
    for entry in registry.processes():
        queryset = entry.subjects()
        subjects.setdefault(queryset.model, queryset)
    # the processes are read for the page's rows only: joined to a list sorted on another table
    # (soonest deadline first), PostgreSQL hashed all 52,000 processes of the city to keep 30
    return (
        tasks.select_related(None)
        .select_related("deadline__department")
        .prefetch_related("process", GenericPrefetch("process__artifact", list(subjects.values())))
    )


def inbox_rows(tasks, *, urls=True):
    """The rows of ``tasks`` (from ``tasks_with_rows``, or a page of them) with their subject,
    deadline (``row_deadline``, ``row_light``) and row template, and with ``urls`` the links that
    open and take each task and open its subject: no query, one ``reverse()`` per flow node."""
    rows = list(tasks)
    patterns = {}
    take = reverse("desk:task_take", args=[_TASK]) if urls else ""
    today = timezone.localdate()
    for task in rows:
        entry = registry.entry_for_flow(task.flow_task.flow_class)
        task.row_template = entry.row_template
        task.subject = task.process.artifact
        # what the row shows of the step's deadline, read once here rather than through the
        # template's look-ups (a task without one would raise and be silenced, row by row)
        task.row_deadline = getattr(task, "deadline", None)
        task.row_light = task.row_deadline.light_on(today) if task.row_deadline else None
        if urls:
            if task.flow_task not in patterns:
                one_click = entry.one_click.get(task.flow_task.name)
                patterns[task.flow_task] = (
                    task.flow_task.reverse("index", args=[_PROCESS, _TASK]),
                    (one_click[0], reverse(one_click[1], args=[_TASK])) if one_click else None,
                    reverse(entry.subject_url_name, args=[_SUBJECT]),
                )
            ids = {str(_PROCESS): str(task.process_id), str(_TASK): str(task.pk)}
            open_pattern, one_click, subject_pattern = patterns[task.flow_task]
            task.open_url = _fill(open_pattern, ids)
            # a subject deleted under an open task leaves its row without a link, not the page
            subject = task.subject
            task.subject_url = _fill(subject_pattern, {str(_SUBJECT): str(subject.pk)}) if subject else ""
            task.take_url = _fill(take, ids)
            if one_click:
                task.one_click_label, task.one_click_url = one_click[0], _fill(one_click[1], ids)
    return rows


def _fill(pattern, ids):
    for stand_in, value in ids.items():
        pattern = pattern.replace(stand_in, value)
    return pattern


def pending_work(user):
    """The user's open tasks, assigned to them or waiting for their department, soonest deadline
    first; and for the secretariat, how many extension requests await a decision."""
    tasks = {}
    for queryset in (tasks_inbox_for_user(user), tasks_queue_for_user(user)):
        for task in inbox_rows(tasks_with_rows(queryset.order_by("created")), urls=False):
            tasks[task.pk] = task
    far = datetime.date.max
    ordered = sorted(
        tasks.values(), key=lambda task: (getattr(getattr(task, "deadline", None), "due", far), task.pk)
    )
    extensions = 0
    if user.has_role("secretariat"):
        extensions = Extension.objects.filter(status=Extension.Status.PENDING).count()
    return ordered, extensions
