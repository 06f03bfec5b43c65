"""情况汇总表 as one .xlsx in the official layout: a sheet per table, each with the notice's
title rows (the summary's title, the table's title), its header row, the rows numbered 序号 1, 2…
and the table's note (注：…) under them."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from tasks.campaigns.models import SummaryRow

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WIDTHS = {"序号": 6, "名称": 36, "活动名称": 36, "主要内容": 48, "备注": 24}


def summary_workbook(campaign, departments):
    """The workbook of the rows of ``departments`` (a queryset the viewer may see), as bytes."""
    tables = list(campaign.summary_tables.all())
    rows = {}
    for row in (
        SummaryRow.objects.filter(table__campaign=campaign, department__in=departments)
        .select_related("department")
        .order_by("table", "department__code", "pk")
    ):
        rows.setdefault(row.table_id, []).append(row)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(table.title.split("：")[0][:31])
        width = len(table.columns)
        sheet.append([campaign.summary_heading()])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet["A1"].font = Font(name="方正小标宋简体", size=16)
        sheet["A1"].alignment = Alignment(horizontal="center")
        sheet.append([table.title])
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
        sheet["A2"].font = Font(name="黑体", size=12)
        sheet.append(table.columns)
        for cell in sheet[3]:
            cell.font = Font(name="黑体", bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center")
            cell.border = BOX
        entry = table.entry_columns()
        for number, row in enumerate(rows.get(table.pk, []), start=1):
            values = dict(zip(entry, row.cells, strict=False))
            sheet.append([number if column == "序号" else values.get(column, "") for column in table.columns])
            for cell in sheet[sheet.max_row]:
                cell.border = BOX
                cell.alignment = Alignment(vertical="top", wrap_text=True)
        if table.note:
            sheet.append([f"注：{table.note}"])
            sheet.merge_cells(
                start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width
            )
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(column, 14)
    if not tables:
        workbook.create_sheet("情况汇总表")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
