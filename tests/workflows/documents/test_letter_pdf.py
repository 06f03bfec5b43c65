"""The reply letter's PDF against GB/T 9704-2012 (DESIGN.md section 5), read back with pdfplumber.

The golden letter is seed 003's reply to proposal 277. Positions are of the characters' ideographic
em box (0.88 em above the baseline in the CJK fonts we use), which is what the eye calls the edge
of the text block; pdfplumber's own ``top`` uses the font's descent and sits about 1 mm lower.
"""

import collections
import io
import re
import subprocess
import threading

import pdfplumber
import pytest
from fontTools.ttLib import TTFont

from tests.workflows.documents.letter_277 import letter_277, seed_reply
from tests.workflows.documents.pdf_reader import Document
from workflows.documents import pdf
from workflows.documents.letters import PROPOSAL, letter_html, letter_render_pdf

MM = 72 / 25.4
EM_TOP = 0.88
BODY_SIZE = 16
PAGE_NUMBER_SIZE = 14


@pytest.fixture(scope="module")
def golden_pdf():
    return letter_render_pdf(letter_277())


@pytest.fixture(scope="module")
def golden_pages(golden_pdf):
    with pdfplumber.open(io.BytesIO(golden_pdf)) as document:
        yield [(page.width, page.height, page.chars) for page in document.pages]


def lines_of(page_height, chars, size=None):
    """The page's lines, top to bottom: (em top in mm, characters left to right)."""
    lines = collections.defaultdict(list)
    for char in chars:
        if size is None or round(char["size"]) == size:
            baseline = page_height - char["matrix"][5]
            lines[round(baseline, 1)].append(char)
    return [
        ((baseline - EM_TOP * found[0]["size"]) / MM, sorted(found, key=lambda char: char["x0"]))
        for baseline, found in sorted(lines.items())
    ]


def text_of(chars):
    return "".join(char["text"] for char in chars)


def test_the_golden_letter_prints_the_seed_reply_in_order(golden_pages):
    body = "".join(
        text_of(chars)
        for _width, height, page in golden_pages
        for _top, chars in lines_of(height, page, BODY_SIZE)
    )
    _salutation, paragraphs, signature = seed_reply()
    assert "尊敬的石剑波代表：" in body
    body, position = re.sub(r"\s", "", body), 0
    for paragraph in paragraphs:
        position = body.index(re.sub(r"\s", "", paragraph), position)
    assert body.index("南通市科学技术局", position) < body.index("2017年6月29日", position)
    assert signature == ("南通市科学技术局", "2017年6月29日")
    assert "（联系人：张明，联系电话：0513-85123456）" in body


def test_page_one_carries_the_red_header_number_category_and_title(golden_pages):
    width, height, chars = golden_pages[0]
    lines = {text_of(found): (top, found) for top, found in lines_of(height, chars)}
    top, issuer = lines["南通市科学技术局"]
    assert abs(top - 30) <= 1  # 发文机关标志 30 mm from the top
    assert all(char["non_stroking_color"] == pytest.approx((0.878, 0, 0), abs=0.01) for char in issuer)
    _top, number = lines["通科复〔2017〕12号"]
    assert abs(number[-1]["x1"] / MM - 184) <= 1  # flush right in the text block
    category_top, category = lines["B"]
    assert category_top < top and category[-1]["x1"] / MM > 180
    _top, title = lines["对市十五届人大一次会议第277号建议的答复"]
    assert round(title[0]["size"]) == 22
    assert abs((title[0]["x0"] + title[-1]["x1"]) / 2 - width / 2) < 2 * MM  # centred
    assert not any("—" in text for text in lines)  # no page number on page 1


def test_every_page_is_a4_with_the_text_block_at_28_and_37_mm(golden_pages):
    assert len(golden_pages) >= 3
    for width, height, chars in golden_pages:
        assert (round(width / MM), round(height / MM)) == (210, 297)
        lines = lines_of(height, chars, BODY_SIZE)
        assert abs(min(char["x0"] for _top, found in lines for char in found) / MM - 28) <= 1
        assert max(char["x1"] for _top, found in lines for char in found) / MM <= 184 + 0.5
    for _width, height, chars in golden_pages[1:]:
        first_top, _chars = lines_of(height, chars, BODY_SIZE)[0]
        assert abs(first_top - 37) <= 1


def test_a_full_page_has_22_lines_of_28_characters(golden_pages):
    _width, height, chars = golden_pages[1]
    lines = lines_of(height, chars, BODY_SIZE)
    assert len(lines) == 22
    assert abs(lines[-1][0] - lines[0][0] - 21 * 225 / 22) < 1  # the 22 lines fill the 225 mm block
    full_width = [
        found
        for _top, found in lines
        if all(abs(char["width"] - BODY_SIZE) < 0.5 for char in found) and found[-1]["x1"] / MM > 183
    ]
    assert len(full_width) >= 5
    assert {len(found) for found in full_width} == {28}


