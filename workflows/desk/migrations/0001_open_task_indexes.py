"""Indexes that serve the desk: the department queue (unclaimed human tasks, oldest first) and a
person's inbox (their claimed tasks). viewflow's own indexes make either walk every task that
ever existed; these partial ones hold the open tasks alone."""

from django.db import migrations

INDEXES = {
    "desk_queue_idx": "(created, id) WHERE status = 'NEW' AND flow_task_type = 'HUMAN'",
    "desk_inbox_idx": "(owner_id, created, id) WHERE status = 'ASSIGNED'",
}


def create_indexes(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {concurrently}IF NOT EXISTS {name} ON viewflow_task {definition}")


def drop_indexes(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("viewflow", "0015_task_scheduled")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
