"""python manage.py import_duties FILE.xlsx --meeting NAME [--dry-run] [--year YYYY]."""

import io

import pytest
from django.core.management import CommandError, call_command

from tasks.duties.models import Duty, DutyTable
from tests.tasks.duties.spreadsheets import duty_workbook

ROWS = [
    [1, "推进众创空间建设", "", "", "市科技局", "市人社局、市财政局", "2018年6月底前完成，每季度末报送进展"],
    [2, "加强创业教育", "", "", "南通市教育局", "", "每月28日前"],
    [3, "营造创新氛围", "", "", "宣传部", "科技局", "长期坚持"],
    [4, "完善工作机制", "", "", "科技局", "", "每周五"],
]


@pytest.fixture
def table_file(tmp_path):
    def write(rows, **kwargs):
        path = tmp_path / "分解表.xlsx"
        path.write_bytes(duty_workbook(rows, **kwargs))
        return str(path)

    return write


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_duties", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_dry_run_prints_one_line_per_duty_and_writes_nothing(nantong, table_file):
    out, _err = run(table_file(ROWS), "--meeting", "南通双创联席会议", "--dry-run")
    assert out.splitlines() == [
        "1\t推进众创空间建设\t科技局\t人社局、财政局\t2018-06-30\t每季度",
        "2\t加强创业教育\t教育局\t\t\t每月28日前",
        "3\t营造创新氛围\t宣传部\t科技局\t\t每季度",
        "4\t完善工作机制\t科技局\t\t\t每周五",
    ]
    assert not DutyTable.objects.exists()


def test_without_dry_run_the_table_is_imported_as_the_confirm_does(nantong, table_file):
    out, err = run(table_file(ROWS), "--meeting", "南通市大众创业万众创新联席会议")
    assert len(out.splitlines()) == 4
    table = DutyTable.objects.get(meeting=nantong)
    assert list(Duty.objects.filter(table=table).values_list("sequence", "status")) == [
        (1, "draft"),
        (2, "draft"),
        (3, "draft"),
        (4, "draft"),
    ]
    assert "4" in err


def test_the_year_option_dates_deadlines_written_without_one(nantong, table_file):
    path = table_file([[1, "任务", "", "", "科技局", "", "10月底"]], title="重点任务分解表")
    out, _err = run(path, "--meeting", "南通双创联席会议", "--dry-run", "--year", "2019")
    assert out == "1\t任务\t科技局\t\t2019-10-31\t一次性\n"


def test_errors_are_printed_one_per_line_and_the_command_fails(nantong, table_file):
    path = table_file(
        [
            [1, "任务甲", "", "", "市科技委", "", "2018年2月30日"],
            [1, "任务乙", "", "", "科技局", "", "2018年12月"],
        ]
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_duties", path, "--meeting", "南通双创联席会议", stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "第3行E列（牵头单位）：单位“市科技委”不存在，您是不是要找：科技局？",
        "第3行G列（完成时限）：“2018年2月30日”：2月30日不存在。",
        "第4行A列（序号）：编号1与第3行重复。",
    ]
    assert failed.value.returncode == 1
    assert not DutyTable.objects.exists()


def test_an_unknown_meeting_or_a_broken_file_fails(nantong, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook")
    with pytest.raises(CommandError, match="该文件不是有效的Excel工作簿"):
        run(str(broken), "--meeting", "南通双创联席会议")
    with pytest.raises(CommandError, match="No joint meeting is called '不存在的会议'"):
        run(str(broken), "--meeting", "不存在的会议")
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "missing.xlsx"), "--meeting", "南通双创联席会议")
