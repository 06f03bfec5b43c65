"""Import of a duty table (重点任务分解表 / 责任分工表) from .xlsx: all rows or none.

``duty_table_parse`` reads the workbook as real tables are written (a title row, perhaps a
document-number row, the header row found by its text, merged cells, several departments per
cell, deadlines as written) and returns a ``DutyTablePreview``: every row as it will be created,
with its problems. ``duty_table_import`` creates the table and its duties, status DRAFT (待交办),
in one transaction, after checking the preview again. The upload page and the
``import_duties`` command both go through these two functions.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from accounts.audit import audit_record
from accounts.department_names import DepartmentNames
from accounts.models import AuditEvent, Department
from tasks.duties.deadlines_text import DeadlineTextError, cycle_words, deadline_read
from tasks.duties.models import Duty, DutyTable
from workflows.documents.spreadsheets import names_split, sheet_read

MAX_ROWS = 3000

# Column keys and the header texts tables use for them (compared without spaces and notes in
# brackets, so 牵头\n单位 and 牵头单位（部门） are found too).
COLUMN_NAMES = {
    "sequence": ("序号", "编号"),
    "title": ("重点任务", "主要任务", "工作任务", "任务名称", "任务内容", "重点工作", "任务"),
    "measures": ("具体措施", "工作措施", "主要措施", "具体内容", "措施"),
    "lead_leader": ("牵头领导", "责任领导", "牵头市领导", "责任市领导", "分管领导"),
    "lead": ("牵头单位", "牵头部门", "责任单位", "责任部门", "主办单位", "牵头责任单位"),
    "cooperating": ("配合单位", "配合部门", "协办单位", "协办部门", "参与单位", "协同单位"),
    "deadline": ("完成时限", "完成时间", "时间节点", "时限要求", "完成期限", "时间要求", "时限"),
}
REQUIRED = ("title", "lead", "sequence", "deadline")  # the first two find the header row
# The template's header, and the column each key is written under in messages.
TEMPLATE_COLUMNS = ["序号", "重点任务", "具体措施", "牵头领导", "牵头单位", "配合单位", "完成时限"]
COLUMN_TITLES = dict(zip(COLUMN_NAMES, TEMPLATE_COLUMNS, strict=True))

DOCUMENT_NUMBER = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,12})\s*[〔\[［(（【]\s*(?P<year>\d{4})\s*[〕\]］)）】]\s*(?P<number>\d+)\s*号"
)
ISSUE_DATE = re.compile(r"(?P<year>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日")
TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
ATTACHMENT_LABEL = re.compile(r"^附件\s*[\d一二三四五六七八九十]*[:：]?$")
# 各成员单位 / 各县(市)区政府: names standing for several member units
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
ALL_MEMBERS = re.compile(r"^(?:联席会议)?各成员单位$")
ALL_DISTRICTS = re.compile(
    r"^各(?:县\(市\)区|县\(市、?区\)|县市区|县\(市\)、区|区县|县区|区县\(市\))(?:人民)?(?:政府)?$"
)


@dataclass
class DutyRow:
    """One line of the table as it will be created, or with the problems that block it."""

    line: int
    sequence_text: str
    title: str
    measures: str
    lead_leader: str
    lead_text: str
    cooperating_text: str
    deadline_text: str
    sequence: int | None = None
    lead: Department | None = None
    cooperating: list = field(default_factory=list)
    deadline: datetime.date | None = None
    cycle: str = Duty.Cycle.ONCE
    report_day: int | None = None
    errors: list = field(default_factory=list)  # (column key, message)
    notes: list = field(default_factory=list)

    @property
    def error_columns(self):
        return {column for column, _message in self.errors}

    @property
    def cycle_words(self):
        return cycle_words(self.cycle, self.report_day)

    @property
    def cooperating_names(self):
        return "、".join(department.short_name for department in self.cooperating)


@dataclass
class DutyTablePreview:
    meeting: object
    title: str
    source: str
    issued_on: datetime.date | None
    year: int | None
    rows: list
    columns: dict  # column key → its index in the sheet (0-based)
    headers: dict  # column key → its header text as written
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
                        "letter": get_column_letter(self.columns[column] + 1),
                        "column": self.headers[column],
                        "problem": message,
                    }
                )
        return lines


def _above_header(grid, header_index):
    """(title, document number, issue date) from the rows above the header."""
    title, source, issued_on = "", "", None
    for row in grid[:header_index]:
        texts = list(dict.fromkeys(value for value in row if value))  # a merged title fills its row
        text = " ".join(texts)
        if not text or ATTACHMENT_LABEL.match(text):
            continue
        number = DOCUMENT_NUMBER.search(text)
        if number and not source:
            source = f"{number['prefix']}〔{number['year']}〕{number['number']}号"
        date = ISSUE_DATE.search(text)
        if date and issued_on is None:
            try:
                issued_on = datetime.date(int(date["year"]), int(date["month"]), int(date["day"]))
            except ValueError:
                pass  # an impossible date in the heading is not an issue date
        rest = DOCUMENT_NUMBER.sub("", ISSUE_DATE.sub("", text)).strip(" ()（）")
        if not title and rest and not (number and len(rest) < 4):
            title = text
    return title, source, issued_on


def _table_year(title, source, issued_on, year):
    found = TITLE_YEAR.search(title)
    if found:
        return int(found.group(1))
    if issued_on:
        return issued_on.year
    number = DOCUMENT_NUMBER.search(source)
    if number:
        return int(number["year"])
    return year


class DepartmentResolver:
    """Department names as tables write them, looked up among the meeting's members first and
    then among every active department (``DepartmentNames``); collective names (各成员单位,
    各县(市)区政府) stand for several member units."""

    def __init__(self, meeting):
        self.members = list(meeting.members.filter(is_active=True).order_by("code"))
        self.member_ids = {department.pk for department in self.members}
        self.names = DepartmentNames(preferred=self.members)

    def resolve(self, cell):
        """(departments, problems, notes) for one cell."""
        departments, problems, notes = [], [], []
        for name in names_split(cell):
            if ALL_MEMBERS.match(name):
                departments += self.members
            elif ALL_DISTRICTS.match(name):
                districts = [d for d in self.members if d.kind == Department.Kind.DISTRICT]
                if districts:
                    departments += districts
                else:
                    problems.append(
                        _("“%(name)s”: the joint meeting has no county or district member units.")
                        % {"name": name}
                    )
            else:
                found, problem = self.names.find(name)
                if found:
                    departments.append(found)
                    if found.pk not in self.member_ids:
                        notes.append(
                            _("%(name)s is not a member unit of this joint meeting.")
                            % {"name": found.short_name}
                        )
                else:
                    problems.append(problem)
        return list(dict.fromkeys(departments)), problems, notes


def _sequence(text):
    if re.fullmatch(r"\d{1,6}", text.translate(FULL_WIDTH_DIGITS)):
        return int(text.translate(FULL_WIDTH_DIGITS))
    return None


def _is_heading(values):
    """A section heading (一、营造创新氛围) or a note (注：…) between or below the duties."""
    filled = {values[key] for key in values if values[key]}
    if _sequence(values.get("sequence", "")) is not None:
        return False
    return len(filled) <= 1 or not any(values.get(key) for key in ("lead", "deadline"))


def _row(line, values, resolver, year):
    row = DutyRow(
        line=line,
        sequence_text=values.get("sequence", ""),
        title=values.get("title", ""),
        measures=values.get("measures", ""),
        lead_leader=values.get("lead_leader", ""),
        lead_text=values.get("lead", ""),
        cooperating_text=values.get("cooperating", ""),
        deadline_text=values.get("deadline", ""),
    )
    if row.measures == row.title:
        row.measures = ""  # 重点任务 and 具体措施 merged into one cell
    row.sequence = _sequence(row.sequence_text)
    if not row.sequence_text:
        row.errors.append(("sequence", _("The number is empty.")))
    elif row.sequence is None:
        row.errors.append(("sequence", _("“%(text)s” is not a whole number.") % {"text": row.sequence_text}))
    limits = [("title", 300), ("lead_leader", 100), ("deadline", 100)]
    if not row.title:
        row.errors.append(("title", _("The duty is empty.")))
    for key, limit in limits:
        if len(values.get(key, "")) > limit:
            row.errors.append((key, _("At most %(limit)d characters.") % {"limit": limit}))
    if not row.lead_text:
        row.errors.append(("lead", _("The lead department is empty.")))
    else:
        leads, problems, notes = resolver.resolve(row.lead_text)
        row.errors += [("lead", problem) for problem in problems]
        row.notes += notes
        if leads:
            row.lead = leads[0]
            if len(leads) > 1:
                row.cooperating += leads[1:]
                row.notes.append(
                    _("%(lead)s leads; %(others)s join the cooperating departments.")
                    % {"lead": row.lead.short_name, "others": "、".join(d.short_name for d in leads[1:])}
                )
    if row.cooperating_text:
        others, problems, notes = resolver.resolve(row.cooperating_text)
        row.errors += [("cooperating", problem) for problem in problems]
        row.notes += notes
        row.cooperating += others
    row.cooperating = [d for d in dict.fromkeys(row.cooperating) if d != row.lead]
    try:
        read = deadline_read(row.deadline_text, year=year)
    except DeadlineTextError as error:
        row.errors.append(("deadline", str(error)))
    else:
        row.deadline, row.cycle, row.report_day = read.deadline, read.cycle, read.report_day
    row.notes = list(dict.fromkeys(row.notes))
    return row


def duty_table_parse(content, *, meeting, year=None, file_name=""):
    """Read and check a duty table for ``meeting``; nothing is written. ``year`` is the year the
    secretariat gives for deadlines without one, when the title and the issue date give none.
    Raises ``SpreadsheetError`` when the file as a whole cannot be read."""
    sheet = sheet_read(
        content,
        names=COLUMN_NAMES,
        required=REQUIRED,
        titles=COLUMN_TITLES,
        max_rows=MAX_ROWS,
        first_data_key="sequence",
    )
    grid, header_index = sheet.grid, sheet.header_index
    title, source, issued_on = _above_header(grid, header_index)
    title = title or re.sub(r"\.xlsx$", "", file_name, flags=re.I).strip()
    table_year = _table_year(title, source, issued_on, year)

    resolver = DepartmentResolver(meeting)
    rows, seen = [], {}
    for line, values in sheet.rows():
        if _is_heading(values):
            continue
        row = _row(line, values, resolver, table_year)
        if row.sequence is not None:
            if row.sequence in seen:
                row.errors.append(
                    (
                        "sequence",
                        _("No. %(number)s is repeated from row %(line)s.")
                        % {"number": row.sequence, "line": seen[row.sequence]},
                    )
                )
            else:
                seen[row.sequence] = line
        rows.append(row)

    preview = DutyTablePreview(
        meeting=meeting,
        title=title,
        source=source,
        issued_on=issued_on,
        year=table_year,
        rows=rows,
        columns=sheet.columns,
        headers=sheet.headers,
    )
    if not title:
        preview.file_errors.append(_("The table has no title row above its header."))
    elif len(title) > 200:
        preview.file_errors.append(_("The title is longer than 200 characters."))
    elif DutyTable.objects.filter(meeting=meeting, title=title).exists():
        preview.file_errors.append(
            _("A duty table titled “%(title)s” has already been imported for %(meeting)s.")
            % {"title": title, "meeting": meeting}
        )
    if not rows:
        preview.file_errors.append(_("The table has no duties below its header."))
    if len(rows) > MAX_ROWS:
        preview.file_errors.append(_("At most %(max)s duties can be imported at once.") % {"max": MAX_ROWS})
    return preview


@transaction.atomic
def duty_table_import(*, preview, actor):
    """Create the table and its duties (待交办: no flow starts, no access is granted) or none."""
    if not preview.is_valid:
        raise ValueError("a duty table with errors cannot be imported")
    table = DutyTable.objects.create(
        meeting=preview.meeting, title=preview.title, source=preview.source, issued_on=preview.issued_on
    )
    duties = Duty.objects.bulk_create(
        [
            Duty(
                table=table,
                status=Duty.Status.DRAFT,
                sequence=row.sequence,
                title=row.title,
                measures=row.measures,
                lead_leader=row.lead_leader,
                lead=row.lead,
                deadline=row.deadline,
                deadline_text=row.deadline_text,
                cycle=row.cycle,
                report_day=row.report_day,
            )
            for row in preview.rows
        ],
        batch_size=1000,
    )
    through = Duty.cooperating.through
    through.objects.bulk_create(
        [
            through(duty_id=duty.pk, department_id=department.pk)
            for duty, row in zip(duties, preview.rows, strict=True)
            for department in row.cooperating
        ],
        batch_size=5000,
    )
    audit_record(
        action=AuditEvent.Action.REGISTER,
        summary=f"导入重点任务分解表《{table.title}》，共{len(duties)}项任务",
        actor=actor,
        obj=table,
        after={"meeting": preview.meeting.pk, "source": table.source, "duties": len(duties)},
    )
    return table
