from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from tasks.proposals import importing
from tasks.proposals.models import Proposal
from workflows.documents.spreadsheets import MAX_FILE_BYTES, SpreadsheetError


class Command(BaseCommand):
    help = (
        "Register and assign suggestions and proposals from .xlsx (类别, 届次, 编号, 标题, 内容, 领衔人, "
        "联名人, 主办单位, 协办单位, 收到日期): prints one line per row (tab-separated) or one line per "
        "problem naming its row and column, and exits non-zero on any problem. Nothing is written "
        "with --dry-run or on errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check and print only")

    def handle(self, *args, file, dry_run, **options):
        with translation.override("zh-hans"):  # the messages are for the secretariat, in Chinese
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"{file}: no such file")
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{file}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
            try:
                preview = importing.proposal_import_parse(path.read_bytes())
            except SpreadsheetError as error:
                raise CommandError(f"{file}: {error}") from error
            if not preview.is_valid:
                for message in preview.messages():
                    self.stderr.write(message)
                raise CommandError(f"{preview.error_count} problem(s); nothing was imported.")
            for row in preview.rows:
                values = row.values
                fields = [
                    "建议" if row.kind == Proposal.Kind.SUGGESTION else "提案",
                    values["session"],
                    values["number"],
                    values["title"],
                    "、".join(row.proposers),
                    row.lead.short_name,
                    ("分办：" if row.mode == Proposal.Mode.SPLIT else "") + row.others_names,
                    f"{row.received_on:%Y-%m-%d}" if row.received_on else "",
                ]
                self.stdout.write(
                    "\t".join(str(field).replace("\t", " ").replace("\n", " ") for field in fields)
                )
            if dry_run:
                self.stderr.write(f"{len(preview.rows)} rows checked; nothing was imported (--dry-run).")
                return
            proposals = importing.proposal_import_apply(preview=preview, actor=None)
            self.stderr.write(f"{len(proposals)} registered and assigned.")
