"""Campaign workbooks read with a dry run, as accounts.imports reads users: every row is checked
and shown with its problems; nothing is stored until a preview without errors is confirmed.

- the activities of a campaign (序号 / 活动名称 / 主办单位 / 协办单位 / 开始日期 / 结束日期 / 地点 / 备注);
- one department's summary tables, in the layout of the export (a sheet per table, its title
  rows, a header row with the table's columns).
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.imports import (
    ImportFileError,
    _AmbiguousDepartment,
    _cell,
    _match_department,
    department_suggestions,
)
from accounts.models import Department
from tasks.campaigns import services

ACTIVITY_COLUMNS = ["序号", "活动名称", "主办单位", "协办单位", "开始日期", "结束日期", "地点", "备注"]
ACTIVITY_REQUIRED = ["活动名称", "主办单位", "开始日期"]
MAX_ROWS = 2000
SEPARATORS = re.compile(r"[、，,;；\s]+")
DATE_FORMS = [
    re.compile(r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?$"),
    re.compile(r"^(?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?$"),
]


def _workbook(file):
    from openpyxl import load_workbook

    try:
        return load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not .xlsx
        raise ImportFileError(_("The file is not a valid Excel workbook (.xlsx).")) from exc


def _date(value, year):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _cell(value)
    for form in DATE_FORMS:
        match = form.match(text)
        if match:
            try:
                return datetime.date(
                    int(match.groupdict().get("y") or year), int(match["m"]), int(match["d"])
                )
            except ValueError:
                return None
    return None


def _departments(text, departments, errors):
    found = []
    for name in (part for part in SEPARATORS.split(text) if part):
        try:
            department = _match_department(name, departments)
        except _AmbiguousDepartment as ambiguous:
            errors.append(
                _("Several departments are called “%(name)s”; use the full name: %(names)s.")
                % {"name": name, "names": "、".join(ambiguous.names)}
            )
            continue
        if department is None:
            suggestions = department_suggestions(name, departments)
            errors.append(
                _("Unknown department “%(name)s”. Did you mean: %(suggestions)s?")
                % {"name": name, "suggestions": "、".join(suggestions)}
                if suggestions
                else _("Unknown department “%(name)s”.") % {"name": name}
            )
        elif department not in found:
            found.append(department)
    return found


@dataclass
class ActivityRow:
    line: int
    values: dict
    hosts: list = field(default_factory=list)
    co_hosts: list = field(default_factory=list)
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    errors: list = field(default_factory=list)


def activities_import_parse(file, campaign):
    """Read and check the activities of a workbook's first sheet; a row with errors blocks the import."""
    workbook = _workbook(file)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    if not rows:
        raise ImportFileError(_("The workbook is empty."))
    header = [_cell(value) for value in rows[0]]
    missing = [column for column in ACTIVITY_REQUIRED if column not in header]
    if missing:
        raise ImportFileError(
            _("The first row must name the columns %(columns)s; missing: %(missing)s.")
            % {"columns": "、".join(ACTIVITY_COLUMNS), "missing": "、".join(missing)}
        )
    positions = {column: header.index(column) for column in ACTIVITY_COLUMNS if column in header}
    data = [(line, row) for line, row in enumerate(rows[1:], start=2) if any(_cell(value) for value in row)]
    if not data:
        raise ImportFileError(_("The workbook has no activity rows below the header."))
    if len(data) > MAX_ROWS:
        raise ImportFileError(_("At most %(max)s rows can be imported at once.") % {"max": MAX_ROWS})
    departments = list(Department.objects.filter(is_active=True))
    taken = set(campaign.activities.values_list("sequence", flat=True))
    result = []
    for line, row in data:
        raw = {column: (row[i] if i < len(row) else None) for column, i in positions.items()}
        item = ActivityRow(line, {column: _cell(value) for column, value in raw.items()})
        values, errors = item.values, item.errors
        if not values.get("活动名称"):
            errors.append(_("%(column)s is empty.") % {"column": "活动名称"})
        elif len(values["活动名称"]) > 300:
            errors.append(
                _("%(column)s is longer than %(limit)d characters.") % {"column": "活动名称", "limit": 300}
            )
        if not values.get("主办单位"):
            errors.append(_("%(column)s is empty.") % {"column": "主办单位"})
        item.hosts = _departments(values.get("主办单位", ""), departments, errors)
        item.co_hosts = _departments(values.get("协办单位", ""), departments, errors)
        item.starts_on = _date(raw.get("开始日期"), campaign.starts_on.year)
        item.ends_on = (
            _date(raw.get("结束日期"), campaign.starts_on.year) if values.get("结束日期") else item.starts_on
        )
        for column, day in (("开始日期", item.starts_on), ("结束日期", item.ends_on)):
            if day is None and values.get(column):
                errors.append(
                    _("%(column)s “%(value)s” is not a date such as 2017-09-25 or 9月25日.")
                    % {"column": column, "value": values[column]}
                )
        if not values.get("开始日期"):
            errors.append(_("%(column)s is empty.") % {"column": "开始日期"})
        if item.starts_on and item.ends_on and item.ends_on < item.starts_on:
            errors.append(_("The activity ends before it starts."))
        sequence = values.get("序号", "")
        if sequence and (not sequence.isdigit() or int(sequence) in taken):
            errors.append(_("序号 “%(value)s” is not a new whole number.") % {"value": sequence})
        elif sequence:
            taken.add(int(sequence))
        for column, limit in (("地点", 200), ("备注", 300)):
            if len(values.get(column, "")) > limit:
                errors.append(
                    _("%(column)s is longer than %(limit)d characters.") % {"column": column, "limit": limit}
                )
        result.append(item)
    return result


