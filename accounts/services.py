"""Writes on departments and people, and the object permissions granted to department groups.

Department staff never hold model-wide permissions: access follows the work, granted on the
domain object (department, duty, proposal) to the department's group when work is assigned and
revoked when it is reassigned.
"""

from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.audit import audit_record
from accounts.models import AuditEvent


def department_perm_grant(*, department, perm, obj, actor=None):
    assign_perm(perm, department.group, obj)
    audit_record(
        action=AuditEvent.Action.PERM_GRANT,
        summary=f"授予{department}权限：{perm}",
        actor=actor,
        obj=obj,
        department=department,
        after={"department": department.code, "perm": perm},
    )


def department_perm_revoke(*, department, perm, obj, actor=None):
    remove_perm(perm, department.group, obj)
    audit_record(
        action=AuditEvent.Action.PERM_REVOKE,
        summary=f"收回{department}权限：{perm}",
        actor=actor,
        obj=obj,
        department=department,
        before={"department": department.code, "perm": perm},
    )


@transaction.atomic
def user_deactivate(*, user, actor):
    """Deactivate a user: history stays; tasks they had claimed go back to the department queue."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    returned = 0
    for task in Task.objects.filter(owner=user, status=STATUS.ASSIGNED).select_related("process"):
        with task.activation() as activation:
            if activation.unassign.can_proceed():
                activation.unassign()
                returned += 1
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
