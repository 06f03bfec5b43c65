"""PDF rendering with WeasyPrint, in Celery workers only (never in a request or under a flow lock).

Only our own templates are rendered, with autoescape on, and the URL fetcher refuses everything
but inline ``data:`` URLs: WeasyPrint's default fetcher would read ``file://`` and ``http://``
URLs, so user text could pull local files into a PDF.
"""

import threading

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher


class RefusingURLFetcher(URLFetcher):
    """Deny by default: no file, HTTP or FTP access; inline ``data:`` URLs only."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        if not url.startswith("data:"):
            raise ValueError(f"Refused to fetch {url[:80]}")
        return super().fetch(url, headers)


_per_thread = threading.local()


def font_configuration():
    """One Pango font map per worker thread: a fresh one per document reopens and re-matches the
    CJK fonts, about a fifth of a reply letter's rendering time. Our templates declare no
    ``@font-face``, so nothing of one document stays in it for the next; Pango's font maps are
    not shared across threads."""
    if not hasattr(_per_thread, "font_configuration"):
        _per_thread.font_configuration = FontConfiguration()
    return _per_thread.font_configuration


def pdf_from_html(html):
    return HTML(string=html, url_fetcher=RefusingURLFetcher()).write_pdf(font_config=font_configuration())
