"""The secretariat's import pages: upload → preview → confirm, the template, and refusals."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.duties.import_views import SIGNING_SALT
from tasks.duties.importing import duty_table_parse
from tasks.duties.models import Duty, DutyTable
from tests.tasks.duties.spreadsheets import duty_workbook, read_workbook
from workflows.documents.spreadsheets import MAX_FILE_BYTES

ROWS = [
    [
        1,
        "推进众创空间建设",
        "新建众创空间",
        "",
        "市科技局",
        "市人社局、市财政局",
        "2018年12月底前完成，每季度末报送进展",
    ],
    [2, "加强创业教育", "", "", "教育局", "科技局", "10月底"],
]


@pytest.fixture(autouse=True)
def stash_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def secretariat_client(client, secretariat):
    client.force_login(secretariat)
    return client


def xlsx(content, name="分解表.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def upload(client, meeting, content, name="分解表.xlsx", year=""):
    return client.post(
        reverse("duties:import"), {"meeting": meeting.pk, "file": xlsx(content, name), "year": year}
    )


def flashed(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_preview_shows_every_row_and_confirm_creates_the_table(secretariat_client, nantong, kjj, jyj):
    preview = upload(secretariat_client, nantong, duty_workbook(ROWS, document="通政发〔2015〕37号"))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "2 项重点任务可以导入。" in page
    assert "通政发〔2015〕37号" in page and "2018-10-31" in page and "每季度" in page
    assert 'id="confirm-import"' in page
    assert not DutyTable.objects.exists()  # a preview writes nothing

    done = secretariat_client.post(
        reverse("duties:import_confirm"), {"confirmation": preview.context["confirmation"]}
    )
    assert done.status_code == 302 and done["Location"] == reverse("duties:import")
    assert flashed(done) == ["《2018年大众创业万众创新重点任务分解表》：已导入2项重点任务，待交办。"]
    table = DutyTable.objects.get(meeting=nantong)
    assert table.source == "通政发〔2015〕37号"
    duties = list(Duty.objects.filter(table=table).order_by("sequence"))
    assert [(d.sequence, d.lead, d.status) for d in duties] == [(1, kjj, "draft"), (2, jyj, "draft")]
    assert duties[1].deadline == datetime.date(2018, 10, 31)


def test_a_preview_with_row_errors_offers_no_confirm_and_writes_nothing(secretariat_client, nantong):
    rows = [*ROWS, [3, "任务", "", "", "市科技委", "", "2018年2月30日"]]
    response = upload(secretariat_client, nantong, duty_workbook(rows))
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 个问题，未导入任何数据。" in page
    assert "第5行E列（牵头单位）：单位“市科技委”不存在，您是不是要找：科技局？" in page
    assert "第5行G列（完成时限）：“2018年2月30日”：2月30日不存在。" in page
    assert page.count('class="cell-error"') + page.count('cell-error"') >= 2
    assert 'id="confirm-import"' not in page and "confirmation" not in response.context
    assert not DutyTable.objects.exists() and not Duty.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"PK\x03\x04 not really a workbook", "分解表.xlsx", "该文件不是有效的Excel工作簿（.xlsx）。"),
        (b"%PDF-1.7", "分解表.pdf", "请上传.xlsx格式的文件"),
        (b"0" * (MAX_FILE_BYTES + 1), "分解表.xlsx", "文件大小超过10 MB。"),
        (
            duty_workbook([[1, "任务", "科技局"]], header=["序号", "重点任务", "牵头单位"]),
            "分解表.xlsx",
            "缺少列：完成时限",
        ),
    ],
    ids=["broken", "not-xlsx", "oversized", "missing-column"],
)
def test_a_refused_file_writes_nothing_and_keeps_the_choices(
    secretariat_client, nantong, content, name, message
):
    response = upload(secretariat_client, nantong, content, name=name, year="2018")
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'<option value="{nantong.pk}" selected>' in page
    assert 'value="2018"' in page
    assert not DutyTable.objects.exists()


def test_confirm_refuses_a_tampered_or_replayed_preview(secretariat_client, nantong):
    preview = upload(secretariat_client, nantong, duty_workbook(ROWS))
    confirmation = preview.context["confirmation"]
    tampered = secretariat_client.post(reverse("duties:import_confirm"), {"confirmation": confirmation + "x"})
    assert tampered.status_code == 302 and flashed(tampered) == ["预览已过期或无效，请重新上传文件。"]
    assert not DutyTable.objects.exists()
    assert (
        secretariat_client.post(reverse("duties:import_confirm"), {"confirmation": confirmation}).status_code
        == 302
    )
    again = secretariat_client.post(reverse("duties:import_confirm"), {"confirmation": confirmation})
    assert flashed(again)[-1] == "预览已过期或已经导入，请重新上传文件。"
    assert DutyTable.objects.count() == 1 and Duty.objects.count() == 2


def test_confirm_refuses_a_file_that_changed_after_the_preview(
    secretariat_client, nantong, secretariat, tmp_path
):
    preview = upload(secretariat_client, nantong, duty_workbook(ROWS))
    token = signing.loads(preview.context["confirmation"], salt=SIGNING_SALT)["token"]
    stashed = Path(tmp_path) / "imports" / f"{secretariat.pk}-{token}.xlsx"
    stashed.write_bytes(duty_workbook([[9, "别的任务", "", "", "科技局", "", "2018年12月"]]))
    response = secretariat_client.post(
        reverse("duties:import_confirm"), {"confirmation": preview.context["confirmation"]}
    )
    assert flashed(response) == ["预览后文件已变化，请重新上传。"]
    assert not DutyTable.objects.exists()


def test_confirm_refuses_a_preview_older_than_two_hours(secretariat_client, nantong, secretariat):
    preview = upload(secretariat_client, nantong, duty_workbook(ROWS))
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=2, minutes=1)):
        secretariat_client.force_login(secretariat)  # the session itself lapsed meanwhile
        response = secretariat_client.post(
            reverse("duties:import_confirm"), {"confirmation": preview.context["confirmation"]}
        )
    assert flashed(response) == ["预览已过期或无效，请重新上传文件。"]
    assert not DutyTable.objects.exists()


def test_confirm_checks_again_and_refuses_a_title_imported_since_the_preview(secretariat_client, nantong):
    preview = upload(secretariat_client, nantong, duty_workbook(ROWS))
    DutyTable.objects.create(meeting=nantong, title="2018年大众创业万众创新重点任务分解表")
    response = secretariat_client.post(
        reverse("duties:import_confirm"), {"confirmation": preview.context["confirmation"]}
    )
    assert response.status_code == 200
    assert "已经导入过名为“2018年大众创业万众创新重点任务分解表”的分解表" in response.content.decode()
    assert not Duty.objects.exists()


def test_the_template_has_the_columns_and_imports_as_it_is(secretariat_client, nantong):
    response = secretariat_client.get(reverse("duties:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    content = response.content
    sheet = read_workbook(content).active
    rows = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    assert rows[1] == ["序号", "重点任务", "具体措施", "牵头领导", "牵头单位", "配合单位", "完成时限"]
    assert len(rows) == 3
    preview = duty_table_parse(content, meeting=nantong)
    assert preview.is_valid, preview.messages()
    assert [row.lead.short_name for row in preview.rows] == ["科技局"]


@pytest.mark.parametrize("name", ["duties:import", "duties:import_template"])
def test_an_officer_cannot_open_the_import_pages(client, kjj_officer, name):
    client.force_login(kjj_officer)
    assert client.get(reverse(name)).status_code == 403


def test_an_officer_cannot_upload_or_confirm(client, kjj_officer, nantong):
    client.force_login(kjj_officer)
    assert upload(client, nantong, duty_workbook(ROWS)).status_code == 403
    forged = signing.dumps(
        {"token": "x" * 32, "sha256": "", "meeting": nantong.pk, "year": None, "name": "a"}, salt=SIGNING_SALT
    )
    assert client.post(reverse("duties:import_confirm"), {"confirmation": forged}).status_code == 403
    assert not DutyTable.objects.exists()


def test_confirm_takes_no_get(secretariat_client):
    assert secretariat_client.get(reverse("duties:import_confirm")).status_code == 405


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("duties:import"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_upload_form_lists_the_meetings(secretariat_client, nantong):
    page = secretariat_client.get(reverse("duties:import")).content.decode()
    assert "南通双创联席会议" in page and reverse("duties:import_template") in page


def test_the_duties_menu_offers_the_import_to_the_secretariat_only(client, secretariat, kjj_officer):
    client.force_login(secretariat)
    page = client.get(reverse("duties:index")).content.decode()
    assert reverse("duties:import") in page and reverse("duties:export") in page
    client.force_login(kjj_officer)
    page = client.get(reverse("duties:index")).content.decode()
    assert reverse("duties:import") not in page and reverse("duties:export") in page
