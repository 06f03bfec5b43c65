"""Object permissions granted to department groups on domain objects (never model-wide)."""

from guardian.shortcuts import assign_perm, remove_perm


def department_perm_grant(*, department, perm, obj):
    assign_perm(perm, department.group, obj)


def department_perm_revoke(*, department, perm, obj):
    remove_perm(perm, department.group, obj)
