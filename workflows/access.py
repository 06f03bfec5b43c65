"""The one way views, downloads and exports fetch workflow objects for a user.

Objects outside the user's scope answer 404, so their existence is not revealed.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.shortcuts import get_object_or_404
from guardian.models import GroupObjectPermission, UserObjectPermission
from viewflow.workflow.models import Task

from accounts.access import scoped_for_user, sees_everything
from accounts.models import Role
from workflows.models import Deadline, Notice, Notification, Proposal, ProposalProcess


def proposals_for_user(user):
    return scoped_for_user(user, Proposal, "workflows.view_proposal", ["lead_department", "co_departments"])


def proposal_get_for_user(user, pk):
    return get_object_or_404(proposals_for_user(user), pk=pk)


def proposal_processes_for_user(user, queryset=None):
    """Limit a queryset of processes to those whose proposal the user may see."""
    if queryset is None:
        queryset = ProposalProcess.objects.all()
    if sees_everything(user):
        return queryset
    return queryset.filter(
        artifact_content_type=ContentType.objects.get_for_model(Proposal),
        artifact_object_id__in=proposals_for_user(user).values("pk"),
    )


def _object_perm_keys(queryset):
    return set(
        queryset.annotate(
            key=Concat(
                F("content_type__app_label"),
                Value("."),
                F("permission__codename"),
                Value("_"),
                F("object_pk"),
            )
        ).values_list("key", flat=True)
    )


def _prime_viewflow_perm_cache(user):
    """Load the user's object permissions in two queries.

    viewflow's queue builds this set itself with two queries per permission row; it reuses
    ``user._viewflow_per_object_perm_cache`` when present.
    """
    if not hasattr(user, "_viewflow_per_object_perm_cache"):
        user._viewflow_per_object_perm_cache = _object_perm_keys(
            UserObjectPermission.objects.filter(user=user)
        ) | _object_perm_keys(GroupObjectPermission.objects.filter(group__user=user))


def tasks_inbox_for_user(user, flow_classes):
    """Tasks assigned to the user, on proposals the user may still see."""
    return Task.objects.inbox(flow_classes, user).filter(process__in=proposal_processes_for_user(user))


def tasks_queue_for_user(user, flow_classes):
    """Unclaimed tasks the user may claim: their department's work."""
    _prime_viewflow_perm_cache(user)
    return Task.objects.queue(flow_classes, user)


def deadlines_for_user(user):
    """Deadlines, notices and extensions belong to the department responsible for the step, the
    secretariat and the leaders over that department; a co-handler does not read the lead
    department's 催办单."""
    if not user.is_authenticated or not user.is_active:
        return Deadline.objects.none()
    if sees_everything(user):
        return Deadline.objects.all()
    mine = Q(department_id=user.department_id) if user.department_id else Q(pk__in=[])
    if user.has_role(Role.LEADER):
        mine |= Q(department__in=user.oversees.all())
    return Deadline.objects.filter(mine)


def deadline_get_for_user(user, pk):
    return get_object_or_404(deadlines_for_user(user).select_related("task", "department"), pk=pk)


def notices_for_user(user):
    return Notice.objects.filter(deadline__in=deadlines_for_user(user))


def notice_get_for_user(user, pk):
    return get_object_or_404(notices_for_user(user), pk=pk)


def notifications_for_user(user):
    """The user's own messages in the product; nobody reads another person's."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user, channel=Notification.Channel.IN_APP)


def notification_get_for_user(user, pk):
    return get_object_or_404(notifications_for_user(user), pk=pk)
