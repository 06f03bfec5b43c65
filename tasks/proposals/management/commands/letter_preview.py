"""Render a proposal's reply letter to a PDF file, for administrators (synchronously: no worker)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tasks.proposals.letters import proposal_letter, reply_letter
from tasks.proposals.models import Proposal
from workflows.documents.letters import letter_render_pdf


class Command(BaseCommand):
    help = (
        "Render the current draft of a proposal's reply letter (or, before any draft, the lead "
        "department's template filled with the proposal's data) to a PDF file."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", help="the proposal's number, e.g. 277")
        parser.add_argument("--session", help="届次 (with 会次 if needed) when the number is not unique")
        parser.add_argument("--out", required=True, help="the PDF file to write")

    def handle(self, *args, number, session=None, out, **options):
        proposals = Proposal.objects.filter(number=number).select_related("lead_department")
        if session:
            proposals = [p for p in proposals if session in (p.session, p.session_label)]
        proposals = list(proposals)
        if not proposals:
            raise CommandError(f"No proposal numbered {number}" + (f" in {session}" if session else "") + ".")
        if len(proposals) > 1:
            sessions = "、".join(p.session_label for p in proposals)
            raise CommandError(f"Proposal {number} exists in several sessions ({sessions}): give --session.")
        (proposal,) = proposals
        reply = (
            proposal.replies.exclude(text="").select_related("department").order_by("-round", "-pk").first()
        )
        if reply is not None:
            data = reply_letter(reply)
        elif proposal.lead_department is None:
            raise CommandError(f"Proposal {number} has no lead department yet: there is no letter to render.")
        else:
            data = proposal_letter(proposal)
        Path(out).write_bytes(letter_render_pdf(data))
        source = f"the draft of {reply.department}" if reply else "the template"
        self.stdout.write(f"Wrote {out} from {source}.")
