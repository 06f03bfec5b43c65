"""Journey: the demo leader logs in, lands on the dashboard, and drills from the red department
to the overdue duty's history."""

import pytest

from demo.loader import demo_load
from tasks.duties.models import Duty
from tests.browser.test_officer_inbox import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERDUE_DUTY = "鼓励和推动各县（市）区建立双创社团"


def test_leader_drills_from_a_red_department_to_a_duty_timeline(live_server, page):
    demo_load()
    log_in(page, live_server, "leader")
    page.wait_for_selector("#department-table")
    assert page.url.endswith("/dashboard/")
    assert page.locator("h1").first.inner_text() == "领导驾驶舱"
    assert page.locator("#dashboard-departments svg").count() == 1  # the chart is drawn on the server
    assert "办复率" in page.locator("#dashboard-definitions").inner_text()

    red_row = page.locator("#department-table tbody tr").first  # worst first
    assert red_row.locator("td").first.inner_text() == "科协"
    red_row.locator("a.light--red").click()
    page.wait_for_selector("#step-list")
    assert "红灯" in page.locator("h1").first.inner_text()
    page.locator("#step-list a", has_text=OVERDUE_DUTY).click()

    page.wait_for_selector("#timeline")
    duty = Duty.objects.get(title=OVERDUE_DUTY)
    assert page.url.endswith(f"{duty.get_absolute_url()}#timeline")
    assert OVERDUE_DUTY in page.locator("h1").first.inner_text()
