"""Duty tables built in the tests, as real ones are written."""

import io

from openpyxl import Workbook, load_workbook

HEADER = ["序号", "重点任务", "具体措施", "牵头领导", "牵头单位", "配合单位", "完成时限"]
TITLE = "2018年大众创业万众创新重点任务分解表"


def duty_workbook(rows, *, title=TITLE, document=None, header=HEADER, merges=(), above=(), sheet_title=None):
    """An .xlsx as bytes: optional rows ``above`` (附件1), a document-number row, the title
    row (merged across the columns), the header, then ``rows``; ``merges`` are ranges such as
    "E4:E6" (their other cells are left empty, as Excel keeps them)."""
    book = Workbook()
    sheet = book.active
    if sheet_title:
        sheet.title = sheet_title
    for row in above:
        sheet.append(row)
    if document:
        sheet.append([document])
    if title:
        sheet.append([title])
        sheet.merge_cells(
            start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(header)
        )
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_workbook(content):
    return load_workbook(io.BytesIO(content))
