"""The Celery worker's side of reply letters: render a queued letter once, store it with its hash."""

import datetime
import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from workflows.documents.letters import LetterData, letter_render_pdf
from workflows.documents.models import LetterDocument

SWEEP_LIMIT = 1000
ERROR_LENGTH = 2000


def letter_document_render(*, document_id, revision):
    """Render one revision of a letter and store it with its SHA-256 (the Celery task's work).

    Safe to run twice: a rendered revision, a superseded revision and an issued letter are left
    alone. A failure is stored on the row for the secretariat to see; the letter stays unissued.
    Returns True when this call stored a PDF.
    """
    document = LetterDocument.objects.filter(
        pk=document_id, revision=revision, status=LetterDocument.Status.PENDING
    ).first()
    if document is None:
        return False
    pending = LetterDocument.objects.filter(
        pk=document.pk, revision=revision, status=LetterDocument.Status.PENDING
    )
    try:
        data = letter_render_pdf(LetterData.from_dict(document.data))
    except Exception as error:  # any failure of the renderer must reach the secretariat
        message = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
        pending.update(status=LetterDocument.Status.FAILED, error=message)
        return False
    previous = document.pdf.name
    name = default_storage.save(
        document.pdf.field.generate_filename(document, f"{document.number or 'draft'}-{document.pk}.pdf"),
        ContentFile(data),
    )
    stored = pending.update(
        status=LetterDocument.Status.DONE,
        pdf=name,
        pdf_sha256=hashlib.sha256(data).hexdigest(),
        rendered_at=timezone.now(),
    )
    if not stored:  # superseded meanwhile, or another worker finished first
        default_storage.delete(name)
    elif previous:  # the draft's earlier preview
        default_storage.delete(previous)
    return bool(stored)


def letters_stale_pending():
    """(id, revision) of the renderings still pending after the retry timeout (a lost message)."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS)
    pending = LetterDocument.objects.filter(status=LetterDocument.Status.PENDING, requested_at__lte=stale)
    return list(pending.order_by("requested_at").values_list("pk", "revision")[:SWEEP_LIMIT])
