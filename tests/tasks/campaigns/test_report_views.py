"""A host files its day's report in the browser's form: photos checked by content, originals
kept, bad input answered in Chinese with nothing lost of what was typed or uploaded."""

import io
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tasks.campaigns import photos
from tasks.campaigns.models import DailyReport, ReportPhoto
from tests.tasks.campaigns.conftest import at, jpeg

TEXT = "科普日活动在玉山镇举行，发放资料两千余份。"


def file_url(campaign):
    return reverse("campaigns:report_file", args=[campaign.pk])


def post(client, campaign, *, files=(), **fields):
    data = {"day": "2017-09-14", "text": TEXT, "video_links": "", "leaders": "", **fields}
    if files:
        data["photos"] = list(files)
    return client.post(file_url(campaign), data)


@pytest.fixture
def host_client(client, kjj_host):
    client.force_login(kjj_host)
    with time_machine.travel(at(2017, 9, 14, 11, 0), tick=False):
        yield client


def test_a_host_files_a_report_with_photos_and_the_originals_are_kept(host_client, campaign, ks_kjj):
    original = jpeg("现场.jpg")
    content = original.read()
    original.seek(0)
    response = post(
        host_client,
        campaign,
        files=[original],
        leaders_attended="on",
        leaders="市政府副市长",
        video_links="https://v.example.cn/kp.mp4",
    )
    report = DailyReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert (report.department, report.text, report.leaders, report.is_late) == (
        ks_kjj,
        TEXT,
        "市政府副市长",
        False,
    )
    photo = report.photos.get()
    assert photo.original.read() == content and photo.original_name == "现场.jpg"
    assert Image.open(photo.thumbnail).size[0] <= 320
    page = host_client.get(report.get_absolute_url()).content.decode()
    assert TEXT in page and reverse("campaigns:photo_thumbnail", args=[photo.pk]) in page
    assert host_client.get(reverse("campaigns:photo_original", args=[photo.pk])).getvalue() == content


def test_a_nil_report_needs_no_text(host_client, campaign):
    response = post(host_client, campaign, text="", is_nil="on")
    assert response.status_code == 302 and DailyReport.objects.get().is_nil


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("report.jpg", b"%PDF-1.4 not a photo at all", "image/jpeg"), "不是JPG或PNG照片"),
        (SimpleUploadedFile("cut.jpg", jpeg().read()[:4000], "image/jpeg"), "已损坏"),
    ],
    ids=["renamed-pdf", "truncated-jpeg"],
)
def test_a_file_that_is_not_a_readable_photo_is_refused_and_the_text_kept(
    host_client, campaign, upload, message
):
    response = post(host_client, campaign, files=[upload])
    page = response.content.decode()
    assert response.status_code == 200 and message in page and upload.name in page
    assert TEXT in page  # what was typed comes back
    assert not DailyReport.objects.exists() and not ReportPhoto.objects.exists()


def test_a_photo_over_the_limit_is_refused(host_client, campaign, monkeypatch):
    monkeypatch.setattr(photos, "PHOTO_MAX_BYTES", 10_000)
    response = post(host_client, campaign, files=[jpeg("big.jpg", size=(2400, 1800))])
    assert "每张照片不能超过20 MB" in response.content.decode()
    assert not ReportPhoto.objects.exists()


def test_a_gif_is_refused_by_its_content_whatever_its_name(host_client, campaign):
    out = io.BytesIO()
    Image.new("RGB", (50, 50)).save(out, "GIF")
    response = post(host_client, campaign, files=[SimpleUploadedFile("x.png", out.getvalue())])
    assert "GIF格式图片" in response.content.decode()


def test_good_photos_are_kept_when_the_form_comes_back_and_filed_with_the_report(host_client, campaign):
    response = post(host_client, campaign, files=[jpeg("a.jpg")], leaders_attended="on", leaders="")
    page = response.content.decode()
    assert "请填写出席活动的领导" in page and TEXT in page
    kept = ReportPhoto.objects.get()
    assert kept.report is None
    assert re.search(rf'name="kept" value="{kept.pk}"', page)
    response = post(host_client, campaign, kept=[kept.pk], leaders_attended="on", leaders="市长")
    assert response.status_code == 302
    assert list(DailyReport.objects.get().photos.all()) == [kept]


def test_a_bad_video_link_is_refused_in_chinese(host_client, campaign):
    page = post(host_client, campaign, video_links="javascript:alert(1)").content.decode()
    assert "不是以http://或https://开头的网址" in page and not DailyReport.objects.exists()


def test_a_report_after_the_campaign_closed_is_refused_in_the_form(client, campaign, kjj_host):
    client.force_login(kjj_host)
    with time_machine.travel(at(2017, 10, 21, 9, 0), tick=False):
        page = post(client, campaign).content.decode()
    assert "该活动已于2017年10月20日结束报送" in page and TEXT in page
    assert not DailyReport.objects.exists()


def test_someone_else_cannot_see_a_pending_photo_or_file_for_a_department_that_hosts_nothing(
    client, campaign, kjj_host, fgw_officer, jyj_officer
):
    client.force_login(kjj_host)
    with time_machine.travel(at(2017, 9, 14, 11, 0), tick=False):
        post(client, campaign, files=[jpeg()], text="")
    photo = ReportPhoto.objects.get()
    client.force_login(fgw_officer)
    assert client.get(reverse("campaigns:photo_original", args=[photo.pk])).status_code == 404
    assert client.get(file_url(campaign)).status_code == 403  # the collecting department hosts nothing
    client.force_login(jyj_officer)
    assert client.get(file_url(campaign)).status_code == 404
    assert client.post(file_url(campaign), {"day": "2017-09-14", "text": "x"}).status_code == 404
    assert not DailyReport.objects.exists()


def test_the_collecting_department_sees_a_report_and_another_host_does_not(
    client, campaign, kjj_host, rsj_host, fgw_officer
):
    client.force_login(kjj_host)
    with time_machine.travel(at(2017, 9, 14, 11, 0), tick=False):
        post(client, campaign, files=[jpeg()])
    report = DailyReport.objects.get()
    photo = report.photos.get()
    client.force_login(fgw_officer)
    assert TEXT in client.get(report.get_absolute_url()).content.decode()
    assert client.get(reverse("campaigns:photo_thumbnail", args=[photo.pk])).status_code == 200
    client.force_login(rsj_host)
    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.get(reverse("campaigns:photo_original", args=[photo.pk])).status_code == 404
