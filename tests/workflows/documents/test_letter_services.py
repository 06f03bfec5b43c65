"""Draft previews and releases of reply letters: rendered by Celery workers, numbered, frozen."""

import hashlib
import io
import re

import pdfplumber
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tests.workflows.documents.letter_277 import letter_277
from tests.workflows.test_worker import wait_for
from workflows.documents import jobs, rendering, services
from workflows.documents.models import LetterDocument

PATTERN = "通科复〔{year}〕{n}号"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def render_queued(document):
    """What the worker does with the queued message (the Celery worker itself is tested below)."""
    document.refresh_from_db()
    return rendering.letter_document_render(document_id=document.pk, revision=document.revision)


def pdf_text(document):
    with pdfplumber.open(io.BytesIO(services.letter_pdf_read(document))) as pdf:
        return "".join(char["text"] for page in pdf.pages for char in page.chars)


def test_a_release_is_numbered_rendered_once_and_frozen_with_its_hash(
    django_capture_on_commit_callbacks, kjj
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        document = services.letter_release(
            subject=kjj, data=letter_277(document_number=""), number_pattern=PATTERN
        )
    assert len(queued) == 1  # the rendering waits for the commit
    assert document.number == "通科复〔2017〕1号" and document.status == LetterDocument.Status.PENDING
    assert render_queued(document)
    document.refresh_from_db()
    assert document.is_issued and document.rendered_at is not None
    content = services.letter_pdf_read(document)
    assert document.pdf_sha256 == hashlib.sha256(content).hexdigest()
    assert "通科复〔2017〕1号" in pdf_text(document) and "草稿" not in pdf_text(document)
    assert not render_queued(document)  # a second message changes nothing
    with pytest.raises(ValidationError, match="通科复〔2017〕1号"):
        services.letter_release(subject=kjj, data=letter_277(), number_pattern=PATTERN)
    assert LetterDocument.objects.get().pdf_sha256 == document.pdf_sha256


def test_the_download_refuses_a_changed_file(kjj):
    document = services.letter_release(subject=kjj, data=letter_277(), number_pattern=PATTERN)
    render_queued(document)
    document.refresh_from_db()
    path = document.pdf.path
    with open(path, "r+b") as handle:
        handle.seek(-20, io.SEEK_END)
        handle.write(b"% tampered          ")
    with pytest.raises(services.DocumentIntegrityError, match="SHA-256"):
        services.letter_pdf_read(document)


def test_a_draft_preview_is_marked_unnumbered_and_replaced_by_the_next_draft(kjj):
    first = services.letter_preview_request(subject=kjj, data=letter_277(paragraphs=("第一稿正文。",)))
    assert render_queued(first)
    first.refresh_from_db()
    first_file = first.pdf.path
    assert "草稿" in pdf_text(first) and "第一稿正文" in pdf_text(first) and "通科复" not in pdf_text(first)
    second = services.letter_preview_request(subject=kjj, data=letter_277(paragraphs=("第二稿正文。",)))
    assert second.pk == first.pk and second.revision == 2
    assert not rendering.letter_document_render(document_id=first.pk, revision=1)  # superseded message
    assert render_queued(second)
    second.refresh_from_db()
    assert "第二稿正文" in pdf_text(second)
    assert not (second.pdf.storage.exists(first_file) and first_file != second.pdf.path)
    assert LetterDocument.objects.count() == 1


def test_a_failed_render_leaves_the_letter_unissued_with_the_error_and_can_be_retried(kjj):
    broken = {**letter_277().to_dict(), "kind": "petition"}  # a kind no letter knows
    document = services.letter_release(subject=kjj, data=letter_277(), number_pattern=PATTERN)
    LetterDocument.objects.filter(pk=document.pk).update(data=broken)
    assert not render_queued(document)
    document.refresh_from_db()
    assert document.status == LetterDocument.Status.FAILED and "petition" in document.error
    assert not document.is_issued and not document.pdf
    with pytest.raises(services.DocumentIntegrityError):
        services.letter_pdf_read(document)
    # corrected and released again: the same number, no second number taken
    again = services.letter_release(subject=kjj, data=letter_277(), number_pattern=PATTERN)
    assert again.pk == document.pk and again.number == "通科复〔2017〕1号"
    assert render_queued(again)
    again.refresh_from_db()
    assert again.is_issued
    with pytest.raises(ValidationError):
        services.letter_render_retry(document=again)


def test_a_retry_renders_the_same_data_again(kjj):
    document = services.letter_preview_request(subject=kjj, data=letter_277())
    LetterDocument.objects.filter(pk=document.pk).update(
        status=LetterDocument.Status.FAILED, error="Pango: boom"
    )
    document = services.letter_render_retry(document=document)
    assert document.status == LetterDocument.Status.PENDING and document.error == ""
    assert render_queued(document)


def test_a_rolled_back_release_returns_its_number(kjj, kx):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.letter_release(subject=kjj, data=letter_277(), number_pattern=PATTERN)
        raise RuntimeError("the release step failed")
    document = services.letter_release(subject=kx, data=letter_277(), number_pattern=PATTERN)
    assert document.number == "通科复〔2017〕1号"
    assert not LetterDocument.objects.filter(object_id=kjj.pk).exists()


def test_a_bad_number_pattern_is_refused_and_takes_no_number(kjj):
    for pattern in ("通科复[{year}]{n}号", "通科复〔{year}〕第{n}号", "{n}号", "通科复〔2017〕{n}号"):
        with pytest.raises(ValidationError, match=re.escape("通科复〔{year}〕{n}号")):
            services.letter_release(subject=kjj, data=letter_277(), number_pattern=pattern)
    assert not LetterDocument.objects.exists()


def test_the_signed_scan_is_archived_with_its_hash_and_checked(kjj):
    document = services.letter_release(subject=kjj, data=letter_277(), number_pattern=PATTERN)
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.7 signed and sealed")
    with pytest.raises(ValidationError, match="已印发"):
        services.letter_scan_attach(document=document, upload=scan)
    render_queued(document)
    with pytest.raises(ValidationError, match="PDF、JPEG或PNG"):
        services.letter_scan_attach(document=document, upload=SimpleUploadedFile("scan.html", b"<html>"))
    document = services.letter_scan_attach(
        document=document, upload=SimpleUploadedFile("s.pdf", b"%PDF-1.7 ok")
    )
    assert services.letter_scan_read(document) == b"%PDF-1.7 ok"
    assert document.scan_sha256 == hashlib.sha256(b"%PDF-1.7 ok").hexdigest()
    with open(document.scan.path, "wb") as handle:
        handle.write(b"%PDF-1.7 forged")
    with pytest.raises(services.DocumentIntegrityError):
        services.letter_scan_read(document)


def test_the_sweep_requeues_only_renderings_pending_past_the_retry_timeout(settings, kjj, time_machine):
    settings.NOTIFICATION_RETRY_SECONDS = 300
    time_machine.move_to("2017-06-29 09:00 +08:00", tick=False)
    document = services.letter_preview_request(subject=kjj, data=letter_277())
    assert rendering.letters_stale_pending() == []
    time_machine.move_to("2017-06-29 09:06 +08:00", tick=False)
    assert rendering.letters_stale_pending() == [(document.pk, document.revision)]
    render_queued(document)
    assert rendering.letters_stale_pending() == []


def test_a_real_worker_renders_the_release_queued_after_commit(celery_worker, kjj):
    with transaction.atomic():
        document = services.letter_release(subject=kjj, data=letter_277(), number_pattern=PATTERN)
    assert wait_for(
        lambda: LetterDocument.objects.get(pk=document.pk).status != LetterDocument.Status.PENDING
    )
    document.refresh_from_db()
    assert document.is_issued, document.error
    assert "通科复〔2017〕1号" in pdf_text(document)
    assert jobs.letter_render.name == "documents.letter_render"
