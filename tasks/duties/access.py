"""The one way views, downloads and exports fetch duties for a user (others' answer 404).

Officers and heads see the duties their department leads or cooperates on, leaders those of the
departments they oversee, the secretariat every duty. A draft (imported, not yet assigned) is the
secretariat's alone.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404

from accounts.access import departments_of, is_secretariat, scoped_for_user, sees_everything
from tasks.duties.models import Attachment, Duty, DutyProcess, DutyTable


def duties_for_user(user, *, unordered=False):
    duties = scoped_for_user(user, Duty, ["lead", "cooperating"], unordered=unordered)
    if not is_secretariat(user):
        duties = duties.exclude(status=Duty.Status.DRAFT)
    return duties


def duty_get_for_user(user, pk):
    return get_object_or_404(duties_for_user(user), pk=pk)


def tables_for_user(user):
    """Duty tables holding a duty the user may see (every table for the secretariat): those
    whose departments (kept by ``tasks.duties.holders``) include one of the user's."""
    if is_secretariat(user):
        return DutyTable.objects.all()
    if not user.is_authenticated or not user.is_active:
        return DutyTable.objects.none()
    concerned = DutyTable.departments.through.objects.filter(dutytable=OuterRef("pk"))
    if not sees_everything(user):
        concerned = concerned.filter(department_id__in=departments_of(user))
    return DutyTable.objects.filter(Exists(concerned))


def table_get_for_user(user, pk):
    return get_object_or_404(tables_for_user(user), pk=pk)


def attachment_get_for_user(user, pk):
    return get_object_or_404(Attachment.objects.filter(duty__in=duties_for_user(user).values("pk")), pk=pk)


def duty_processes_for_user(user, queryset=None):
    """Limit a queryset of processes (supervision and reports) to those whose duty the user sees."""
    if queryset is None:
        queryset = DutyProcess.objects.all()
    if is_secretariat(user):
        return queryset
    return queryset.filter(
        artifact_content_type=ContentType.objects.get_for_model(Duty),
        artifact_object_id__in=duties_for_user(user).values("pk"),
    )
