"""The reply letter as a .docx, for offices that finish letters in WPS or Word.

Same text as the PDF (workflows.documents.letters), set as close to it as Word allows: A4 with the
GB/T 9704 margins, 3号 仿宋 on a fixed 28.9 pt line pitch, the red issuer name over a red double
rule, the 2号 小标宋 title, and page numbers "— 2 —" in 4号 from page 2, odd pages right and even
pages left. Word does not fall back through a font list, so each style names the licensed GB font
that such offices have installed (WPS ships them).
"""

import io
import re

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
RED = RGBColor(0xE0, 0x00, 0x00)
LINE_PITCH = Pt(28.9)
BODY_SIZE = Pt(16)
# characters XML 1.0 cannot carry (pasted from other programs); Word would refuse the file
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value):
    return NOT_XML.sub("", value)


def _font(run, name, size, color=None):
    run.font.name = name
    run.font.size = size
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color


def _paragraph(document, text, *, size=BODY_SIZE, font=BODY_FONT, align=None, indent=False, color=None):
    paragraph = document.add_paragraph()
    layout = paragraph.paragraph_format
    layout.space_before = layout.space_after = Pt(0)
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = LINE_PITCH
    if indent:
        layout.first_line_indent = Pt(32)  # two characters
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(_text(text)), font, size, color)
    return paragraph


def _double_rule(paragraph):
    """A red double rule under the paragraph, thick above thin (信函格式)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (
        ("w:val", "thickThinSmallGap"),
        ("w:sz", "24"),
        ("w:space", "6"),
        ("w:color", "E00000"),
    ):
        bottom.set(qn(name), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _page_number(footer, align):
    """ "— N —" in 4号 with Word's PAGE field, one character in from the edge."""
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = Pt(14)
    else:
        paragraph.paragraph_format.left_indent = Pt(14)
    _font(paragraph.add_run("— "), BODY_FONT, Pt(14))
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = paragraph.add_run("1")
    _font(run, BODY_FONT, Pt(14))
    run._r.addprevious(field)
    field.append(run._r)
    _font(paragraph.add_run(" —"), BODY_FONT, Pt(14))


def letter_render_docx(data):
    """The letter's .docx bytes."""
    document = Document()
    document.core_properties.title = _text(data.heading)
    document.core_properties.author = _text(data.department)
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    section.different_first_page_header_footer = True  # no number on page 1
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    if data.draft:
        for header in (section.first_page_header, section.header, section.even_page_header):
            run = header.paragraphs[0].add_run("草稿")
            _font(run, BODY_FONT, Pt(16), RGBColor(0x99, 0x99, 0x99))

    _paragraph(document, data.result_category, align=WD_ALIGN_PARAGRAPH.RIGHT)
    issuer = _paragraph(
        document, data.department, size=Pt(26), font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    issuer.runs[0].font.color.rgb = RED
    _double_rule(issuer)
    _paragraph(document, data.document_number, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, data.heading, size=Pt(22), font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, data.salutation)
    for text in (*data.paragraphs, data.closing):
        if text:
            _paragraph(document, text, indent=True)
    _paragraph(document, "")
    for text in (data.department, data.chinese_date):
        signature = _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        signature.paragraph_format.right_indent = Pt(64)  # four characters
    if data.contact_line:
        _paragraph(document, "")
        _paragraph(document, data.contact_line, indent=True)
    if data.copies_line:
        _paragraph(document, "")
        copies = _paragraph(document, data.copies_line, size=Pt(14))
        copies.paragraph_format.first_line_indent = Pt(14)
    language = OxmlElement("w:lang")
    language.set(qn("w:eastAsia"), "zh-CN")  # Simplified Chinese glyph forms, as lang="zh-CN" in the PDF
    document.styles["Normal"].element.get_or_add_rPr().append(language)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
