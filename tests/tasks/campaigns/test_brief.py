"""活动周简报: built by the worker after the cut-off, that day's reports with their photos."""

import time

import pytest
import time_machine
from django.urls import reverse

from tasks.campaigns import brief, services
from tasks.campaigns.models import CampaignBrief, ReportPhoto
from tasks.campaigns.photos import photo_store
from tests.tasks.campaigns.conftest import D, at, file_report, jpeg
from tests.workflows.documents.pdf_reader import Document


def stored_photo(user, department, color):
    return photo_store(upload=jpeg(size=(800, 600), color=color), user=user, department=department)


def report_with_photo(campaign, department, day, user, text, color):
    photo = stored_photo(user, department, color)
    return file_report(campaign, department, day, user, text=text, photo_ids=[photo.pk])


class BriefDocument(Document):
    """The photos are JPEG (DCTDecode), which the shared reader does not decode: counting them is enough."""

    def image(self, stream):
        return stream.info


def pdf_text(data):
    pages = BriefDocument(data).pages
    return "".join(page.text for page in pages), sum(len(page.images) for page in pages)


def test_the_brief_holds_the_days_reports_with_photos_late_marks_and_missing_hosts(
    campaign, ks_kjj, ks_rsj, kjj_host, rsj_host
):
    with time_machine.travel(at(2017, 9, 14, 10), tick=False):
        report_with_photo(
            campaign, ks_kjj, D(2017, 9, 14), kjj_host, "科普日活动走进玉山镇社区。", (200, 30, 30)
        )
    with time_machine.travel(at(2017, 9, 14, 16, 1), tick=False):
        assert services.briefs_create(campaign=campaign) != []
        assert services.briefs_create(campaign=campaign) == []  # once per day
    day_brief = CampaignBrief.objects.get(campaign=campaign, day=D(2017, 9, 14))
    assert day_brief.issue == 2  # 9月13日 is the first activity day
    assert brief.brief_render(brief_id=day_brief.pk) is True
    assert brief.brief_render(brief_id=day_brief.pk) is False  # rendered once, never again
    day_brief.refresh_from_db()
    text, images = pdf_text(day_brief.pdf.read())
    assert "活动周简报" in text and "第2期" in text and "2017年9月14日" in text
    assert "昆山市科学技术局" in text and "科普日活动走进玉山镇社区。" in text
    assert images == 1 and day_brief.report_count == 1


def test_a_late_report_and_the_hosts_that_did_not_report_are_named(campaign, ks_kjj, ks_rsj, kjj_host, fgw):
    services.activity_add(
        campaign=campaign, name="沙龙", hosts=[ks_rsj], starts_on=D(2017, 9, 25), ends_on=D(2017, 9, 25)
    )
    services.activity_add(
        campaign=campaign, name="会议", hosts=[ks_kjj], starts_on=D(2017, 9, 25), ends_on=D(2017, 9, 25)
    )
    with time_machine.travel(at(2017, 9, 25, 16, 30), tick=False):
        file_report(campaign, ks_kjj, D(2017, 9, 25), kjj_host, text="产学研沙龙举行。")
        created = {b.day: b for b in services.briefs_create(campaign=campaign)}
    brief.brief_render(brief_id=created[D(2017, 9, 25)].pk)
    text, _images = pdf_text(CampaignBrief.objects.get(day=D(2017, 9, 25)).pdf.read())
    assert "（迟报）" in text and "未报送单位：昆山市人力资源和社会保障局" in text


@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_brief_after_the_cut_off_with_40_photos(
    celery_worker, campaign, ks_kjj, kjj_host, fgw_officer, client
):
    with time_machine.travel(at(2017, 9, 13, 11), tick=False):
        photos = [stored_photo(kjj_host, ks_kjj, (5 * n, 100, 200 - 4 * n)) for n in range(40)]
        file_report(
            campaign, ks_kjj, D(2017, 9, 13), kjj_host, text="科普日启动。", photo_ids=[p.pk for p in photos]
        )
    with time_machine.travel(at(2017, 9, 13, 15, 59), tick=False):
        assert brief.briefs_due() == 0  # not before the cut-off
    with time_machine.travel(at(2017, 9, 13, 16, 5), tick=False):
        assert brief.briefs_due() == 1
    deadline = time.monotonic() + 60
    while not CampaignBrief.objects.filter(day=D(2017, 9, 13)).exclude(pdf="").exists():
        assert time.monotonic() < deadline, "the worker did not render the brief"
        time.sleep(0.2)
    day_brief = CampaignBrief.objects.get(day=D(2017, 9, 13))
    _text, images = pdf_text(day_brief.pdf.read())
    assert images == 40 and ReportPhoto.objects.filter(report__isnull=False).count() == 40
    client.force_login(fgw_officer)
    response = client.get(reverse("campaigns:brief_pdf", args=[day_brief.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(kjj_host)  # a host does not read the other hosts' reports in the brief
    assert client.get(reverse("campaigns:brief_pdf", args=[day_brief.pk])).status_code == 404
