"""The .docx export: the PDF's text in the GB/T 9704 page setup, readable back with python-docx."""

import io
import re

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from tests.workflows.documents.letter_277 import letter_277, seed_reply
from workflows.documents.letter_docx import letter_render_docx


def read(data):
    return Document(io.BytesIO(letter_render_docx(data)))


@pytest.fixture(scope="module")
def golden():
    return read(letter_277())


def test_the_docx_has_the_letters_text_in_order(golden):
    texts = [paragraph.text for paragraph in golden.paragraphs]
    _salutation, paragraphs, signature = seed_reply()
    assert texts[:5] == [
        "B",
        "南通市科学技术局",
        "通科复〔2017〕12号",
        "对市十五届人大一次会议第277号建议的答复",
        "尊敬的石剑波代表：",
    ]
    assert texts[5 : 5 + len(paragraphs)] == list(paragraphs)
    signed = texts.index(signature[0], 2)
    assert texts[signed : signed + 2] == list(signature)
    assert "（联系人：张明，联系电话：0513-85123456）" in texts
    assert texts[-1] == "抄送：市人大常委会代表工作委员会，市科协。"


def test_the_page_setup_follows_gb_t_9704(golden):
    section = golden.sections[0]
    stored = (
        section.page_width,
        section.page_height,
        section.top_margin,
        section.left_margin,
        section.right_margin,
    )
    for length, millimetres in zip(stored, (210, 297, 37, 28, 26), strict=True):
        assert abs(length.mm - millimetres) < 0.1  # Word stores twentieths of a point
    body = golden.paragraphs[5]
    assert body.paragraph_format.line_spacing == Pt(28.9) and body.paragraph_format.first_line_indent == Pt(
        32
    )
    run = body.runs[0]
    assert run.font.size == Pt(16)
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    title = golden.paragraphs[3]
    assert title.runs[0].font.size == Pt(22) and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    issuer = golden.paragraphs[1]
    assert str(issuer.runs[0].font.color.rgb) == "E00000"


def test_page_numbers_from_page_two_odd_right_even_left(golden):
    section = golden.sections[0]
    assert section.different_first_page_header_footer
    assert golden.settings.odd_and_even_pages_header_footer
    assert not section.first_page_footer.paragraphs[0].text
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        [paragraph] = footer.paragraphs
        assert paragraph.alignment == alignment
        xml = paragraph._p.xml
        assert 'w:instr="PAGE"' in xml
        assert re.sub(r"<[^>]+>", "", xml).split() == ["—", "1", "—"]


def test_drafts_say_so_in_every_header():
    section = read(letter_277(draft=True)).sections[0]
    for header in (section.first_page_header, section.header, section.even_page_header):
        assert header.paragraphs[0].text == "草稿"
    assert "草稿" not in letter_render_docx(letter_277()).decode("latin-1")


def test_user_text_stays_text_and_control_characters_are_dropped():
    hostile = "<w:p>注入</w:p><script>alert(1)</script>&amp; 𠀀👍"
    document = read(letter_277(paragraphs=(hostile, "换页\x0c符\x00号"), recipients=("<b>石剑波</b>",)))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert hostile in texts and "换页符号" in texts
    assert "尊敬的<b>石剑波</b>代表：" in texts
