"""The PDF of each notice, rendered once by a Celery worker and never re-rendered."""

import datetime
import hashlib

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from workflows.documents.pdf import pdf_from_html
from workflows.escalation.models import Notice

SWEEP_LIMIT = 1000
QUEUE_CHUNK = 100


def notice_pdf_render(*, notice_id):
    """Render a notice's PDF once and store it with its SHA-256; a rendered PDF is never redone.

    Returns True when this call stored the PDF.
    """
    notice = Notice.objects.filter(pk=notice_id, pdf="").select_related("deadline").first()
    if notice is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("escalation/notice_pdf.html", {"notice": notice})
    data = pdf_from_html(html)
    name = default_storage.save(
        notice.pdf.field.generate_filename(notice, f"{notice.kind}-{notice.pk}.pdf"), ContentFile(data)
    )
    stored = Notice.objects.filter(pk=notice.pk, pdf="").update(
        pdf=name, pdf_sha256=hashlib.sha256(data).hexdigest(), pdf_rendered_at=timezone.now()
    )
    if not stored:  # another worker finished first; keep its file
        default_storage.delete(name)
    return bool(stored)


# Queued by notice issuing and by the sweep below, so it sits beside the rendering it triggers.
@shared_task(name="escalation.notices_render")
def notices_render(notice_ids):
    """Render the PDFs of these notices (each once)."""
    return sum(notice_pdf_render(notice_id=pk) for pk in notice_ids)


def notices_render_queue(ids):
    """Queue the rendering of these notices after commit, a chunk per task."""
    for start in range(0, len(ids), QUEUE_CHUNK):
        notices_render.delay_on_commit(ids[start : start + QUEUE_CHUNK])


def notices_pdf_sweep():
    """Queue again the notices whose PDF is still missing after the retry timeout."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS)
    ids = list(
        Notice.objects.filter(pdf="", issued_at__lte=stale)
        .order_by("issued_at")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    notices_render_queue(ids)
    return len(ids)
