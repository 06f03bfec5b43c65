"""Duty tables built in the tests, as real ones are written, and the 南通 meeting they are for."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from tasks.duties.models import JointMeeting
from tests.conftest import make_department

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
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(header))
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


@pytest.fixture
def nantong(kjj, kx, jyj):
    """The 南通 双创 joint meeting (seed 003) with some of its 23 member units; 科技局 runs it."""
    members = [
        kjj,
        jyj,
        make_department("nt-xcb", "中共南通市委宣传部", "宣传部", "party"),
        make_department("nt-rsj", "南通市人力资源和社会保障局", "人社局"),
        make_department("nt-czj", "南通市财政局", "财政局"),
        make_department("nt-jrb", "南通市人民政府金融工作办公室", "金融办"),
        make_department("nt-gxq", "南通高新技术产业开发区管理委员会", "南通高新区", "district"),
        make_department("nt-xq", "南通市各县（市）区人民政府", "县（市）区政府", "district"),
    ]
    meeting = JointMeeting.objects.create(
        name="南通市大众创业万众创新联席会议", short_name="南通双创联席会议", office=kjj
    )
    meeting.members.set(members)
    return meeting
