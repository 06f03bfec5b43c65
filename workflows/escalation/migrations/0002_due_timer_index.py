"""An index that serves only the timers still to fire, for the timer dispatcher.

viewflow indexes ``scheduled`` on every task, so a dispatcher asking "which timers are due" walks
past every timer that ever fired. This partial index holds the scheduled timers alone.
"""

from django.db import migrations

INDEX = "escalation_due_timer_idx"
CONDITION = "status = 'SCHEDULED' AND flow_task_type = 'TIMER'"


def create_index(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f"CREATE INDEX {concurrently}IF NOT EXISTS {INDEX} ON viewflow_task (scheduled) WHERE {CONDITION}"
    )


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("viewflow", "0015_task_scheduled"),
        ("escalation", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
