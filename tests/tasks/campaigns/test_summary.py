"""情况汇总表: rows entered in the page or uploaded (dry run first), one combined export."""

import io

import time_machine
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tasks.campaigns.models import SummaryRow, SummaryTable
from tests.tasks.campaigns.conftest import at


def add_row(client, campaign, table, **cells):
    data = {"table": table.pk, **{f"t{table.sequence}-{key}": value for key, value in cells.items()}}
    return client.post(reverse("campaigns:summary", args=[campaign.pk]), data)


def test_a_department_enters_rows_and_a_non_numeric_attendance_is_refused_as_typed(
    client, campaign, kjj_host
):
    table = SummaryTable.objects.get(campaign=campaign, sequence=2)
    client.force_login(kjj_host)
    with time_machine.travel(at(2017, 10, 12, 10), tick=False):
        bad = add_row(
            client, campaign, table, c0="科技政策解读会", c1="昆山市科技局", c2="约两百人", c3="解读政策"
        )
        page = bad.content.decode()
        assert bad.status_code == 200 and "“参加人数”应填写人数（整数），不能是“约两百人”" in page
        assert "科技政策解读会" in page and "约两百人" in page
        assert not SummaryRow.objects.exists()
        good = add_row(
            client, campaign, table, c0="科技政策解读会", c1="昆山市科技局", c2="200", c3="解读政策"
        )
    assert good.status_code == 302
    assert SummaryRow.objects.get().cells == ["科技政策解读会", "昆山市科技局", 200, "解读政策"]


def test_a_row_after_the_campaign_closed_is_refused(client, campaign, kjj_host):
    table = SummaryTable.objects.get(campaign=campaign, sequence=1)
    client.force_login(kjj_host)
    with time_machine.travel(at(2017, 10, 21, 10), tick=False):
        page = add_row(client, campaign, table, c0="若干措施", c1="科技局", c2="", c3="").content.decode()
    assert "结束报送" in page and not SummaryRow.objects.exists()


def workbook_bytes(sheets):
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "汇总表.xlsx"
    return out


def test_an_upload_is_previewed_then_replaces_the_departments_rows(client, campaign, ks_kjj, kjj_host):
    client.force_login(kjj_host)
    url = reverse("campaigns:summary_import", args=[campaign.pk])
    header = ["序号", "活动名称", "主办单位", "参加人数", "主要内容"]
    bad = workbook_bytes(
        {"表二": [["汇总表"], ["表二：服务活动情况"], header, [1, "路演", "科技局", "很多", "项目路演"]]}
    )
    with time_machine.travel(at(2017, 10, 12, 10), tick=False):
        page = client.post(url, {"file": bad, "preview": "1"}).content.decode()
        assert (
            "1 行有错误，未导入任何内容" in page
            and "不能是“很多”" in page
            and not SummaryRow.objects.exists()
        )
        good = workbook_bytes(
            {
                "表二：服务活动情况": [
                    ["汇总表"],
                    header,
                    [1, "路演", "科技局", 80, "项目路演"],
                    [2, "培训", "科技局", "30人", ""],
                ]
            }
        )
        preview = client.post(url, {"file": good, "preview": "1"})
        assert "2行可以导入" in preview.content.decode() and not SummaryRow.objects.exists()
        token = preview.context["token"]
        assert client.post(url, {"confirm": "1", "token": token}).status_code == 302
    assert sorted(row.cells[2] for row in SummaryRow.objects.filter(department=ks_kjj)) == [30, 80]


def test_the_export_has_a_sheet_per_table_with_the_title_rows_and_only_what_the_viewer_may_see(
    client, campaign, ks_kjj, ks_rsj, kjj_host, rsj_host, fgw_officer
):
    policy, service = SummaryTable.objects.filter(campaign=campaign).order_by("sequence")
    SummaryRow.objects.create(
        table=policy,
        department=ks_kjj,
        cells=["科技创新若干政策", "昆山市科技局", "2017年9月", ""],
        entered_by=kjj_host,
    )
    SummaryRow.objects.create(
        table=service,
        department=ks_rsj,
        cells=["创业培训", "昆山市人社局", 60, "培训创业者"],
        entered_by=rsj_host,
    )
    client.force_login(fgw_officer)
    response = client.get(reverse("campaigns:summary_export", args=[campaign.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["表一", "表二"]
    first, second = workbook["表一"], workbook["表二"]
    assert first["A1"].value == f"{campaign.title}情况汇总表"
    assert first["A2"].value == "表一：出台政策措施"
    assert [c.value for c in first[3]] == ["序号", "名称", "单位", "出台时间", "备注"]
    assert [c.value for c in first[4]] == [1, "科技创新若干政策", "昆山市科技局", "2017年9月", None]
    assert [c.value for c in second[4]] == [1, "创业培训", "昆山市人社局", 60, "培训创业者"]
    assert second["A5"].value == "注：活动名称包括政策解读等。"
    # a host exports its own rows only
    client.force_login(kjj_host)
    mine = load_workbook(
        io.BytesIO(client.get(reverse("campaigns:summary_export", args=[campaign.pk])).content)
    )
    assert mine["表一"].max_row == 3 + 1 and mine["表二"]["A4"].value != 1
