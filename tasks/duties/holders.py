"""A duty table's departments (``DutyTable.departments``, 涉及单位): every department leading or
cooperating on an assigned duty of the table (a draft is the secretariat's alone).

Kept here, from the duties themselves, by signals: a duty created, assigned or saved with its
lead, a cooperating department added, removed or cleared, a duty deleted (a step's save of its
own fields costs nothing here). Adding is one insert of the duty's own departments; a change
that can take a department away re-derives the table's set.
``table_departments_rebuild`` derives every table's set (a migration, a benchmark's cloned rows).
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from tasks.duties.models import Duty, DutyTable

TableDepartment = DutyTable.departments.through
Cooperating = Duty.cooperating.through


def _holding(duties):
    """(table, department) pairs of the assigned duties among ``duties``, as a set."""
    assigned = duties.exclude(status=Duty.Status.DRAFT)
    leads = assigned.values_list("table_id", "lead_id")
    others = Cooperating.objects.filter(duty__in=assigned.values("pk")).values_list(
        "duty__table_id", "department_id"
    )
    return set(leads.distinct()) | set(others.distinct())


def _store(pairs):
    TableDepartment.objects.bulk_create(
        [TableDepartment(dutytable_id=table, department_id=department) for table, department in pairs],
        ignore_conflicts=True,
    )


def _table_lock(table_id):
    """Adding and pruning one table's departments take turns: a prune that cannot yet see a
    concurrent assignment would otherwise delete the pair that assignment found in place."""
    DutyTable.objects.select_for_update().filter(pk=table_id).exists()


@transaction.atomic(savepoint=False)  # the lock needs a transaction (a save may run without)
def table_departments_add(duty):
    """The duty's lead and cooperating departments join its table's (an assigned duty only)."""
    if duty.status != Duty.Status.DRAFT:
        _table_lock(duty.table_id)
        _store(_holding(Duty.objects.filter(pk=duty.pk)))


@transaction.atomic(savepoint=False)
def table_departments_prune(table_id):
    """Take away from the table the departments no assigned duty of it still holds."""
    _table_lock(table_id)
    kept = {department for _table, department in _holding(Duty.objects.filter(table_id=table_id))}
    TableDepartment.objects.filter(dutytable_id=table_id).exclude(department_id__in=kept).delete()


def table_departments_rebuild():
    """Derive every table's departments from the duties (after rows were written in SQL)."""
    TableDepartment.objects.all().delete()
    _store(_holding(Duty.objects.all()))


def _duty_saved(sender, instance, created, update_fields, **kwargs):
    fields = None if update_fields is None else set(update_fields)
    lead_changed = fields is None or "lead" in fields
    # assigned: a draft reaches its departments (later statuses leave them as they are)
    if created or lead_changed or ("status" in fields and instance.status == Duty.Status.ASSIGNED):
        table_departments_add(instance)
    if lead_changed and not created:
        table_departments_prune(instance.table_id)  # the old lead may hold nothing else here


def _cooperating_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    # forward: ``instance`` is a duty; reverse (department.cooperating_duties): ``pk_set`` duties
    duties = Duty.objects.filter(pk__in=pk_set) if reverse and pk_set else Duty.objects.filter(pk=instance.pk)
    if reverse and action == "post_clear":  # every duty the department cooperated on
        duties = Duty.objects.all()
    if action == "post_add":
        _store(_holding(duties))
    else:
        for table in set(duties.values_list("table_id", flat=True)):
            table_departments_prune(table)


def _duty_deleted(sender, instance, **kwargs):
    table_departments_prune(instance.table_id)


def table_departments_connect():
    post_save.connect(_duty_saved, sender=Duty, dispatch_uid="duty_table_departments_saved")
    post_delete.connect(_duty_deleted, sender=Duty, dispatch_uid="duty_table_departments_deleted")
    m2m_changed.connect(_cooperating_changed, sender=Cooperating, dispatch_uid="duty_table_departments_co")
