"""Reading .xlsx tables as offices write them, for every import (duty tables, proposals…).

A table starts with a title row and perhaps a document-number row; its header row is found by its
text wherever it is (``header_find``), compared without spaces, line breaks and notes in brackets,
so 牵头\\n单位 and 牵头单位（部门） are found too; a merged cell applies its value to every cell it
spans (one lead department for three duties). Nothing here knows what the columns mean: each
import names its columns (key → the header texts used for it) and checks its own rows.
"""

import datetime
import io
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

MAX_FILE_BYTES = 10 * 1024 * 1024
HEADER_SEARCH_ROWS = 30
NOTE_IN_BRACKETS = re.compile(r"[(（【\[].*?[)）】\]]")
# several names in one cell: 、，, ；; / and line breaks
NAME_SEPARATORS = re.compile(r"[、，,；;/\s]+")


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; the message says why, for the user."""


def cell_text(value):
    """A cell as text: whole numbers without ``.0``, dates as YYYY-MM-DD, stripped."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value:%Y-%m-%d}"  # a date typed as an Excel date
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()  # kept as written: 全角 brackets in a title stay


def names_split(text):
    """The names in one cell (departments, joint proposers), in order, without repeats."""
    return list(
        dict.fromkeys(part for part in NAME_SEPARATORS.split(unicodedata.normalize("NFKC", text)) if part)
    )


def header_key(value, names):
    """The column key whose header texts (``names``: key → texts) include ``value``, or None."""
    text = NOTE_IN_BRACKETS.sub("", re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(value))))
    for key, texts in names.items():
        if text in texts:
            return key
    return None


def sheet_grid(content, *, names, anchors, max_rows, max_bytes=MAX_FILE_BYTES):
    """The first sheet whose header names the ``anchors`` columns (else the first sheet), as rows
    of texts with merged cells filled in. Raises ``SpreadsheetError`` for a file that is too big,
    not an .xlsx workbook, empty, or longer than ``max_rows``."""
    if len(content) > max_bytes:
        raise SpreadsheetError(
            _("The file is larger than %(size)s MB.") % {"size": max_bytes // (1024 * 1024)}
        )
    try:
        workbook = load_workbook(io.BytesIO(content), data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not .xlsx
        raise SpreadsheetError(_("The file is not a valid Excel workbook (.xlsx).")) from exc
    first = None
    for sheet in workbook.worksheets:
        if sheet.max_row > max_rows + HEADER_SEARCH_ROWS:
            raise SpreadsheetError(_("At most %(max)s rows can be imported at once.") % {"max": max_rows})
        grid = [[cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            value = grid[merged.min_row - 1][merged.min_col - 1]
            for row in range(merged.min_row - 1, min(merged.max_row, len(grid))):
                for column in range(merged.min_col - 1, min(merged.max_col, len(grid[row]))):
                    grid[row][column] = value
        if header_find(grid, names=names, anchors=anchors)[0] is not None:
            return grid
        first = grid if first is None else first
    if not first or not any(any(row) for row in first):
        raise SpreadsheetError(_("The workbook is empty."))
    return first


def header_find(grid, *, names, anchors, first_data_key=None):
    """(index of the header's last row, column key → index) or (None, {}): the first of the top
    rows naming every ``anchors`` column. A two-row header (责任单位 over 牵头单位 | 配合单位) is
    read as one when the row below names columns too and is not data (its ``first_data_key``
    column, e.g. 序号, is not a number)."""
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        columns = {}
        for position, value in enumerate(row):
            key = header_key(value, names)
            if key and key not in columns:
                columns[key] = position
        if not all(anchor in columns for anchor in anchors):
            continue
        below = grid[index + 1] if index + 1 < len(grid) else []
        under = {}
        for position, value in enumerate(below):
            key = header_key(value, names)
            if key and key not in under:
                under[key] = position
        first_cell = below[columns.get(first_data_key, 0)] if below else ""
        if under and not first_cell.isdigit():
            columns.update(under)
            index += 1
        return index, columns
    return None, {}


@dataclass
class Sheet:
    """A table read from a workbook: the rows above the header, and the rows below it."""

    grid: list
    header_index: int  # 0-based index of the header's last row
    columns: dict  # column key → its index in the sheet (0-based)
    headers: dict  # column key → its header text as written

    def rows(self):
        """(line number as Excel shows it, column key → text) for each non-empty row below the header."""
        for line, cells in enumerate(self.grid[self.header_index + 1 :], start=self.header_index + 2):
            values = {
                key: cells[position] if position < len(cells) else ""
                for key, position in self.columns.items()
            }
            if any(values.values()):
                yield line, values

    def letter(self, key):
        return get_column_letter(self.columns[key] + 1)


def sheet_read(content, *, names, required, titles, max_rows, first_data_key=None, max_bytes=MAX_FILE_BYTES):
    """Read the table whose columns ``names`` describes; ``required`` keys must all be present
    (``titles``: key → the column's name in messages). Raises ``SpreadsheetError``."""
    anchors = required[:2]
    grid = sheet_grid(content, names=names, anchors=anchors, max_rows=max_rows, max_bytes=max_bytes)
    header_index, columns = header_find(grid, names=names, anchors=anchors, first_data_key=first_data_key)
    if header_index is None:
        raise SpreadsheetError(
            _("No header row naming the columns %(columns)s was found in the first %(rows)s rows.")
            % {"columns": "、".join(titles[key] for key in required), "rows": HEADER_SEARCH_ROWS}
        )
    missing = [titles[key] for key in required if key not in columns]
    if missing:
        raise SpreadsheetError(
            _("The header row (row %(line)s) has no column %(missing)s.")
            % {"line": header_index + 1, "missing": "、".join(missing)}
        )
    header_row = grid[header_index]
    headers = {key: header_row[position] or titles[key] for key, position in columns.items()}
    return Sheet(grid=grid, header_index=header_index, columns=columns, headers=headers)


def template_workbook(*, title, columns, examples=(), widths=None):
    """A blank import template: a title row, the header row and example rows, as .xlsx bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(columns)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in examples:
        sheet.append(list(row))
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
