"""Copy each duty step's joint meeting onto its deadline (``Deadline.meeting_id``), for the rows
written before the ladder stored it; a duty's table, and so its meeting, never changes."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def deadline_meetings_fill(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Deadline = apps.get_model("escalation", "Deadline")
    Duty = apps.get_model("duties", "Duty")
    duty_type = ContentType.objects.filter(app_label="duties", model="duty").first()
    if duty_type is None:  # a new database: no deadline yet
        return
    Deadline.objects.filter(content_type_id=duty_type.pk, meeting_id__isnull=True).update(
        meeting_id=Subquery(Duty.objects.filter(pk=OuterRef("object_id")).values("table__meeting_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("duties", "0003_duty_flow"),
        ("escalation", "0003_deadline_meeting"),
    ]

    operations = [migrations.RunPython(deadline_meetings_fill, migrations.RunPython.noop)]
