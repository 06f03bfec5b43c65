"""The dashboard's tables as one .xlsx: a sheet per table, the same figures as the page."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

DEPARTMENT_COLUMNS = [
    "单位",
    "红灯",
    "黄灯",
    "绿灯",
    "最长逾期（工作日）",
    "交办任务",
    "办结任务",
    "按时办结任务",
    "交办答复",
    "已答复",
    "按时答复",
    "办复率（%）",
    "按时办结率（%）",
    "征询意见",
    "满意率·办理（%）",
    "满意率·结果（%）",
]


def _department_cells(row, name):
    return [
        name,
        row.red,
        row.yellow,
        row.green,
        row.days_overdue,
        row.duties_assigned,
        row.duties_closed,
        row.duties_on_time,
        row.replies_assigned,
        row.replies_released,
        row.replies_on_time,
        row.reply_rate,
        row.on_time_rate,
        row.evaluated,
        row.attitude_rate,
        row.result_rate,
    ]


def _sheet(workbook, title, heading, columns, rows):
    sheet = workbook.create_sheet(title)
    sheet.append([heading])
    sheet["A1"].font = Font(name="黑体", size=14)
    sheet.append(columns)
    for cell in sheet[2]:
        cell.font = Font(name="黑体", bold=True)
    for row in rows:
        sheet.append(row)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(column) * 2 + 2)
    return sheet


def dashboard_workbook(figures, *, heading):
    """The workbook of ``figures`` (already scoped to the viewer), as bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    department_rows = [_department_cells(row, row.department.name) for row in figures.departments]
    if figures.departments:
        department_rows.append(_department_cells(figures.totals, "合计"))
    _sheet(workbook, "各单位", heading, DEPARTMENT_COLUMNS, department_rows)
    _sheet(
        workbook,
        "联席会议",
        heading,
        ["联席会议", "红灯", "黄灯", "绿灯"],
        [[row["name"], row["red"], row["yellow"], row["green"]] for row in figures.meetings],
    )
    _sheet(
        workbook,
        "逾期事项",
        heading,
        ["事项", "环节", "责任单位", "期限", "逾期（工作日）"],
        [
            [
                row["title"],
                str(row["step"]),
                row["deadline"].department.name,
                row["deadline"].due,
                row["days_overdue"],
            ]
            for row in figures.overdue
        ],
    )
    _sheet(
        workbook,
        "办理阶段",
        heading,
        ["阶段", "件数"],
        [[str(label), count] for _v, label, count in figures.stages],
    )
    _sheet(
        workbook,
        "答复类别",
        heading,
        ["类别", "件数"],
        [[str(label), count] for _v, label, count in figures.categories],
    )
    _sheet(
        workbook,
        "月度趋势",
        heading,
        ["月份", *[str(name) for name, _values in figures.trend]],
        [
            [f"{month:%Y-%m}", *[values[index] for _name, values in figures.trend]]
            for index, month in enumerate(figures.months)
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
