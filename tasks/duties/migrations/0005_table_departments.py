"""Each duty table's departments (涉及单位), derived from its assigned duties' lead and
cooperating departments (as ``tasks.duties.holders`` keeps them from now on)."""

from django.db import migrations, models


def table_departments_fill(apps, schema_editor):
    Duty = apps.get_model("duties", "Duty")
    DutyTable = apps.get_model("duties", "DutyTable")
    TableDepartment = DutyTable.departments.through
    assigned = Duty.objects.exclude(status="draft")
    pairs = set(assigned.values_list("table_id", "lead_id").distinct()) | set(
        Duty.cooperating.through.objects.filter(duty__in=assigned.values("pk"))
        .values_list("duty__table_id", "department_id")
        .distinct()
    )
    TableDepartment.objects.bulk_create(
        [TableDepartment(dutytable_id=table, department_id=department) for table, department in pairs],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_api_tokens"),
        ("duties", "0004_deadline_meeting_fill"),
    ]

    operations = [
        migrations.AddField(
            model_name="dutytable",
            name="departments",
            field=models.ManyToManyField(
                blank=True,
                editable=False,
                related_name="+",
                to="accounts.department",
                verbose_name="departments concerned",
            ),
        ),
        migrations.RunPython(table_departments_fill, migrations.RunPython.noop),
    ]
