"""The duty pages: the grid (filters, order, lights, drafts), the table page with its 交办, the
duty page, and attachments (checked by content, downloaded only by those who see the duty)."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.duties import access
from tasks.duties.assignment import duty_assign
from tasks.duties.flows import DutyFlow, DutyReportFlow
from tasks.duties.models import Attachment, Duty, ProgressReport
from tests.tasks.duties.conftest import at, draft_duty, open_task, step_post
from workflows.documents.uploads import ATTACHMENT_MAX_BYTES

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def duties(monday_morning, table, kjj, kx, jyj, secretariat):
    """科技局 leads 1 (科协 cooperates) and 2; 教育局 leads 3; 4 is still a draft."""
    first = draft_duty(table, kjj, [kx], 1, "建设众创空间", deadline=datetime.date(2024, 6, 28))
    second = draft_duty(table, kjj, [], 2, "启动建设众创社区", deadline=datetime.date(2024, 3, 8))
    third = draft_duty(table, jyj, [], 3, "保密任务丙：高校创新创业教育", deadline=datetime.date(2024, 9, 30))
    draft = draft_duty(table, kjj, [], 4, "未交办的草稿任务")
    for duty in (first, second, third):
        duty_assign(duty=duty, actor=secretariat)
    return first, second, third, draft


def grid(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("duties:index"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_officers_see_their_departments_duties_and_no_drafts(
    client, duties, kjj_officer, kx_officer, jyj_officer
):
    page = grid(client, kjj_officer)
    assert "建设众创空间" in page and "启动建设众创社区" in page
    assert "保密任务丙" not in page and "未交办的草稿任务" not in page
    page = grid(client, kx_officer)
    assert "建设众创空间" in page and "启动建设众创社区" not in page
    assert "保密任务丙" in grid(client, jyj_officer)
    client.force_login(kjj_officer)
    assert client.get(duties[3].get_absolute_url()).status_code == 404
    assert client.get(duties[2].get_absolute_url()).status_code == 404


def test_the_grid_counts_exactly_the_rows_it_lists(client, duties, kjj_officer, kx_officer, jyj_officer):
    # the count takes the unordered form of the scope (ANY of an array on PostgreSQL), the rows
    # the EXISTS form: both must hold the same duties, a lead's and a cooperating unit's alike
    for officer, expected in ((kjj_officer, 2), (kx_officer, 1), (jyj_officer, 1)):
        client.force_login(officer)
        response = client.get(reverse("duties:index"))
        assert response.context["paginator"].count == expected == len(response.context["duties"])
        rows = set(access.duties_for_user(officer).values_list("pk", flat=True))
        assert set(access.duties_for_user(officer, unordered=True).values_list("pk", flat=True)) == rows


def test_the_secretariat_sees_drafts_and_assigns_one_from_the_table_page(
    client, duties, table, secretariat, kjj_officer
):
    client.force_login(secretariat)
    page = client.get(reverse("duties:table_detail", args=[table.pk])).content.decode()
    assert "未交办的草稿任务" in page and 'id="table-assign"' in page
    assert client.post(reverse("duties:table_assign", args=[table.pk])).status_code == 302
    draft = Duty.objects.get(pk=duties[3].pk)
    assert draft.status == Duty.Status.ASSIGNED
    assert open_task(draft, DutyFlow.sign_for)
    again = client.post(reverse("duties:table_assign", args=[table.pk]), follow=True)
    assert "没有待交办" in again.content.decode() or "No duty" in again.content.decode()
    assert Duty.objects.get(pk=draft.pk).tasks().filter(flow_task=DutyFlow.sign_for).count() == 1


def test_the_grid_filters_sorts_and_shows_lights(client, duties, kjj, kx, kjj_officer, leader):
    with at(2024, 3, 6, 10, 0):  # two working days before the second duty's sign-for window ends
        page = grid(client, kjj_officer, sort="-deadline")
        assert page.index("建设众创空间") < page.index("启动建设众创社区")
        page = grid(client, kjj_officer, q="社区")
        assert "启动建设众创社区" in page and "建设众创空间</a>" not in page
        page = grid(client, leader, department=kx.pk)
        assert "建设众创空间" in page and "保密任务丙" not in page
        page = grid(client, kjj_officer, status="draft")
        assert "未交办的草稿任务" not in page
        bad = grid(client, kjj_officer, sort="x", light="purple")
        assert "已忽略" in bad
    with at(2024, 3, 8, 10, 0):  # the sign-for deadlines (7 March) have passed: red
        page = grid(client, leader, light="red")
        assert "建设众创空间" in page and "保密任务丙" in page
        assert "light--red" in page
        assert "建设众创空间" not in grid(client, leader, light="green")


def report_form_post(client, duty, officer, files, **fields):
    client.force_login(officer)
    client.post(reverse("duties:sign_for", args=[open_task(duty, DutyFlow.sign_for).pk]))
    write = open_task(duty, DutyReportFlow.write)
    return step_post(
        client, officer, write, {"progress": "已建成众创空间12家", "attachments": files, **fields}
    )


def test_an_exe_renamed_pdf_is_refused_and_the_typed_text_stays(client, duties, kjj_officer):
    duty = duties[1]
    fake = SimpleUploadedFile("进展材料.pdf", EXE, "application/pdf")
    response = report_form_post(client, duty, kjj_officer, [fake])
    assert response.status_code == 200
    page = response.content.decode()
    assert "进展材料.pdf" in page and "已建成众创空间12家" in page
    assert not Attachment.objects.exists()
    assert ProgressReport.objects.get(duty=duty).status == ProgressReport.Status.OPEN


def test_a_file_over_20_mb_is_refused(client, duties, kjj_officer):
    big = SimpleUploadedFile(
        "大文件.pdf", PDF + b"0" * (ATTACHMENT_MAX_BYTES + 1 - len(PDF)), "application/pdf"
    )
    response = report_form_post(client, duties[1], kjj_officer, [big])
    assert response.status_code == 200
    assert "20 MB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_attachments_are_typed_by_content_and_downloaded_only_by_those_who_see_the_duty(
    client, duties, kjj_officer, kx_officer, jyj_officer, secretariat
):
    duty = duties[0]
    # a Word document named .pdf is stored as what it is
    files = [
        SimpleUploadedFile("数据.pdf", docx_bytes(), "application/pdf"),
        SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100, "image/jpeg"),
    ]
    client.force_login(kx_officer)
    client.force_login(kjj_officer)
    client.post(reverse("duties:sign_for", args=[open_task(duty, DutyFlow.sign_for).pk]))
    step_post(client, kx_officer, open_task(duty, DutyFlow.cooperate), {"content": "科协意见"})
    response = step_post(
        client, kjj_officer, open_task(duty, DutyReportFlow.write), {"progress": "完成", "attachments": files}
    )
    assert response.status_code == 302
    kinds = sorted(Attachment.objects.values_list("kind", flat=True))
    assert kinds == ["docx", "jpg"]
    attachment = Attachment.objects.get(kind="docx")
    assert attachment.file.name.endswith(".docx") and "数据" not in attachment.file.name
    for user in (kjj_officer, kx_officer, secretariat):
        client.force_login(user)
        download = client.get(attachment.get_absolute_url())
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == docx_bytes()
    client.force_login(jyj_officer)
    assert client.get(attachment.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(attachment.get_absolute_url()).status_code == 302