def test_page_numbers_from_page_two_odd_pages_right_even_pages_left(golden_pages):
    for index, (_width, height, chars) in enumerate(golden_pages[1:], start=2):
        below_the_text = [line for line in lines_of(height, chars, PAGE_NUMBER_SIZE) if line[0] > 262]
        [(top, found)] = below_the_text
        assert text_of(found) == f"— {index} —"
        assert abs(top - (37 + 225 + 7)) <= 1  # 7 mm below the text block
        left, right = found[0]["x0"] / MM, found[-1]["x1"] / MM
        if index % 2:
            assert abs(right - (184 - 14 / MM)) < 1  # one 4号 character in from the right edge
        else:
            assert abs(left - (28 + 14 / MM)) < 1


def test_fonts_are_embedded_and_subset(golden_pdf, golden_pages):
    names = {char["fontname"] for _width, _height, chars in golden_pages for char in chars}
    assert names and all(re.fullmatch(r"[A-Z]{6}\+[\w-]+", name) for name in names), names
    document = Document(golden_pdf)
    used = {glyph.font for page in document.pages for glyph in page.glyphs}
    for name in used:
        assert document.font_named(name).program is not None, f"{name} is not embedded"
    assert len(golden_pdf) < 1_000_000  # the whole Noto Serif CJK collection is 25 MB


def font_face(family):
    """The installed font file and face index fontconfig gives for a family (a .ttc face)."""
    output = subprocess.run(
        ["fc-match", "-f", "%{file}\n%{index}", family], capture_output=True, text=True, check=True
    ).stdout
    path, index = output.split("\n")
    return TTFont(path, fontNumber=int(index), lazy=True)


def test_zhi_and_gu_print_with_the_simplified_chinese_glyphs(golden_pdf):
    """直 and 骨 differ between the SC and JP faces of Noto CJK: the letter must use the SC ones."""
    letter = letter_277(paragraphs=("直接骨干",))
    page = Document(letter_render_pdf(letter)).pages[0]
    printed = {glyph.text: glyph for glyph in page.glyphs if glyph.text in "直骨"}
    simplified, japanese = font_face("Noto Serif CJK SC"), font_face("Noto Serif CJK JP")
    for char in "直骨":
        glyph = printed[char]
        assert glyph.font == "Noto-Serif-CJK-SC"
        sc_gid = simplified.getGlyphID(simplified.getBestCmap()[ord(char)])
        jp_gid = japanese.getGlyphID(japanese.getBestCmap()[ord(char)])
        assert sc_gid != jp_gid
        assert glyph.gid == sc_gid


def test_drafts_carry_the_watermark_and_releases_do_not(golden_pages):
    draft = letter_render_pdf(letter_277(draft=True))
    with pdfplumber.open(io.BytesIO(draft)) as document:
        for page in document.pages:
            assert "草稿" in text_of(char for char in page.chars if char["size"] > 50)
    assert not any(char["size"] > 50 for _width, _height, chars in golden_pages for char in chars)


def test_the_salutation_follows_the_kind():
    assert "尊敬的石剑波代表：" in letter_html(letter_277())
    member = letter_html(letter_277(kind=PROPOSAL, recipients=("王芳", "李强")))
    assert "尊敬的王芳、李强委员：" in member
    assert "对市十五届人大一次会议第277号提案的答复" in member


HOSTILE = (
    '<script>alert("x")</script>',
    '<img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/passwd">',
    '</p><style>@page { size: A3 } body { display: none }</style><p style="color:red">',
    'url(http://127.0.0.1:9/x.png) <a href="http://example.cn/">链接</a> {{ letter.contact_phone }}',
    "𠀀𠀁𪚥村AI-5G基站👍 mixed Latin text & “quotes”",
)


def test_user_text_is_printed_as_text_and_nothing_is_fetched():
    letter = letter_277(
        paragraphs=(*HOSTILE, "长" * 50_000),
        proposal_title="<b>标题</b>",
        recipients=("<i>石剑波</i>",),
        contact_person="<script>张明</script>",
    )
    html = letter_html(letter)
    assert "<script>" not in html and "<img" not in html and "<style>@page" not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    pdf = letter_render_pdf(letter)
    assert b"/EmbeddedFile" not in pdf and b"root:" not in pdf
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) > 70  # 50,000 characters, on A4 still
        assert all(round(page.width / MM) == 210 for page in document.pages)
        first = text_of(document.pages[0].chars)
        text = "".join(text_of(page.chars) for page in document.pages[:2])
    assert "尊敬的<i>石剑波</i>代表：" in first
    for paragraph in HOSTILE:
        assert paragraph.replace(" ", "") in text.replace(" ", "")


def test_a_thread_reuses_its_font_map_and_threads_never_share_one():
    mine, theirs = pdf.font_configuration(), []
    thread = threading.Thread(target=lambda: theirs.append(pdf.font_configuration()))
    thread.start()
    thread.join()
    assert pdf.font_configuration() is mine and theirs[0] is not mine
