"""核稿: the secretariat's checks of a reply letter before sign-off, as pure functions of LetterData.

Each rule takes the letter and returns its findings (what is wrong, where, and the fix when there
is one); ``letter_proofread`` runs them all. Nothing here blocks a release: the findings are shown
beside the preview and the secretariat decides.
"""

import dataclasses
import re

from django.utils.translation import gettext as _

from workflows.documents.letters import KINDS, RESULT_CATEGORIES

CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f“”‘’《》"
HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）", ".": "。"}
# a half-width mark touching Chinese text on one side ("." only after Chinese: 3.5 and 1. stay)
HALF_WIDTH = re.compile(rf"(?<=[{CJK}])\s*[,:;!?().]|[,:;!?()](?=\s*[{CJK}])")
# a document number cited in the text: 机关代字 + year in some bracket + number + 号
CITED_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}?[发函字复办]\s*(?P<opening>[\[\(（【［〔])\s*\d{4}\s*(?P<closing>[\]\)）】］〕])"
    r"\s*(?P<ordinal>第?)(?P<digits>\d+)号"
)
OWN_NUMBER = re.compile(r"[^\s〔〕\[\]【】()（）\d]{1,20}〔\d{4}〕[1-9]\d*号")
BAD_DATES = (
    re.compile(r"(?<!\d)(?:19|20)\d{2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}(?!\d)"),  # 2017-06-29
    re.compile(r"(?<!\d)\d{4}年0\d月|(?<!\d)\d{4}年\d{1,2}月0\d日"),  # 2017年06月29日
    re.compile(r"(?<![\d年])\d{2}年\d{1,2}月\d{1,2}日"),  # 17年6月29日
    re.compile(r"[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日"),
)
PHONE = re.compile(r"(?:\d{3,4}-)?\d{7,8}(?:-\d{1,6})?|1\d{10}")
# wording that says which result a reply gives (答复类别, DESIGN.md glossary)
CATEGORY_WORDING = {
    "A": ("已解决", "已经解决", "已采纳", "予以采纳", "已落实"),
    "B": ("正在解决", "列入计划", "列入规划", "逐步解决", "正在推进"),
    "C": ("条件限制", "暂不具备条件", "待以后解决", "目前难以解决", "暂无法解决"),
    "D": ("留作参考", "作为参考", "参考采纳"),
}


@dataclasses.dataclass(frozen=True)
class Finding:
    rule: str  # the rule's function name
    message: str  # in the user's language (Chinese)
    field: str  # the LetterData field, e.g. "paragraphs"
    paragraph: int | None = None  # index into the field when it is a list
    offset: int | None = None  # character offset in that text
    excerpt: str = ""  # the text found, for the reader to locate it


def _texts(data):
    """(field, paragraph index, text) of every free text of the letter."""
    yield "title", None, data.title
    for index, paragraph in enumerate(data.paragraphs):
        yield "paragraphs", index, paragraph
    yield "closing", None, data.closing


def _matches(rule, data, pattern, message, wanted=lambda match: True):
    """A finding for each match of ``pattern`` in the letter's texts; ``message(match)`` says why."""
    return [
        Finding(rule, message(match), field, index, match.start(), match.group())
        for field, index, text in _texts(data)
        for match in pattern.finditer(text)
        if wanted(match)
    ]


def _context(text, start, end, around=6):
    return text[max(0, start - around) : end + around]


def halfwidth_punctuation(data):
    """Half-width , : ; ! ? ( ) . beside Chinese text, where GB/T 9704 wants full-width marks."""
    findings = []
    for field, index, text in _texts(data):
        for match in HALF_WIDTH.finditer(text):
            mark = match.group().strip()
            findings.append(
                Finding(
                    "halfwidth_punctuation",
                    _("Half-width “%(mark)s” in Chinese text: use “%(full)s”.")
                    % {"mark": mark, "full": HALF_TO_FULL[mark]},
                    field,
                    index,
                    match.end() - 1,
                    _context(text, match.start(), match.end()),
                )
            )
    return findings


