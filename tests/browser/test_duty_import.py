"""Journey: the secretariat uploads a duty table, reads the preview with a
problem, uploads the corrected table and imports it."""

import pytest

from demo.data import DEMO_PASSWORD
from demo.loader import demo_load
from tasks.duties.models import Duty, DutyTable
from tests.tasks.duties.spreadsheets import duty_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE = "2019年科技创新重点任务分解表"
ROWS = [
    [
        1,
        "推进众创空间建设",
        "新建众创空间",
        "",
        "市科技局",
        "市人社局、市财政局",
        "2019年6月底前完成，每季度末报送进展",
    ],
    [2, "加强创业教育", "", "", "南通市教育局", "科技局", "10月底"],
]


def xlsx(rows):
    return {
        "name": "分解表.xlsx",
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": duty_workbook(rows, title=TITLE, document="通政发〔2019〕5号"),
    }


def test_the_secretariat_previews_and_imports_a_duty_table(live_server, page):
    demo_load()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "secretariat")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/desk/")

    page.goto(f"{live_server.url}/duties/import/")
    assert page.locator("h1").first.inner_text() == "导入重点任务分解表"
    page.select_option("select[name=meeting]", label="南通双创联席会议")
    page.set_input_files(
        "input[name=file]", xlsx([*ROWS, [3, "任务", "", "", "市科技委", "", "2019年2月30日"]])
    )
    page.click("#check-file")
    errors = page.wait_for_selector("#import-errors")
    assert "第6行E列（牵头单位）：单位“市科技委”不存在，您是不是要找：科技局？" in errors.inner_text()
    assert page.locator("#confirm-import").count() == 0
    assert not DutyTable.objects.filter(title=TITLE).exists()

    # the meeting stays chosen in the form below the preview; only the file is chosen again
    page.set_input_files("#import-again input[name=file]", xlsx(ROWS))
    page.click("#import-again button[type=submit]")
    page.wait_for_selector("#import-ready")
    assert "2 项重点任务可以导入。" in page.inner_text("#import-ready")
    assert "2019-10-31" in page.inner_text("#import-preview")
    page.click("#confirm-import")
    page.wait_for_selector(f"text=《{TITLE}》：已导入2项重点任务，待交办。")

    table = DutyTable.objects.get(title=TITLE)
    assert table.source == "通政发〔2019〕5号"
    assert list(Duty.objects.filter(table=table).values_list("sequence", "lead__short_name", "status")) == [
        (1, "科技局", "draft"),
        (2, "教育局", "draft"),
    ]
