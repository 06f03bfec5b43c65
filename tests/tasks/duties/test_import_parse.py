"""Reading a duty table as real ones are written, and refusing what cannot be imported."""

import datetime
import io
import zipfile

import pytest
from django.utils import translation
from guardian.models import GroupObjectPermission, UserObjectPermission

from accounts.models import AuditEvent
from demo import data
from tasks.duties.importing import duty_table_import, duty_table_parse
from tasks.duties.models import Duty, DutyTable, JointMeeting
from tests.conftest import make_department
from tests.tasks.duties.spreadsheets import duty_workbook
from workflows.documents.spreadsheets import MAX_FILE_BYTES, SpreadsheetError

D = datetime.date


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def parse(content, meeting, **kwargs):
    return duty_table_parse(content, meeting=meeting, **kwargs)


def short_names(departments):
    return [department.short_name for department in departments]


def test_a_table_with_title_and_document_rows_is_read_row_by_row(nantong, kjj, jyj):
    content = duty_workbook(
        [
            [
                1,
                "推进众创空间建设",
                "新建市级以上众创空间10家",
                "王副市长",
                "市科技局",
                "市人社局、市财政局",
                "2018年10月15日",
            ],
            [2, "加强创业教育", "高校开设创业课程", "", "南通市教育局", "科技局", "10月底"],
            [3, "营造创新创业氛围", "", "", "中共南通市委宣传部", "各成员单位", "长期坚持"],
        ],
        document="通政发〔2015〕37号",
    )
    preview = parse(content, nantong)
    assert preview.is_valid, preview.messages()
    assert (preview.title, preview.source, preview.year) == (
        "2018年大众创业万众创新重点任务分解表",
        "通政发〔2015〕37号",
        2018,
    )
    first, second, third = preview.rows
    assert (first.line, first.sequence, first.title, first.measures, first.lead_leader) == (
        4,
        1,
        "推进众创空间建设",
        "新建市级以上众创空间10家",
        "王副市长",
    )
    assert first.lead == kjj and short_names(first.cooperating) == ["人社局", "财政局"]
    assert (first.deadline, first.cycle, first.deadline_text) == (D(2018, 10, 15), "once", "2018年10月15日")
    assert second.lead == jyj and second.cooperating == [kjj]
    assert second.deadline == D(2018, 10, 31)  # the table's year, from its title
    assert third.lead.short_name == "宣传部"
    # 各成员单位: every member unit but the lead itself
    assert set(short_names(third.cooperating)) == set(short_names(nantong.members.all())) - {"宣传部"}
    assert (third.deadline, third.cycle) == (None, "quarterly")


def test_the_header_is_found_below_an_attachment_label_and_under_other_names(nantong, kjj, jyj):
    header = ["序 号", "主要任务", "工作措施", "责任单位", "协办单位", "时间节点"]
    content = duty_workbook(
        [[1, "推进众创空间建设", "新建众创空间", "科技局", "教育局", "2018-12-31"]],
        header=header,
        above=[["附件1"], []],
    )
    preview = parse(content, nantong)
    assert preview.is_valid, preview.messages()
    assert preview.title == "2018年大众创业万众创新重点任务分解表"
    row = preview.rows[0]
    assert (row.line, row.lead, row.cooperating, row.deadline) == (5, kjj, [jyj], D(2018, 12, 31))


def test_a_header_cell_with_a_line_break_or_a_note_is_recognised(nantong, kjj):
    header = ["序号", "重点\n任务", "具体措施", "牵头单位（部门）", "配合单位", "完成时限"]
    preview = parse(duty_workbook([[1, "任务", "", "科技局", "", "2018年12月"]], header=header), nantong)
    assert preview.is_valid and preview.rows[0].lead == kjj


def test_a_two_row_header_with_lead_and_cooperating_under_responsible_units(nantong, kjj, jyj):
    content = duty_workbook(
        [
            ["序号", "重点任务", "具体措施", "责任单位", "责任单位", "完成时限"],
            ["", "", "", "牵头单位", "配合单位", ""],
            [1, "推进众创空间建设", "", "科技局", "教育局", "2018年12月"],
        ],
        header=["附表"],
        merges=["A3:A4", "B3:B4", "C3:C4", "D3:E3", "F3:F4"],
        title="2018年重点任务分解表",
    )
    preview = parse(content, nantong)
    assert preview.is_valid, preview.messages()
    row = preview.rows[0]
    assert (row.line, row.lead, row.cooperating) == (5, kjj, [jyj])


