from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import translation

from tasks.duties import importing
from tasks.duties.models import JointMeeting
from workflows.documents.spreadsheets import MAX_FILE_BYTES, SpreadsheetError


class Command(BaseCommand):
    help = (
        "Import a duty table (重点任务分解表) from .xlsx for a joint meeting: prints one line per duty "
        "(序号, 重点任务, 牵头单位, 配合单位, deadline, reporting cycle, tab-separated) or one line per "
        "problem, and exits non-zero on any problem. Nothing is written with --dry-run or on errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--meeting", required=True, help="the joint meeting's name or short name")
        parser.add_argument("--dry-run", action="store_true", help="check and print only")
        parser.add_argument("--year", type=int, help="the year of deadlines written without one (10月底)")

    def handle(self, *args, **options):
        with translation.override("zh-hans"):  # the messages are for the secretariat, in Chinese
            self.import_duties(**options)

    def import_duties(self, *, file, meeting, dry_run, year, **options):
        joint_meeting = self._meeting(meeting)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{file}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        try:
            preview = importing.duty_table_parse(
                path.read_bytes(), meeting=joint_meeting, year=year, file_name=path.name
            )
        except SpreadsheetError as error:
            raise CommandError(f"{file}: {error}") from error
        if not preview.is_valid:
            for message in preview.messages():
                self.stderr.write(message)
            raise CommandError(f"{preview.error_count} problem(s); nothing was imported.")
        for row in preview.rows:
            fields = [
                str(row.sequence),
                row.title,
                row.lead.short_name,
                row.cooperating_names,
                f"{row.deadline:%Y-%m-%d}" if row.deadline else "",
                row.cycle_words,
            ]
            self.stdout.write("\t".join(field.replace("\t", " ").replace("\n", " ") for field in fields))
        if dry_run:
            self.stderr.write(f"{len(preview.rows)} duties checked; nothing was imported (--dry-run).")
            return
        table = importing.duty_table_import(preview=preview, actor=None)
        self.stderr.write(f"{table.title}: {len(preview.rows)} duties imported, waiting to be assigned.")

    def _meeting(self, name):
        meetings = list(JointMeeting.objects.filter(Q(name=name) | Q(short_name=name)))
        if len(meetings) == 1:
            return meetings[0]
        known = "、".join(JointMeeting.objects.order_by("name").values_list("short_name", flat=True))
        if not meetings:
            raise CommandError(f"No joint meeting is called {name!r}; known: {known or 'none'}")
        raise CommandError(f"Several joint meetings are called {name!r}; use the full name")
