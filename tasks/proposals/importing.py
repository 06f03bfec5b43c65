"""Import of suggestions and proposals from .xlsx: every row registered and assigned, or none.

Columns, found by their header text wherever the header row is: 类别 (建议 / 提案), 届次, 编号,
标题, 内容, 领衔人, 联名人, 主办单位, 协办单位, 收到日期. Several units in 主办单位 mean 分办 (each
replies for its own part); joint proposers and co-handlers are separated by 、，,； or line breaks.
``proposal_import_parse`` checks every row and returns a preview; nothing is written until
``proposal_import_apply`` registers (登记) and assigns (交办) every row in one transaction. The
upload page and the ``import_proposals`` command go through these two functions.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.department_names import DepartmentNames
from tasks.proposals.assignment import proposals_assign
from tasks.proposals.models import Proposal, Proposer
from tasks.proposals.services import proposals_register
from workflows.documents.spreadsheets import names_split, sheet_read

MAX_ROWS = 3000
COLUMN_NAMES = {
    "kind": ("类别", "类型", "建议提案类别"),
    "session": ("届次", "届别"),
    "number": ("编号", "案号", "建议号", "提案号", "序号"),
    "title": ("标题", "案由", "题目", "建议标题", "提案标题"),
    "content": ("内容", "正文", "建议内容", "提案内容"),
    "lead_proposer": ("领衔人", "领衔代表", "领衔委员", "提出人", "提案人"),
    "joint_proposers": ("联名人", "联名代表", "联名委员", "附议人"),
    "lead": ("主办单位", "承办单位", "主办"),
    "co_handlers": ("协办单位", "会办单位", "协办"),
    "received_on": ("收到日期", "收到时间", "交办日期"),
}
TEMPLATE_COLUMNS = [
    "类别",
    "届次",
    "编号",
    "标题",
    "内容",
    "领衔人",
    "联名人",
    "主办单位",
    "协办单位",
    "收到日期",
]
TITLES = dict(zip(COLUMN_NAMES, TEMPLATE_COLUMNS, strict=True))
REQUIRED = ("number", "title", "kind", "session", "content", "lead_proposer", "lead")
KINDS = {
    "建议": Proposal.Kind.SUGGESTION,
    "代表建议": Proposal.Kind.SUGGESTION,
    "人大代表建议": Proposal.Kind.SUGGESTION,
    "人大建议": Proposal.Kind.SUGGESTION,
    "提案": Proposal.Kind.PROPOSAL,
    "委员提案": Proposal.Kind.PROPOSAL,
    "政协委员提案": Proposal.Kind.PROPOSAL,
    "政协提案": Proposal.Kind.PROPOSAL,
}
DATE = re.compile(r"^(?P<year>\d{4})\s*[-./年]\s*(?P<month>\d{1,2})\s*[-./月]\s*(?P<day>\d{1,2})\s*日?$")
LIMITS = {"session": 60, "number": 20, "title": 300, "lead_proposer": 50}


@dataclass
class ProposalRow:
    """One row as it will be registered and assigned, or with the problems that block it."""

    line: int
    values: dict
    kind: str = ""
    proposers: list = field(default_factory=list)  # names, the lead proposer first
    lead: object = None
    others: list = field(default_factory=list)  # co-handlers, or under 分办 the other units
    mode: str = Proposal.Mode.LEAD
    received_on: datetime.date | None = None
    errors: list = field(default_factory=list)  # (column key, message)

    @property
    def error_columns(self):
        return {column for column, _message in self.errors}

    @property
    def others_names(self):
        return "、".join(department.short_name for department in self.others)


@dataclass
class ProposalImportPreview:
    rows: list
    headers: dict
    letters: dict  # column key → its letter in the sheet
    file_errors: list = field(default_factory=list)

    @property
    def error_count(self):
        return len(self.file_errors) + sum(len(row.errors) for row in self.rows)

    @property
    def is_valid(self):
        return not self.error_count

    def messages(self):
        """Every problem on one line of its own, naming the row and column."""
        lines = list(self.file_errors)
        for row in self.rows:
            for column, message in row.errors:
                lines.append(
                    _("Row %(line)s, column %(letter)s (%(column)s): %(problem)s")
                    % {
                        "line": row.line,
                        "letter": self.letters[column],
                        "column": self.headers[column],
                        "problem": message,
                    }
                )
        return lines


def _date(text):
    found = DATE.match(unicodedata.normalize("NFKC", text))
    if not found:
        return None
    return datetime.date(int(found["year"]), int(found["month"]), int(found["day"]))


def _departments(text, names, key, row):
    found = []
    for name in names_split(text):
        department, problem = names.find(name)
        if department:
            found.append(department)
        else:
            row.errors.append((key, problem))
    return list(dict.fromkeys(found))


def _row(line, values, names):
    row = ProposalRow(line=line, values=values)
    kind_text = re.sub(r"\s+", "", values.get("kind", ""))
    row.kind = KINDS.get(kind_text, "")
    if not row.kind:
        row.errors.append(("kind", _("“%(text)s” is neither 建议 nor 提案.") % {"text": kind_text}))
    for key in REQUIRED:
        if not values.get(key) and key != "kind":
            row.errors.append((key, _("This column is empty.")))
    for key, limit in LIMITS.items():
        if len(values.get(key, "")) > limit:
            row.errors.append((key, _("At most %(limit)d characters.") % {"limit": limit}))
    proposers = [values.get("lead_proposer", ""), *names_split(values.get("joint_proposers", ""))]
    row.proposers = list(dict.fromkeys(Proposer.name_without_title(name) for name in proposers if name))
    if any(len(name) > 50 for name in row.proposers[1:]):
        row.errors.append(("joint_proposers", _("A name is longer than 50 characters.")))
    leads = _departments(values.get("lead", ""), names, "lead", row)
    others = _departments(values.get("co_handlers", ""), names, "co_handlers", row)
    if len(leads) > 1 and others:
        row.errors.append(
            (
                "co_handlers",
                _("Several units in 主办单位 mean split handling (分办), which has no co-handlers."),
            )
        )
    if leads:
        row.lead = leads[0]
        row.mode = Proposal.Mode.SPLIT if len(leads) > 1 else Proposal.Mode.LEAD
        row.others = [department for department in (leads[1:] or others) if department != row.lead]
    text = values.get("received_on", "")
    if text:
        try:
            row.received_on = _date(text)
        except ValueError:
            row.errors.append(("received_on", _("“%(text)s” is not a date that exists.") % {"text": text}))
        else:
            if row.received_on is None:
                row.errors.append(
                    (
                        "received_on",
                        _("“%(text)s” is not a date such as 2017-01-05 or 2017年1月5日.") % {"text": text},
                    )
                )
    return row


def proposal_import_parse(content):
    """Read and check a workbook of proposals; nothing is written. Raises ``SpreadsheetError``
    when the file as a whole cannot be read."""
    sheet = sheet_read(content, names=COLUMN_NAMES, required=REQUIRED, titles=TITLES, max_rows=MAX_ROWS)
    names = DepartmentNames()
    rows, seen = [], {}
    for line, values in sheet.rows():
        row = _row(line, values, names)
        key = (row.kind, values.get("session", ""), values.get("number", ""))
        if row.kind and all(key):
            if key in seen:
                row.errors.append(
                    (
                        "number",
                        _("No. %(number)s is repeated from row %(line)s.")
                        % {"number": key[2], "line": seen[key]},
                    )
                )
            seen.setdefault(key, line)
        rows.append(row)
    preview = ProposalImportPreview(
        rows=rows,
        headers={key: sheet.headers.get(key, TITLES[key]) for key in COLUMN_NAMES},
        letters={key: sheet.letter(key) if key in sheet.columns else "?" for key in COLUMN_NAMES},
    )
    registered = _registered(seen)
    for row in rows:
        key = (row.kind, row.values.get("session", ""), row.values.get("number", ""))
        if key in registered and seen.get(key) == row.line:
            row.errors.append(
                (
                    "number",
                    _("%(kind)s No. %(number)s of session %(session)s is already registered.")
                    % {"kind": Proposal.Kind(row.kind).label, "number": key[2], "session": key[1]},
                )
            )
    if not rows:
        preview.file_errors.append(_("The table has no rows below its header."))
    return preview


def _registered(keys):
    """Those of ``keys`` (kind, session, number) already registered, in one query."""
    if not keys:
        return set()
    numbers = {number for _kind, _session, number in keys}
    existing = Proposal.objects.filter(number__in=numbers, sitting="").values_list(
        "kind", "session", "number"
    )
    return set(existing) & set(keys)


@transaction.atomic
def proposal_import_apply(*, preview, actor):
    """登记 and 交办 every row of a valid preview, in one transaction; returns the proposals."""
    if not preview.is_valid:
        raise ValueError("a workbook with errors cannot be imported")
    proposals = proposals_register(
        [
            {
                "kind": row.kind,
                "session": row.values["session"],
                "number": row.values["number"],
                "title": row.values["title"],
                "content": row.values["content"],
                "proposers": [{"name": name} for name in row.proposers],
                "received_on": row.received_on,
                "mode": row.mode,
            }
            for row in preview.rows
        ],
        actor=actor,
    )
    proposals_assign(
        [(proposal, row.lead, row.others) for proposal, row in zip(proposals, preview.rows, strict=True)],
        actor=actor,
    )
    return proposals
