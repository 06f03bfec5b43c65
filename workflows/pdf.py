"""PDF rendering with WeasyPrint, in Celery workers only (never in a request or under a flow lock).

Only our own templates are rendered, with autoescape on, and the URL fetcher refuses everything
but inline ``data:`` URLs: WeasyPrint's default fetcher would read ``file://`` and ``http://``
URLs, so user text could pull local files into a PDF.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from workflows.models import Notice

SWEEP_LIMIT = 1000


class RefusingURLFetcher(URLFetcher):
    """Deny by default: no file, HTTP or FTP access; inline ``data:`` URLs only."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        if not url.startswith("data:"):
            raise ValueError(f"Refused to fetch {url[:80]}")
        return super().fetch(url, headers)


def pdf_from_html(html):
    return HTML(string=html, url_fetcher=RefusingURLFetcher()).write_pdf()


def notice_pdf_render(*, notice_id):
    """Render a notice's PDF once and store it with its SHA-256; a rendered PDF is never redone.

    Returns True when this call stored the PDF.
    """
    notice = Notice.objects.filter(pk=notice_id, pdf="").select_related("deadline").first()
    if notice is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("workflows/notice_pdf.html", {"notice": notice})
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


def notices_pdf_sweep():
    """Queue again the notices whose PDF is still missing after the retry timeout."""
    from workflows.tasks import notices_render

    stale = timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS)
    ids = list(
        Notice.objects.filter(pdf="", issued_at__lte=stale)
        .order_by("issued_at")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    for start in range(0, len(ids), 100):
        notices_render.delay_on_commit(ids[start : start + 100])
    return len(ids)