def test_a_merged_key_task_or_lead_applies_to_every_row_it_spans(nantong, kjj, jyj):
    content = duty_workbook(
        [
            [
                1,
                "建设创新创业载体",
                "建设众创空间",
                "",
                "科技局",
                "人社局",
                "2018年6月底前完成，每季度末报送进展",
            ],
            [2, None, "建设科技企业孵化器", "", None, "财政局", "2018年12月"],
            [3, None, "建设大学科技园", "", "教育局", "", "每月28日前"],
        ],
        merges=["B3:B5", "E3:E4"],
    )
    preview = parse(content, nantong)
    assert preview.is_valid, preview.messages()
    assert [row.title for row in preview.rows] == ["建设创新创业载体"] * 3
    assert [row.lead for row in preview.rows] == [kjj, kjj, jyj]
    first, _second, third = preview.rows
    assert (first.deadline, first.cycle) == (D(2018, 6, 30), "quarterly")
    assert (third.deadline, third.cycle, third.report_day) == (None, "monthly", 28)


def test_departments_in_one_cell_are_split_at_every_usual_separator(nantong):
    cell = "人社局、财政局，教育局,宣传部；金融办;南通高新区\n市科协"
    preview = parse(duty_workbook([[1, "任务", "", "", "科技局", cell, "2018年12月"]]), nantong)
    row = preview.rows[0]
    assert preview.is_valid, preview.messages()
    assert short_names(row.cooperating) == [
        "人社局",
        "财政局",
        "教育局",
        "宣传部",
        "金融办",
        "南通高新区",
        "科协",
    ]
    # 科协 is found among every department, and the preview says it is not a member unit
    assert "科协不是本联席会议的成员单位。" in row.notes


@pytest.mark.parametrize(
    "written",
    ["科技局", "市科技局", "南通市科技局", "南通市科学技术局", " 科技局 ", "科技局\n"],
)
def test_a_department_is_found_by_its_alias_or_full_name(nantong, kjj, written):
    preview = parse(duty_workbook([[1, "任务", "", "", written, "", "2018年12月"]]), nantong)
    assert preview.is_valid, preview.messages()
    assert preview.rows[0].lead == kjj


@pytest.mark.parametrize("written", ["中共南通市委宣传部", "市委宣传部", "南通市委宣传部", "宣传部"])
def test_a_party_organ_is_found_with_or_without_its_prefix(nantong, written):
    preview = parse(duty_workbook([[1, "任务", "", "", written, "", "2018年12月"]]), nantong)
    assert preview.rows[0].lead.code == "nt-xcb"


def test_a_government_office_is_found_by_its_short_name_after_the_government(nantong):
    preview = parse(duty_workbook([[1, "任务", "", "", "市政府金融办", "", "2018年12月"]]), nantong)
    assert preview.rows[0].lead.code == "nt-jrb"


def test_several_lead_departments_make_the_first_one_lead(nantong, kjj, jyj):
    preview = parse(duty_workbook([[1, "任务", "", "", "科技局、教育局", "财政局", "2018年12月"]]), nantong)
    row = preview.rows[0]
    assert row.lead == kjj and short_names(row.cooperating) == ["教育局", "财政局"]
    assert "科技局牵头，教育局列为配合单位。" in row.notes


@pytest.mark.parametrize("written", ["各县(市)区政府", "各县（市）区", "各县（市）区人民政府"])
def test_the_districts_collective_name_is_every_district_member(nantong, written):
    preview = parse(duty_workbook([[1, "任务", "", "", "科技局", written, "2018年12月"]]), nantong)
    assert preview.is_valid, preview.messages()
    assert short_names(preview.rows[0].cooperating) == ["南通高新区", "县（市）区政府"]


def test_the_districts_collective_name_is_an_error_for_a_meeting_without_districts(kjj, jyj):
    meeting = JointMeeting.objects.create(name="浙江中小企业协会工作组", short_name="工作组", office=kjj)
    meeting.members.set([kjj, jyj])
    preview = parse(duty_workbook([[1, "任务", "", "", "科技局", "各县(市)区政府", "2018年12月"]]), meeting)
    assert preview.messages() == [
        "第3行F列（配合单位）：“各县(市)区政府”：本联席会议没有县（市）区成员单位。"
    ]


