"""Every character the product stores prints with a real glyph in its PDFs.

Renders with the real WeasyPrint and reads the PDF back (tests/workflows/documents/pdf_reader.py):
each character must map, through the ToUnicode map, to a glyph that exists and draws something in
a font the shared stacks name (workflows/documents/fonts.py). CJK Extension B (𠀀𠀁𪚥, frequent in
personal and place names) printed as .notdef boxes before fonts-hanazono was installed; emoji must
come from Noto Color Emoji, drawn as colour bitmaps, and digits and symbols must not.
"""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import timezone

from tests.workflows.documents.pdf_reader import Document
from workflows.documents import fonts
from workflows.escalation.models import Deadline, Notice

EXTENSION_B = "𠀀𠀁𪚥"  # U+20000, U+20001, U+2A6A5
EMOJI = "👍🏛"
SUBJECT = f"第277号建议《关于{EXTENSION_B}村AI-5G基站建设的建议》{EMOJI}"
SYMBOLS = "2024年©™☎♥"  # Noto Color Emoji has them too: they must print from the text fonts
INSTALL_HINT = "scripts/setup.sh installs fonts-noto-cjk, fonts-hanazono and fonts-noto-color-emoji"


@pytest.fixture(scope="module")
def pdf_from_html():
    """WeasyPrint's renderer; skipped without its system libraries (Pango), except under CI.

    Today Django's app loading already imports WeasyPrint (escalation's ready() imports
    notice_pdf, which imports workflows.documents.pdf), so without Pango the whole session stops
    before this fixture runs; the skip takes over once that import becomes lazy.
    """
    try:
        from workflows.documents.pdf import pdf_from_html
    except OSError as error:  # WeasyPrint loads Pango and HarfBuzz with cffi on import
        message = f"WeasyPrint's system libraries are missing ({error})"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; the setup step installs them")
        pytest.skip(f"{message}; run scripts/setup.sh to install them")
    return pdf_from_html


def notice_html(subject_title):
    notice = Notice(
        kind=Notice.Kind.SUPERVISION,
        year=2024,
        number=17,
        due=datetime.date(2024, 2, 18),
        days_overdue=5,
        subject_title=subject_title,
        step="签收",
        department_name="南通市科学技术局",
        issuer="联席会议办公室",
        issued_at=timezone.now(),
        deadline=Deadline(original_due=datetime.date(2024, 2, 18)),
    )
    return render_to_string("escalation/notice_pdf.html", {"notice": notice})


def printed(page, text):
    """The glyphs that print ``text`` on the page (its first occurrence)."""
    for start in range(len(page.glyphs)):
        run, joined = [], ""
        for glyph in page.glyphs[start:]:
            if not text.startswith(joined + glyph.text):
                break
            run.append(glyph)
            joined += glyph.text
            if joined == text:
                return run
    raise AssertionError(f"{text!r} does not round-trip ({INSTALL_HINT}): the PDF's text is {page.text!r}")


def from_family(glyph, families):
    """Whether the glyph's font (BaseFont, e.g. "HanaMinB-Medium") is one of these families."""
    return any(glyph.font.startswith(family.replace(" ", "-")) for family in families)


def assert_real_glyphs(document, page, text, stack):
    for glyph in printed(page, text):
        where = f"{glyph.text!r} (U+{ord(glyph.text[0]):04X}) printed as glyph {glyph.gid} of {glyph.font}"
        if glyph.text in EMOJI:
            # WeasyPrint empties the emoji font's outlines and draws the CBDT bitmap over them
            assert from_family(glyph, [fonts.EMOJI_FONT]), (
                f"{where}, not the colour emoji font; {INSTALL_HINT}"
            )
        else:
            assert not from_family(glyph, [fonts.EMOJI_FONT]), f"{where}: an emoji bitmap for plain text"
            assert from_family(glyph, stack), f"{where}, a font outside the stack {stack}; {INSTALL_HINT}"
            font = document.font_named(glyph.font)
            assert glyph.gid != 0, f"{where}: .notdef"
            assert font.has_glyph(glyph.gid), (
                f"{where}, which that font lacks (a .notdef box); {INSTALL_HINT}"
            )
            assert glyph.text.isspace() or font.has_outline(glyph.gid), f"{where}, an empty glyph"


def assert_emoji_in_colour(page):
    # the thumbs-up is yellow: some pixel of a drawn image is far from grey
    assert len(page.images) >= len(EMOJI), f"{len(page.images)} images drawn for {len(EMOJI)} emoji"
    saturation = max((image.convert("HSV").getextrema()[1][1] for image in page.images), default=0)
    assert saturation > 128, "the emoji are drawn in grey"


def test_the_notice_prints_extension_b_and_emoji_with_real_glyphs(pdf_from_html):
    document = Document(pdf_from_html(notice_html(SUBJECT)))
    [page] = document.pages
    assert_real_glyphs(document, page, SUBJECT, fonts.BODY)
    assert_real_glyphs(document, page, "2024年2月18日", fonts.BODY)  # digits, not emoji bitmaps
    assert_real_glyphs(document, page, "督办单", fonts.TITLE)
    assert_real_glyphs(document, page, "事　　项", fonts.HEADING)
    assert_emoji_in_colour(page)


@pytest.mark.parametrize("name", fonts.STACKS)
def test_each_shared_stack_prints_every_kind_of_character(pdf_from_html, name):
    """The stacks the coming templates (reply letters) will use, each on its own."""
    html = Template(
        '{% load pdf_fonts %}<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head>'
        "<body><p style='font-family: {% font_family name %}'>{{ text }}</p></body></html>"
    ).render(Context({"name": name, "text": SUBJECT + SYMBOLS}))
    document = Document(pdf_from_html(html))
    [page] = document.pages
    assert_real_glyphs(document, page, SUBJECT + SYMBOLS, fonts.STACKS[name])
    assert_emoji_in_colour(page)


def pdf_templates():
    root = Path(settings.BASE_DIR) / "templates"
    return [root / "escalation" / "notice_pdf.html", *sorted((root / "documents").glob("**/*.html"))]


@pytest.mark.parametrize("path", pdf_templates(), ids=lambda path: path.name)
def test_pdf_templates_take_their_fonts_from_the_shared_stacks(path):
    """A hard-coded font list would miss the fallbacks; Chinese must stay the document's language."""
    source = path.read_text()
    assert '<html lang="zh-CN">' in source
    declarations = re.findall(r"font-family\s*:\s*([^;]*)", source)
    assert declarations
    for value in declarations:
        assert re.fullmatch(r'\{% font_family "(body|title|heading)" %\}\s*', value), value


def test_the_stacks_end_with_hanazono_and_a_generic_family_and_never_name_the_emoji_font():
    """Naming it (or ``emoji``) makes fontconfig rank it first for digits too (see fonts.py)."""
    for stack in fonts.STACKS.values():
        assert stack[-3:-1] == fonts.EXTENSION_B
        assert stack[-1] in {"serif", "sans-serif"}
        assert fonts.EMOJI_FONT not in stack and "emoji" not in stack
    assert fonts.css_font_family(fonts.HEADING) == (
        '"SimHei", "黑体", "Noto Sans CJK SC", "HanaMinB", "HanaMinA", sans-serif'
    )
