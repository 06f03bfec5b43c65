from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm for similar proposals at registration (nothing on SQLite)."""

    dependencies = [("proposals", "0004_reply_flow")]

    operations = [TrigramExtension()]