def test_an_unknown_department_is_named_with_the_closest_names(nantong):
    preview = parse(duty_workbook([[1, "任务", "", "", "市科技委", "", "2018年12月"]]), nantong)
    assert preview.messages() == ["第3行E列（牵头单位）：单位“市科技委”不存在，您是不是要找：科技局？"]
    assert preview.rows[0].error_columns == {"lead"}


def test_the_year_comes_from_the_issue_date_then_the_document_number_then_the_secretariat(nantong):
    rows = [[1, "任务", "", "", "科技局", "", "10月底"]]
    dated = parse(
        duty_workbook(rows, title="重点任务分解表", document="通政发〔2015〕37号 2016年8月20日印发"), nantong
    )
    assert (dated.issued_on, dated.year, dated.rows[0].deadline) == (D(2016, 8, 20), 2016, D(2016, 10, 31))
    numbered = parse(duty_workbook(rows, title="重点任务分解表", document="通政发[2015]37号"), nantong)
    assert (numbered.source, numbered.rows[0].deadline) == ("通政发〔2015〕37号", D(2015, 10, 31))
    given = parse(duty_workbook(rows, title="重点任务分解表"), nantong, year=2019)
    assert given.rows[0].deadline == D(2019, 10, 31)
    # the title wins over the year the secretariat gives
    titled = parse(duty_workbook(rows), nantong, year=2019)
    assert titled.rows[0].deadline == D(2018, 10, 31)
    none = parse(duty_workbook(rows, title="重点任务分解表"), nantong)
    assert not none.is_valid and "没有写年份" in none.messages()[0]


def test_a_deadline_typed_as_an_excel_date_is_read(nantong):
    preview = parse(
        duty_workbook([[1, "任务", "", "", "科技局", "", datetime.datetime(2018, 9, 30)]]), nantong
    )
    assert preview.rows[0].deadline == D(2018, 9, 30)


def test_section_headings_and_notes_between_duties_are_skipped(nantong):
    content = duty_workbook(
        [
            ["一、营造良好创新创业环境"],
            [1, "任务甲", "", "", "科技局", "", "2018年12月"],
            ["二、加强创新创业服务", None, None, None, None, None, None],
            [2, "任务乙", "", "", "教育局", "", "2018年12月"],
            ["注：完成时限为最迟完成时间。"],
        ],
        merges=["A5:G5"],
    )
    preview = parse(content, nantong)
    assert preview.is_valid, preview.messages()
    assert [(row.line, row.sequence) for row in preview.rows] == [(4, 1), (6, 2)]


def test_every_row_problem_is_named_by_row_and_column(nantong):
    content = duty_workbook(
        [
            [1, "任务甲", "", "", "科技局", "", "2018年2月30日"],
            [1, "任务乙", "", "", "教育局", "", "13月"],
            ["一.1", "任务丙", "", "", "科技局", "", "2018年12月"],
            [4, "", "", "", "", "", "视情况而定"],
        ]
    )
    preview = parse(content, nantong)
    assert preview.messages() == [
        "第3行G列（完成时限）：“2018年2月30日”：2月30日不存在。",
        "第4行G列（完成时限）：“13月”：没有13月。",
        "第4行A列（序号）：编号1与第3行重复。",
        "第5行A列（序号）：“一.1”不是整数。",
        "第6行B列（重点任务）：重点任务为空。",
        "第6行E列（牵头单位）：牵头单位为空。",
        "第6行G列（完成时限）：无法识别“视情况而定”：请写成日期（如2018年10月15日、10月底）、报送周期（如每季度末、每月28日前）或“长期坚持”。",
    ]
    assert preview.error_count == 7