@transaction.atomic
def activities_import_apply(*, rows, campaign, actor):
    if any(row.errors for row in rows):
        raise ValueError("an import with row errors cannot be applied")
    return [
        services.activity_add(
            campaign=campaign,
            sequence=int(row.values["序号"]) if row.values.get("序号") else None,
            name=row.values["活动名称"],
            hosts=row.hosts,
            co_hosts=row.co_hosts,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            place=row.values.get("地点", ""),
            note=row.values.get("备注", ""),
            actor=actor,
        )
        for row in rows
    ]


@dataclass
class SummaryImportRow:
    table: object
    line: int
    values: list
    cells: list | None = None
    errors: list = field(default_factory=list)


def _table_sheet(workbook, table):
    """The sheet of ``table``: named like it (表一), or titled with it in its first rows."""
    key = table.title.split("：")[0].split(":")[0]
    for sheet in workbook.worksheets:
        if sheet.title.startswith(key):
            return sheet
    return None


def summary_import_parse(file, campaign):
    """The rows of each summary table found in the workbook; tables absent are left alone."""
    workbook = _workbook(file)
    result, found = [], []
    for table in campaign.summary_tables.all():
        sheet = _table_sheet(workbook, table)
        if sheet is None:
            continue
        rows = list(sheet.iter_rows(values_only=True))
        header_at = next(
            (
                index
                for index, row in enumerate(rows[:10])
                if all(column in [_cell(value) for value in row] for column in table.columns)
            ),
            None,
        )
        if header_at is None:
            workbook.close()
            raise ImportFileError(
                _("Sheet “%(sheet)s” has no header row with the columns %(columns)s.")
                % {"sheet": sheet.title, "columns": "、".join(table.columns)}
            )
        header = [_cell(value) for value in rows[header_at]]
        positions = [header.index(column) for column in table.entry_columns()]
        found.append(table)
        for line, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
            values = [row[i] if i < len(row) else None for i in positions]
            if not any(_cell(value) for value in values):
                continue
            if _cell(row[0] if row else "").startswith("注"):
                break
            item = SummaryImportRow(table, line, [_cell(value) for value in values])
            try:
                item.cells = services.summary_cells_clean(table, values)
            except ValidationError as error:
                item.errors = error.messages
            result.append(item)
    workbook.close()
    if not found:
        raise ImportFileError(
            _("No sheet is named after a table of this campaign (%(tables)s).")
            % {"tables": "、".join(table.title for table in campaign.summary_tables.all())}
        )
    if len(result) > MAX_ROWS:
        raise ImportFileError(_("At most %(max)s rows can be imported at once.") % {"max": MAX_ROWS})
    return found, result


def summary_import_apply(*, campaign, department, tables, rows, user):
    if any(row.errors for row in rows):
        raise ValueError("an import with row errors cannot be applied")
    services.summary_rows_replace(
        campaign=campaign,
        department=department,
        rows_by_table={table: [row.cells for row in rows if row.table == table] for table in tables},
        user=user,
    )
