"""Duty tables as .xlsx: the blank template to fill in, and the export of the duties a user may
see, in the layout the import reads (title row, header row, one row per duty) plus 进展情况 /
存在问题 / 下步计划, with the duty's light as the colour of its 完成时限 cell."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from tasks.duties.access import duties_for_user
from tasks.duties.importing import TEMPLATE_COLUMNS
from tasks.duties.models import ProgressReport
from workflows.documents.dates import chinese_date
from workflows.documents.spreadsheets import template_workbook
from workflows.escalation.lights import with_light
from workflows.escalation.models import Light

REPORT_COLUMNS = ["进展情况", "存在问题", "下步计划"]
EXPORT_COLUMNS = TEMPLATE_COLUMNS + REPORT_COLUMNS
WIDTHS = [6, 30, 40, 12, 16, 24, 20, 40, 30, 30]
LIGHT_FILLS = {
    Light.GREEN: "C6EFCE",
    Light.YELLOW: "FFEB9C",
    Light.RED: "FFC7CE",
    Light.LATE: "F8CBAD",
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
TEMPLATE_EXAMPLE = [
    1,
    "推进众创空间建设",
    "新建市级以上众创空间10家，实现各县（市）区全覆盖",
    "分管副市长",
    "市科技局",
    "市人社局、市财政局",
    "2018年12月底前完成，每季度末报送进展",
]


def duty_latest_report_text(duties):
    """{duty pk: (进展情况, 存在问题, 下步计划)} from each duty's latest report that its head has
    signed off (what the secretariat and the leaders read), for all ``duties`` in one query."""
    reports = (
        ProgressReport.objects.filter(
            duty__in=duties,
            status__in=[ProgressReport.Status.SIGNED_OFF, ProgressReport.Status.ACCEPTED],
        )
        .order_by("duty_id", "-submitted_at", "-pk")
        .values_list("duty_id", "progress", "problems", "next_steps")
    )
    latest = {}
    for duty_id, *text in reports:
        latest.setdefault(duty_id, tuple(text))
    return latest


def _cell(sheet, value, *, bold=False, fill=None):
    cell = WriteOnlyCell(sheet, value=value)
    cell.alignment = WRAP
    cell.border = BORDER
    if bold:
        cell.font = Font(bold=True)
    if fill:
        cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
    return cell


def _sheet(workbook, title, source, columns):
    sheet = workbook.create_sheet(title=_sheet_name(workbook, title))
    for index, width in enumerate(WIDTHS[: len(columns)], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if source:
        sheet.append([source])
    heading = WriteOnlyCell(sheet, value=title)
    heading.font = Font(bold=True, size=16)
    heading.alignment = Alignment(horizontal="center")
    sheet.append([heading])
    sheet.append([_cell(sheet, column, bold=True) for column in columns])
    return sheet


def _sheet_name(workbook, title):
    """Sheet names are at most 31 characters, without []:*?/\\, and unique in the workbook."""
    base = "".join(c for c in title if c not in "[]:*?/\\")[:28] or "Sheet"
    name, n = base, 1
    while name in workbook.sheetnames:
        n += 1
        name = f"{base[:26]}-{n}"
    return name


def _save(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def duty_table_template():
    """The blank duty table to fill in: a title row, the header, one example row."""
    return template_workbook(
        title="重点任务分解表（示例标题，请改为本表标题）",
        columns=TEMPLATE_COLUMNS,
        examples=[TEMPLATE_EXAMPLE],
        widths=WIDTHS,
    )


def duty_export(*, user, table=None):
    """The duties ``user`` may see (of one table, or all of them: a sheet per table) as .xlsx."""
    duties = (
        with_light(duties_for_user(user), user)
        .select_related("table", "lead")
        .prefetch_related("cooperating")
        .order_by("table__meeting", "table", "sequence")
    )
    if table is not None:
        duties = duties.filter(table=table)
    workbook = Workbook(write_only=True)
    current, sheet, batch = None, None, []

    def flush():
        reports = duty_latest_report_text(batch)
        for duty in batch:
            deadline = duty.deadline_text or (chinese_date(duty.deadline) if duty.deadline else "")
            values = [
                duty.sequence,
                duty.title,
                duty.measures,
                duty.lead_leader,
                duty.lead.short_name,
                "、".join(department.short_name for department in duty.cooperating.all()),
            ]
            row = [_cell(sheet, value) for value in values]
            row.append(_cell(sheet, deadline, fill=LIGHT_FILLS.get(duty.light)))
            row += [_cell(sheet, text) for text in reports.get(duty.pk, ("", "", ""))]
            sheet.append(row)
        batch.clear()

    for duty in duties.iterator(chunk_size=2000):
        if duty.table_id != current:
            flush()
            current = duty.table_id
            sheet = _sheet(workbook, duty.table.title, duty.table.source, EXPORT_COLUMNS)
        batch.append(duty)
        if len(batch) >= 2000:
            flush()
    flush()
    if sheet is None:
        empty = _sheet(workbook, _("No duties"), "", EXPORT_COLUMNS)
        empty.append([_("There are no duties you may see here.")])
    return _save(workbook)


def duty_export_filename(table=None):
    today = timezone.localdate()
    return f"{table.title if table else '重点任务'}_{today:%Y%m%d}.xlsx"
