"""The reply letter (答复函) in the letter format of GB/T 9704-2012, rendered from plain data.

The proposal process builds a ``LetterData`` (``LetterData.from_dict`` takes the dict its
``reply_letter_data(reply)`` returns) and the machinery here turns it into the PDF
(``letter_render_pdf``), the .docx (workflows.documents.letter_docx) and the 核稿 findings
(workflows.documents.proofreading). Rendering happens in Celery workers only (workflows.documents.jobs).

Layout (DESIGN.md section 5), all in templates/documents/letter.html: A4, the text block 156 mm ×
225 mm with its left edge at 28 mm and its first line's characters at 37 mm from the top, 22 lines
of 28 characters of 3号 (16 pt) 仿宋; page numbers "— 2 —" in 4号 from page 2, odd pages right and
even pages left.
"""

import dataclasses
import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from workflows.documents.dates import chinese_date
from workflows.documents.pdf import pdf_from_html

SUGGESTION = "suggestion"  # 人大代表建议
PROPOSAL = "proposal"  # 政协委员提案
KINDS = {SUGGESTION: ("代表", "建议"), PROPOSAL: ("委员", "提案")}

# 答复类别 (DESIGN.md glossary); a deployment may word them differently, the letters stay A–D.
RESULT_CATEGORIES = {
    "A": "已解决或采纳",
    "B": "正在解决或列入计划解决",
    "C": "因条件限制待以后解决",
    "D": "留作参考",
}

DEFAULT_CLOSING = "衷心感谢您对我们工作的关心和支持，欢迎继续提出宝贵意见和建议。"


@dataclasses.dataclass(frozen=True)
class LetterData:
    """Everything a reply letter shows; plain values, so a Celery task can carry it as JSON."""

    kind: str  # SUGGESTION or PROPOSAL: 代表/建议 or 委员/提案
    recipients: tuple  # the proposers this letter answers, e.g. ("石剑波",)
    session: str  # 届次/会次, e.g. "市十五届人大一次会议"
    proposal_number: str
    proposal_title: str
    paragraphs: tuple  # the body, one string per paragraph
    result_category: str  # "A" to "D"
    department: str  # the issuing (lead handling) department's full name
    date: datetime.date
    contact_person: str = ""
    contact_phone: str = ""
    co_handlers: tuple = ()
    copy_to: tuple = ()  # 抄送, besides the co-handlers
    document_number: str = ""  # 发文字号, given at release; empty on drafts
    closing: str = DEFAULT_CLOSING
    title: str = ""  # empty: 对{session}第{number}号{建议/提案}的答复
    draft: bool = True

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown kind of letter {self.kind!r}: {' or '.join(KINDS)}")

    @classmethod
    def from_dict(cls, values):
        """A LetterData from a dict (the process's ``reply_letter_data`` or a job's JSON).

        Unknown keys are an error, so a renamed field fails loudly instead of printing blank.
        """
        values = dict(values)
        fields = {field.name for field in dataclasses.fields(cls)}
        unknown = set(values) - fields
        if unknown:
            raise TypeError(f"LetterData has no field(s) {', '.join(sorted(unknown))}")
        if isinstance(values.get("date"), str):
            values["date"] = datetime.date.fromisoformat(values["date"])
        for name in ("recipients", "paragraphs", "co_handlers", "copy_to"):
            if name in values:
                value = values[name]
                values[name] = (value,) if isinstance(value, str) else tuple(value)
        return cls(**values)

    def to_dict(self):
        """JSON-ready values (the date as ISO text); ``from_dict`` reads them back."""
        values = dataclasses.asdict(self)
        values["date"] = self.date.isoformat()
        for name in ("recipients", "paragraphs", "co_handlers", "copy_to"):
            values[name] = list(values[name])
        return values

    @property
    def proposer_title(self):
        return KINDS[self.kind][0]

    @property
    def kind_noun(self):
        return KINDS[self.kind][1]

    @property
    def salutation(self):
        """尊敬的石剑波代表： (deputies) or 尊敬的×××委员： (CPPCC members)."""
        return f"尊敬的{'、'.join(self.recipients)}{self.proposer_title}："

    @property
    def heading(self):
        if self.title:
            return self.title
        return f"对{self.session}第{self.proposal_number}号{self.kind_noun}的答复"

    @property
    def chinese_date(self):
        return chinese_date(self.date)

    @property
    def copies(self):
        """The 抄送 list: the given offices, then the co-handlers not already named."""
        return (*self.copy_to, *(name for name in self.co_handlers if name not in self.copy_to))

    @property
    def contact_line(self):
        parts = []
        if self.contact_person:
            parts.append(f"联系人：{self.contact_person}")
        if self.contact_phone:
            parts.append(f"联系电话：{self.contact_phone}")
        return f"（{'，'.join(parts)}）" if parts else ""

    @property
    def copies_line(self):
        return f"抄送：{'，'.join(self.copies)}。" if self.copies else ""


def letter_html(data):
    """The letter as HTML (templates/documents/letter.html); every value of ``data`` is escaped."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("documents/letter.html", {"letter": data})


def letter_render_pdf(data):
    """The letter's PDF bytes. Slow (a fraction of a second): call it from a Celery worker."""
    return pdf_from_html(letter_html(data))
