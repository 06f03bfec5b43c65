"""Writes on departments and people, and the object permissions granted to department groups.

Department staff never hold model-wide permissions: access follows the work, granted on the
domain object (department, duty, proposal) to the department's group when work is assigned and
revoked when it is reassigned.
"""

from axes.utils import reset as axes_reset
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from guardian.models import GroupObjectPermission
from guardian.shortcuts import assign_perm, remove_perm
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.audit import audit_record, audit_record_many
from accounts.models import AuditEvent, Department, User, UserRole

PERM_LABELS = {"view": "查看", "handle": "办理"}


def _perm_label(perm):
    """'workflows.handle_proposal' → '办理'."""
    return PERM_LABELS.get(perm.split(".")[-1].split("_")[0], perm)


def department_perm_grant(*, department, perm, obj, actor=None):
    assign_perm(perm, department.group, obj)
    audit_record(
        action=AuditEvent.Action.PERM_GRANT,
        summary=f"授予{department}{_perm_label(perm)}权限",
        actor=actor,
        obj=obj,
        department=department,
        after={"department": department.code, "perm": perm},
    )


def department_perm_revoke(*, department, perm, obj, actor=None):
    remove_perm(perm, department.group, obj)
    audit_record(
        action=AuditEvent.Action.PERM_REVOKE,
        summary=f"收回{department}{_perm_label(perm)}权限",
        actor=actor,
        obj=obj,
        department=department,
        before={"department": department.code, "perm": perm},
    )


_PERMISSION_IDS = {}  # 'app_label.codename' → id; forgotten whenever migrate (or a flush) runs


@receiver(post_migrate)
def _permission_ids_forget(**kwargs):
    _PERMISSION_IDS.clear()


def _permission_ids(perms):
    """The ids of permissions named 'app_label.codename', read once per process."""
    missing = set(perms) - set(_PERMISSION_IDS)
    if missing:
        condition = Q()
        for perm in missing:
            app_label, codename = perm.split(".", 1)
            condition |= Q(content_type__app_label=app_label, codename=codename)
        for pk, app_label, codename in Permission.objects.filter(condition).values_list(
            "pk", "content_type__app_label", "codename"
        ):
            _PERMISSION_IDS[f"{app_label}.{codename}"] = pk
    return _PERMISSION_IDS


def object_perms_grant(grants):
    """Grant object permissions to groups in two statements, whatever their number (guardian's
    ``assign_perm`` takes three or four queries for each): ``grants`` holds (group id, perm as
    'app_label.codename', object). A permission already held is left as it is."""
    if not grants:
        return
    permissions = _permission_ids({perm for _group, perm, _obj in grants})
    GroupObjectPermission.objects.bulk_create(
        [
            GroupObjectPermission(
                group_id=group_id,
                permission_id=permissions[perm],
                content_type=ContentType.objects.get_for_model(obj),
                object_pk=str(obj.pk),
            )
            for group_id, perm, obj in grants
        ],
        ignore_conflicts=True,
    )


def work_access_grant(*, obj, lead, others, lead_perms, other_perms, actor=None):
    """Give the lead department and the other departments on a piece of work their access: the
    same rows and audit events as ``department_perm_grant`` for each."""
    works_access_grant(
        [{"obj": obj, "lead": lead, "others": others, "lead_perms": lead_perms, "other_perms": other_perms}],
        actor=actor,
    )


def works_access_grant(accesses, *, actor=None):
    """``work_access_grant`` for many pieces of work, in two statements whatever their number
    (an import assigns thousands in one go): each access is a dict of its keywords but
    ``actor``."""
    grants = []
    for access in accesses:
        grants += [(access["obj"], access["lead"], perm) for perm in access["lead_perms"]]
        grants += [
            (access["obj"], department, perm)
            for department in access["others"]
            for perm in access["other_perms"]
        ]
    if not grants:
        return
    object_perms_grant([(department.group_id, perm, obj) for obj, department, perm in grants])
    audit_record_many(
        [
            {
                "action": AuditEvent.Action.PERM_GRANT,
                "summary": f"授予{department}{_perm_label(perm)}权限",
                "actor": actor,
                "obj": obj,
                "department": department,
                "after": {"department": department.code, "perm": perm},
            }
            for obj, department, perm in grants
        ]
    )


