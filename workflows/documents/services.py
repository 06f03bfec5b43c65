"""Reply letters as files: draft previews, numbered releases frozen with their hash, signed scans.

The process (tasks/proposals) calls these from its drafting, sign-off and release steps with the
reply as ``subject`` and a ``LetterData``. Requests only store a row and queue the rendering after
commit (workflows.documents.jobs); the worker renders (workflows.documents.rendering).
"""

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.documents.jobs import letter_render
from workflows.documents.models import LetterDocument
from workflows.documents.numbering import document_number_issue

SCAN_TYPES = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}
SCAN_MAX_BYTES = 20 * 1024 * 1024


class DocumentIntegrityError(Exception):
    """The stored file no longer has the SHA-256 recorded when it was issued."""


def _subject_filter(subject):
    return {"content_type": ContentType.objects.get_for_model(subject), "object_id": subject.pk}


def _queue(document):
    letter_render.delay_on_commit(document.pk, document.revision)


@transaction.atomic(savepoint=False)  # never refuses: no savepoint to roll back to
def letter_preview_request(*, subject, data):
    """Queue the draft preview of ``subject``'s letter (marked 草稿, unnumbered) for rendering.

    The subject keeps one draft row: a new request replaces its data, and a render still running
    for the previous data is discarded when it finishes.
    """
    values = {**data.to_dict(), "draft": True, "document_number": ""}
    document, created = LetterDocument.objects.select_for_update().get_or_create(
        **_subject_filter(subject), is_draft=True, defaults={"data": values}
    )
    if not created:
        document.data = values
        document.revision += 1
        document.status = LetterDocument.Status.PENDING
        document.error = ""
        document.requested_at = timezone.now()
        document.save(update_fields=["data", "revision", "status", "error", "requested_at"])
    _queue(document)
    return document


def letter_release(*, subject, data, number_pattern, year=None):
    """Release ``subject``'s letter: give it the next document number and queue the final PDF.

    Call it inside the transaction that stores the release (the letter's row is locked first;
    outside a transaction that lock is refused). The number is issued once per subject, in that
    transaction: a rollback returns it. If the rendering failed, releasing again renders the
    corrected data under the same number; once the PDF is stored the letter is frozen and
    releasing again is refused, before anything is written (no savepoint needed to undo it).
    """
    if not transaction.get_connection().in_atomic_block:  # SQLite takes no row lock to refuse it
        raise transaction.TransactionManagementError("letter_release runs inside its caller's transaction.")
    filters = _subject_filter(subject)
    document = LetterDocument.objects.select_for_update().filter(**filters, is_draft=False).first()
    if document is not None and document.status != LetterDocument.Status.FAILED:
        raise ValidationError(
            _("This letter has already been issued as %(number)s.") % {"number": document.number},
            code="already_issued",
        )
    if document is None:
        number = document_number_issue(pattern=number_pattern, year=year or data.date.year)
        document = LetterDocument(**filters, is_draft=False, number=number, revision=0)
    document.data = {**data.to_dict(), "draft": False, "document_number": document.number}
    document.revision += 1
    document.status = LetterDocument.Status.PENDING
    document.error = ""
    document.requested_at = timezone.now()
    document.save()
    _queue(document)
    return document


def letter_render_retry(*, document):
    """Queue a failed rendering again, with the same data (and number)."""
    failed = LetterDocument.objects.filter(pk=document.pk, status=LetterDocument.Status.FAILED)
    updated = failed.update(
        status=LetterDocument.Status.PENDING,
        error="",
        revision=F("revision") + 1,
        requested_at=timezone.now(),
    )
    if not updated:
        raise ValidationError(_("Only a letter whose rendering failed can be retried."), code="not_failed")
    document.refresh_from_db()
    _queue(document)
    return document


def letter_pdf_read(document):
    """The issued (or previewed) PDF's bytes, refused if the file changed since it was rendered."""
    if document.status != LetterDocument.Status.DONE or not document.pdf:
        raise DocumentIntegrityError(_("The PDF of this letter has not been rendered yet."))
    return _verified(document.pdf, document.pdf_sha256)


def letter_scan_read(document):
    if not document.scan:
        raise DocumentIntegrityError(_("No signed scan has been uploaded for this letter."))
    return _verified(document.scan, document.scan_sha256)


def _verified(field_file, sha256):
    with field_file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != sha256:
        raise DocumentIntegrityError(
            _("The stored file differs from the one issued (its SHA-256 changed); it is not served.")
        )
    return content


@transaction.atomic
def letter_scan_attach(*, document, upload):
    """Store the signed and sealed scan (PDF, JPEG or PNG) as the issued letter's archived copy."""
    document = LetterDocument.objects.select_for_update().get(pk=document.pk)
    if not document.is_issued:
        raise ValidationError(_("A scan can only be attached to an issued letter."), code="not_issued")
    if upload.size > SCAN_MAX_BYTES:
        raise ValidationError(_("The scan is larger than 20 MB."), code="scan_too_large")
    content = upload.read()
    extension = next((ext for magic, ext in SCAN_TYPES.items() if content.startswith(magic)), None)
    if extension is None:
        raise ValidationError(_("The scan must be a PDF, JPEG or PNG file."), code="scan_type")
    previous = document.scan.name
    document.scan.save(f"{document.number}-{document.pk}.{extension}", ContentFile(content), save=False)
    document.scan_sha256 = hashlib.sha256(content).hexdigest()
    document.scan_uploaded_at = timezone.now()
    document.save(update_fields=["scan", "scan_sha256", "scan_uploaded_at"])
    if previous:
        transaction.on_commit(lambda: default_storage.delete(previous))
    return document