def test_a_table_title_already_imported_for_the_meeting_is_refused(nantong, kjj):
    DutyTable.objects.create(meeting=nantong, title="2018年大众创业万众创新重点任务分解表")
    preview = parse(duty_workbook([[1, "任务", "", "", "科技局", "", "2018年12月"]]), nantong)
    assert preview.messages() == [
        "南通双创联席会议已经导入过名为“2018年大众创业万众创新重点任务分解表”的分解表。"
    ]


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def empty_workbook():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (docx_bytes(), "该文件不是有效的Excel工作簿（.xlsx）。"),
        ("序号,重点任务\n1,任务".encode(), "该文件不是有效的Excel工作簿（.xlsx）。"),
        (b"", "该文件不是有效的Excel工作簿（.xlsx）。"),
        (empty_workbook(), "工作簿为空。"),
        (b"x" * (MAX_FILE_BYTES + 1), "文件大小超过10 MB。"),
        (
            duty_workbook([[1, "任务", "科技局"]], header=["序号", "重点任务", "牵头单位"]),
            "表头行（第2行）缺少列：完成时限。",
        ),
        (
            duty_workbook([[1, "任务"]], header=["编号", "名称"]),
            "前30行中未找到列名为重点任务、牵头单位、序号、完成时限的表头行。",
        ),
    ],
    ids=["docx", "text", "nothing", "empty", "oversized", "missing-column", "no-header"],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(nantong, content, message):
    with pytest.raises(SpreadsheetError) as refused:
        parse(content, nantong)
    assert str(refused.value) == message


def test_confirming_creates_draft_duties_and_grants_nobody_anything(nantong, kjj, jyj, secretariat):
    content = duty_workbook(
        [
            [
                1,
                "推进众创空间建设",
                "新建众创空间",
                "王副市长",
                "科技局",
                "教育局、财政局",
                "2018年6月底前完成，每季度末报送进展",
            ],
            [2, "加强创业教育", "", "", "教育局", "", "每月28日前"],
        ],
        document="通政发〔2015〕37号",
    )
    permissions = (UserObjectPermission.objects.count(), GroupObjectPermission.objects.count())
    table = duty_table_import(preview=parse(content, nantong), actor=secretariat)
    assert (table.meeting, table.title, table.source) == (
        nantong,
        "2018年大众创业万众创新重点任务分解表",
        "通政发〔2015〕37号",
    )
    first, second = Duty.objects.filter(table=table).order_by("sequence")
    assert (first.status, first.lead, first.lead_leader, first.measures) == (
        "draft",
        kjj,
        "王副市长",
        "新建众创空间",
    )
    assert short_names(first.cooperating.order_by("code")) == ["财政局", "教育局"]
    assert (first.deadline, first.deadline_text, first.cycle) == (
        D(2018, 6, 30),
        "2018年6月底前完成，每季度末报送进展",
        "quarterly",
    )
    assert (second.lead, second.deadline, second.cycle, second.report_day) == (jyj, None, "monthly", 28)
    assert first.assigned_at is None
    assert (UserObjectPermission.objects.count(), GroupObjectPermission.objects.count()) == permissions
    event = AuditEvent.objects.for_object(table).get()
    assert (event.actor, event.summary) == (
        secretariat,
        "导入重点任务分解表《2018年大众创业万众创新重点任务分解表》，共2项任务",
    )


def test_a_preview_with_errors_cannot_be_imported(nantong, secretariat):
    preview = parse(duty_workbook([[1, "任务", "", "", "不存在的局", "", "2018年12月"]]), nantong)
    with pytest.raises(ValueError):
        duty_table_import(preview=preview, actor=secretariat)
    assert not DutyTable.objects.exists()


def test_the_seven_duties_of_seed_004_import_by_their_units_full_names(db):
    """The 浙江 working group's 七件事情 (seed 004), written as the association's table would be."""
    units = {
        code: make_department(code, name, short, kind)
        for code, name, short, kind in data.ZHEJIANG_DEPARTMENTS
    }
    meeting = JointMeeting.objects.create(
        name=data.ZHEJIANG_MEETING["name"], short_name="专题赛工作小组", office=units["zj-msc"]
    )
    meeting.members.set(units.values())
    rows = [
        [
            number,
            title,
            measures,
            "",
            units[lead].name,
            "\n".join(units[c].name for c in others),
            "2022年7月底前",
        ]
        for number, title, measures, lead, others in data.ZHEJIANG_DUTIES
    ]
    preview = parse(duty_workbook(rows, title=data.ZHEJIANG_TABLE["title"]), meeting)
    assert preview.is_valid, preview.messages()
    assert len(preview.rows) == 7
    for row, (number, title, _measures, lead, others) in zip(preview.rows, data.ZHEJIANG_DUTIES, strict=True):
        assert (row.sequence, row.title, row.lead) == (number, title, units[lead])
        assert row.cooperating == [units[code] for code in others]
        assert row.deadline == D(2022, 7, 31)
