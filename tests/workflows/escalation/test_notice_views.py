"""催办单 / 督办单: on screen for those who see the item, and as a PDF rendered once."""

import datetime
import hashlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import register_and_assign
from workflows.documents import pdf
from workflows.escalation import dispatcher, notice_pdf
from workflows.escalation.models import Notice

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return time_machine.travel(datetime.datetime(*args, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def supervision(kjj, kx, kjj_officer, kjj_head, kx_officer, leader):
    """The first 督办单 of proposal 277's sign-for step (due Sunday 18 Feb 2024)."""
    with at(2024, 2, 5, 10, 0):
        register_and_assign(lead=kjj, co_handlers=[kx])
    with at(2024, 2, 23, 9, 0):
        dispatcher.timers_fire()
        dispatcher.timers_fire()
        dispatcher.timers_fire()
    return Notice.objects.get(kind=Notice.Kind.SUPERVISION)


@pytest.mark.parametrize("username", ["kjj_officer", "kjj_head", "secretariat", "leader"])
def test_people_who_see_the_item_open_its_notice(request, client, supervision, username):
    client.force_login(request.getfixturevalue(username))
    response = client.get(supervision.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "督办单" in page and supervision.reference in page
    assert "南通市科学技术局" in page
    assert "PDF正在生成" in page


@pytest.mark.parametrize("username", ["jyj_officer", "kx_officer"])
def test_outsiders_and_co_handlers_get_404_for_the_notice_and_its_pdf(request, client, supervision, username):
    """The 督办单 is addressed to the lead department; the co-handler 科协 does not read it."""
    notice_pdf.notice_pdf_render(notice_id=supervision.pk)
    client.force_login(request.getfixturevalue(username))
    assert client.get(supervision.get_absolute_url()).status_code == 404
    assert client.get(reverse("desk:notice_pdf", args=[supervision.pk])).status_code == 404


def test_the_pdf_is_served_once_rendered_and_never_rendered_again(client, supervision, kjj_officer):
    client.force_login(kjj_officer)
    url = reverse("desk:notice_pdf", args=[supervision.pk])
    assert client.get(url).status_code == 404

    assert notice_pdf.notice_pdf_render(notice_id=supervision.pk)
    supervision.refresh_from_db()
    data = supervision.pdf.read()
    assert data.startswith(b"%PDF-")
    assert supervision.pdf_sha256 == hashlib.sha256(data).hexdigest()
    assert not notice_pdf.notice_pdf_render(notice_id=supervision.pk)

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == data
    assert "下载PDF" in client.get(supervision.get_absolute_url()).content.decode()


def test_the_notice_template_is_chinese_and_says_what_is_overdue(supervision):
    html = render_to_string("escalation/notice_pdf.html", {"notice": supervision})
    assert '<html lang="zh-CN">' in html
    assert "<h1>督办单</h1>" in html
    assert "第277号建议《关于在南通市组织社会大众聚力创新的建议》" in html
    assert "已逾期5个工作日" in html
    assert "2024年2月18日" in html and "2024年2月23日" in html
    assert "联席会议办公室" in html


def test_the_url_fetcher_refuses_local_files_and_the_network():
    fetcher = pdf.RefusingURLFetcher()
    for url in ("file:///etc/passwd", "http://127.0.0.1/", "ftp://example.cn/x"):
        with pytest.raises(ValueError, match="Refused"):
            fetcher.fetch(url)
    hostile = (
        '<html lang="zh-CN"><body>'
        '<link rel="attachment" href="file:///etc/passwd">'
        '<img src="file:///etc/passwd"><p>正文</p></body></html>'
    )
    document = pdf.pdf_from_html(hostile)
    assert document.startswith(b"%PDF-")
    assert b"/EmbeddedFile" not in document
    assert b"root:" not in document


def test_the_url_fetcher_serves_inline_images(tmp_path):
    """Inline data: URLs (the seal, a logo) are the one thing the fetcher hands to WeasyPrint."""
    png = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
        "hKmMIQAAAABJRU5ErkJggg=="
    )
    fetched = pdf.RefusingURLFetcher().fetch(png)
    assert fetched is not None
    with_image = pdf.pdf_from_html(f'<html lang="zh-CN"><body><img src="{png}"></body></html>')
    without = pdf.pdf_from_html('<html lang="zh-CN"><body><p>正文</p></body></html>')
    assert b"/Image" in with_image and b"/Image" not in without
    upper = png.replace("data:", "DATA:", 1)
    with pytest.raises(ValueError, match="Refused"):
        pdf.RefusingURLFetcher().fetch(upper.replace("DATA:", "file:///tmp/DATA:", 1))