def work_access_revoke(*, obj, lead, others, lead_perms, other_perms, actor=None):
    for perm in lead_perms:
        department_perm_revoke(department=lead, perm=perm, obj=obj, actor=actor)
    for department in others:
        for perm in other_perms:
            department_perm_revoke(department=department, perm=perm, obj=obj, actor=actor)


def user_claimed_tasks_release(*, user):
    """Send the tasks a user had claimed back to their department's queue."""
    returned = 0
    for task in Task.objects.filter(owner=user, status=STATUS.ASSIGNED):
        with task.activation() as activation:
            if activation.unassign.can_proceed():
                activation.unassign()
                returned += 1
    return returned


@transaction.atomic
def user_deactivate(*, user, actor):
    """Deactivate a user: history stays; tasks they had claimed go back to the department queue."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    returned = user_claimed_tasks_release(user=user)
    audit_record(
        action=AuditEvent.Action.USER_CHANGE,
        summary=f"停用用户{user.get_full_name()}，{returned}项已认领任务退回本部门待办",
        actor=actor,
        obj=user,
        department=user.department,
        before={"is_active": True},
        after={"is_active": False},
    )
    return returned


def _department_state(department):
    return {
        "name": department.name,
        "short_name": department.short_name,
        "code": department.code,
        "kind": department.kind,
        "parent": department.parent.code if department.parent_id else None,
        "is_active": department.is_active,
    }


@transaction.atomic
def department_save(*, form, actor):
    before = _department_state(Department.objects.get(pk=form.instance.pk)) if form.instance.pk else None
    department = form.save()
    audit_record(
        action=AuditEvent.Action.DEPARTMENT_CHANGE,
        summary=f"{'修改' if before else '新增'}部门{department.name}",
        actor=actor,
        obj=department,
        department=department,
        before=before,
        after=_department_state(department),
    )
    return department


def _user_state(user):
    return {
        "username": user.username,
        "name": user.name,
        "department": user.department.code if user.department_id else None,
        "roles": sorted(user.roles.values_list("role", flat=True)),
        "mobile": user.mobile,
        "email": user.email,
        "is_active": user.is_active,
        "oversees_all": user.oversees_all,
        "oversees": sorted(user.oversees.values_list("code", flat=True)),
    }


@transaction.atomic
def user_save(*, form, actor):
    """Create or change a user from the management form; roles and password included."""
    before = _user_state(User.objects.get(pk=form.instance.pk)) if form.instance.pk else None
    user = form.save(commit=False)
    if before and before["department"] != (user.department.code if user.department_id else None):
        # work claimed for the old department stays with the old department
        user_claimed_tasks_release(user=user)
    if form.cleaned_data.get("password"):
        user.set_password(form.cleaned_data["password"])
    user.save()
    form.save_m2m()
    roles = set(form.cleaned_data["roles"])
    user.roles.exclude(role__in=roles).delete()
    for role in roles:
        UserRole.objects.get_or_create(user=user, role=role)
    audit_record(
        action=AuditEvent.Action.USER_CHANGE,
        summary=f"{'修改' if before else '新增'}用户{user.get_full_name()}",
        actor=actor,
        obj=user,
        department=user.department,
        before=before,
        after=_user_state(user),
    )
    return user


@transaction.atomic
def login_lockout_lift(*, username, actor):
    """Forget the failed logins counted against a user name from every address, which lifts its
    lock-out; False if there were none."""
    if not axes_reset(username=username):
        return False
    user = User.objects.filter(username=username).select_related("department").first()
    audit_record(
        action=AuditEvent.Action.LOCKOUT_LIFTED,
        summary=f"解除用户名{username}的登录锁定",
        actor=actor,
        obj=user,
        department=user.department if user else None,
        after={"username": username},
    )
    return True
