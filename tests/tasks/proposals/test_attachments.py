"""附件: uploaded at registration or on the proposal's page by the secretariat, checked by content
(PDF, Office, JPG/PNG, at most 20 MB each), downloaded only by those who may see the proposal."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.proposals.models import Proposal, ProposalAttachment
from tests.factories import register_and_assign

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
REGISTRATION = {
    "kind": "proposal",
    "session": "市政协十三届一次会议",
    "number": "105",
    "title": "关于加快众创空间建设的提案",
    "content": "建议加快众创空间建设，完善孵化服务。",
    "proposer_names": "王一、李二",
    "is_public": "on",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def download(client, attachment):
    response = client.get(reverse("proposals:attachment_download", args=[attachment.pk]))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def test_registration_stores_the_attachments_for_the_handlers_only(
    client, secretariat, kjj, kx, jyj, kjj_officer, kx_officer, jyj_officer
):
    client.force_login(secretariat)
    response = client.post(
        reverse("proposals:proposal_register"),
        {
            **REGISTRATION,
            "lead": kjj.pk,
            "co_handlers": [kx.pk],
            "attachments": [upload("原件扫描.pdf", PDF), upload("现场照片.png", PNG)],
        },
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get(number="105")
    scan, photo = proposal.attachments.all()
    assert (scan.name, photo.name) == ("原件扫描.pdf", "现场照片.png")
    assert scan.uploaded_by == secretariat
    # stored under a name of our own, not the one typed
    assert "原件扫描" not in scan.file.name and scan.file.name.endswith(".pdf")

    page = client.get(proposal.get_absolute_url()).content.decode()
    assert reverse("proposals:attachment_download", args=[scan.pk]) in page

    for user in (kjj_officer, kx_officer, secretariat):
        client.force_login(user)
        status, body = download(client, scan)
        assert (status, body) == (200, PDF), user
    response = client.get(reverse("proposals:attachment_download", args=[scan.pk]))
    assert "attachment" in response["Content-Disposition"]
    assert "%E5%8E%9F%E4%BB%B6%E6%89%AB%E6%8F%8F.pdf" in response["Content-Disposition"]

    client.force_login(jyj_officer)
    status, body = download(client, scan)
    assert status == 404 and PDF not in body
    client.logout()
    assert download(client, photo)[0] == 302  # to the login page


@pytest.mark.parametrize(
    "name, content",
    [
        ("说明.pdf", b"<html><script>alert(1)</script></html>"),  # the name lies
        ("程序.exe", b"MZ\x90\x00\x03"),
        ("压缩包.docx", b"PK\x03\x04not really a zip"),
    ],
)
def test_a_file_that_is_not_what_it_claims_refuses_the_registration_and_keeps_the_typing(
    client, secretariat, kjj, name, content
):
    client.force_login(secretariat)
    response = client.post(
        reverse("proposals:proposal_register"),
        {**REGISTRATION, "lead": kjj.pk, "attachments": [upload("现场照片.png", PNG), upload(name, content)]},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"“{name}”不是PDF、Office文档或JPG/PNG图片" in page
    assert "关于加快众创空间建设的提案" in page and "王一、李二" in page
    assert "请重新选择附件" in page
    assert not Proposal.objects.exists()
    assert not ProposalAttachment.objects.exists()


def test_a_file_over_20_mb_is_refused(client, secretariat, kjj):
    proposal = register_and_assign(lead=kjj)
    client.force_login(secretariat)
    big = upload("大文件.pdf", PDF + b"0" * (20 * 1024 * 1024))
    response = client.post(
        reverse("proposals:attachment_add", args=[proposal.pk]), {"files": [big]}, follow=True
    )
    assert "“大文件.pdf”大于20 MB" in response.content.decode()
    assert not proposal.attachments.exists()


def test_the_secretariat_adds_office_documents_on_the_proposal_page(client, secretariat, kjj, kjj_officer):
    proposal = register_and_assign(lead=kjj)
    client.force_login(secretariat)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'id="attachment-upload"' in page
    response = client.post(
        reverse("proposals:attachment_add", args=[proposal.pk]),
        {
            "files": [
                upload("../../etc/调研报告.docx", docx()),
                upload("照片.jpg", b"\xff\xd8\xff\xe0" + b"1" * 20),
            ]
        },
        follow=True,
    )
    assert "已添加2个附件" in response.content.decode()
    report, photo = proposal.attachments.all()
    assert report.name == "调研报告.docx"
    assert report.file.name.endswith(".docx") and "etc" not in report.file.name
    assert photo.file.name.endswith(".jpg")

    # officers read the attachments but do not add them
    client.force_login(kjj_officer)
    assert 'id="attachment-upload"' not in client.get(proposal.get_absolute_url()).content.decode()
    response = client.post(
        reverse("proposals:attachment_add", args=[proposal.pk]), {"files": [upload("a.pdf", PDF)]}
    )
    assert response.status_code == 403
    assert proposal.attachments.count() == 2