def document_number_format(data):
    """The letter's number and the numbers it cites: 〔〕 around the year, no 第, no leading zero."""
    findings = []
    number = data.document_number
    if number and not OWN_NUMBER.fullmatch(number):
        findings.append(
            Finding(
                "document_number_format",
                _(
                    "The document number “%(number)s” must read like 通科复〔2017〕12号: "
                    "the year in 〔〕, the number without leading zeros or 第."
                )
                % {"number": number},
                "document_number",
                excerpt=number,
            )
        )
    findings += _matches(
        "document_number_format",
        data,
        CITED_NUMBER,
        lambda match: (
            _(
                "The cited document number “%(number)s” must use 〔〕 around the year "
                "and no leading zeros or 第."
            )
            % {"number": match.group()}
        ),
        wanted=lambda match: (
            match["opening"] + match["closing"] != "〔〕" or match["ordinal"] or match["digits"][0] == "0"
        ),
    )
    return findings


def date_format(data):
    """Dates written other than 2017年6月29日 (Arabic numerals, full year, no leading zeros)."""
    return [
        finding
        for pattern in BAD_DATES
        for finding in _matches(
            "date_format",
            data,
            pattern,
            lambda match: (
                _("The date “%(date)s” must be written like 2017年6月29日.") % {"date": match.group()}
            ),
        )
    ]


def contact_details(data):
    """The 联系人 and 联系电话 every reply gives the proposer."""
    findings = []
    if not data.contact_person.strip():
        findings.append(
            Finding("contact_details", _("The contact person (联系人) is missing."), "contact_person")
        )
    phone = data.contact_phone.strip()
    if not phone:
        findings.append(
            Finding("contact_details", _("The contact telephone (联系电话) is missing."), "contact_phone")
        )
    elif not PHONE.fullmatch(phone):
        findings.append(
            Finding(
                "contact_details",
                _("The contact telephone “%(phone)s” is not a telephone number such as 0513-85123456.")
                % {"phone": phone},
                "contact_phone",
                excerpt=phone,
            )
        )
    return findings


def salutation_kind(data):
    """A deputy (代表, 建议) addressed as a member (委员, 提案) in the text, or the other way round."""
    title, noun = KINDS[data.kind]
    wrong_title, wrong_noun = next(words for kind, words in KINDS.items() if kind != data.kind)
    names = "|".join(re.escape(name) for name in data.recipients if name)
    wrong = [
        rf"尊敬的[^，。：:\s]{{1,30}}?{wrong_title}",
        rf"第{re.escape(data.proposal_number)}号{wrong_noun}",
    ]
    if names:
        wrong.append(rf"(?:{names})(?:等)?{wrong_title}")
    return _matches(
        "salutation_kind",
        data,
        re.compile("|".join(wrong)),
        lambda match: (
            _("“%(text)s” does not match a %(noun)s: address the proposer as %(title)s.")
            % {"text": match.group(), "noun": noun, "title": title}
        ),
    )


def result_category(data):
    """The 答复类别 must be given (A–D) and agree with what the text says about the result."""
    category = data.result_category
    if category not in RESULT_CATEGORIES:
        return [
            Finding(
                "result_category",
                _("The result category (答复类别) is missing: choose A, B, C or D."),
                "result_category",
                excerpt=category,
            )
        ]
    texts = list(_texts(data))
    if any(phrase in text for _f, _i, text in texts for phrase in CATEGORY_WORDING[category]):
        return []
    others = [
        (other, phrase)
        for other, phrases in CATEGORY_WORDING.items()
        if other != category
        for phrase in phrases
    ]
    findings = []
    for field, index, text in texts:
        for other, phrase in others:
            position = text.find(phrase)
            if position >= 0:
                message = _(
                    "The letter is category %(category)s, but the text says “%(phrase)s” (%(other)s)."
                )
                findings.append(
                    Finding(
                        "result_category",
                        message % {"category": category, "phrase": phrase, "other": other},
                        field,
                        index,
                        position,
                        phrase,
                    )
                )
    return findings


RULES = (
    halfwidth_punctuation,
    document_number_format,
    date_format,
    contact_details,
    salutation_kind,
    result_category,
)


def letter_proofread(data):
    """Every finding of every rule, in the order of the rules."""
    return [finding for rule in RULES for finding in rule(data)]
