"""Journey: a 科技局 host files today's report with a photo; 市发改委, watching the matrix, sees
the cell turn green without reloading the page.

Real time (the browser's cookies would expire in a travelled past): the campaign runs today,
with a cut-off late enough that the report is on time."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tasks.campaigns import services
from tasks.campaigns.models import Campaign, DailyReport
from tests.conftest import make_department, make_user
from tests.factories import PASSWORD
from tests.tasks.campaigns.conftest import jpeg
from workflows.workdays.calendar import is_working_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_a_host_files_a_report_with_a_photo_and_the_matrix_fills_in_live(live_server, browser, tmp_path):
    today = timezone.localdate()
    fgw = make_department("ks-fgw", "昆山市发展和改革委员会", "市发改委")
    kjj = make_department("ks-kjj", "昆山市科学技术局", "昆山市科技局")
    fgw_officer = make_user("fgw_officer", "陈莉", fgw, "officer")
    kjj_host = make_user("ks_kjj_officer", "吴昊", kjj, "officer")
    campaign = Campaign.objects.create(
        title="活动周",
        organiser=fgw,
        starts_on=today,
        ends_on=today,
        report_cutoff=datetime.time(23, 59, 59),
        closes_on=today + datetime.timedelta(days=7),
    )
    services.activity_add(campaign=campaign, name="科普日", hosts=[kjj], starts_on=today, ends_on=today)
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(jpeg().read())
    refused = []

    organiser = browser.new_context(locale="zh-CN").new_page()
    organiser.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(organiser, live_server, fgw_officer.username)
    organiser.goto(f"{live_server.url}/campaigns/{campaign.pk}/matrix/")
    cell = organiser.locator(f'td[data-cell="{kjj.pk}:{today.isoformat()}"]')
    expect(cell).to_have_class("cell--due")

    host = browser.new_context(locale="zh-CN").new_page()
    log_in(host, live_server, kjj_host.username)
    if is_working_day(today):  # the desk links to the reports due today (working days)
        expect(host.locator("#campaign-reports-due")).to_contain_text("活动周")
        host.locator("#campaign-reports-due a").click()
    else:
        host.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
        host.click("#file-report")
    host.fill("textarea[name=text]", "科普日活动在玉山镇举行。")
    host.set_input_files("input[name=photos]", str(photo))
    host.click("#submit-report")
    host.wait_for_selector("#photos img")
    assert "科普日活动在玉山镇举行。" in host.content()

    # the organiser's page was not reloaded: the poll redraws the cell
    expect(cell).to_have_class("cell--filed", timeout=25000)
    expect(cell.locator("a")).to_have_text("已报送")
    report = DailyReport.objects.get()
    assert report.photos.get().original_name == "现场照片.jpg" and not report.is_late
    cell.locator("a").click()
    organiser.wait_for_selector("#photos img")
    assert "科普日活动在玉山镇举行。" in organiser.content()
    assert not refused, refused
