"""Journey: the 科技局 officer logs in, sees the Chinese interface and proposal 277 in the inbox,
and signs for it."""

import pytest

from demo.data import DEMO_PASSWORD
from demo.loader import demo_load
from tasks.proposals.models import Proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")


def test_officer_sees_proposal_277_in_the_chinese_inbox_and_signs_for_it(live_server, page):
    demo_load()
    page.goto(f"{live_server.url}/")
    assert "登录" in page.title()
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    log_in(page, live_server, "kjj_officer")
    page.wait_for_selector("#department-queue")
    assert page.locator("h1").first.inner_text() == "我的待办"
    queue = page.locator("#department-queue")
    assert "关于在南通市组织社会大众聚力创新的建议" in queue.inner_text()
    assert "签收" in queue.inner_text()

    # one click takes the task from the department queue and opens it: no separate 认领
    queue.locator("tr", has_text="关于在南通市组织社会大众聚力创新的建议").get_by_role(
        "button", name="办理"
    ).click()
    page.wait_for_selector("#sign-for")
    assert "石剑波" in page.content()
    page.click("#sign-for")
    page.wait_for_selector("text=办理中")

    proposal = Proposal.objects.get(number="277")
    assert proposal.status == Proposal.Status.HANDLING
    assert proposal.signed_for_by.username == "kjj_officer"


def test_english_can_be_selected(live_server, page):
    """The language switch works under the Content-Security-Policy, which nothing violates."""
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    demo_load()
    log_in(page, live_server, "kjj_officer")
    page.wait_for_selector("#department-queue")
    page.select_option("#language-select", "en")
    page.wait_for_selector("text=Waiting for my department")
    assert page.locator("h1").first.inner_text() == "My tasks"
    page.goto(f"{live_server.url}{Proposal.objects.get(number='277').get_absolute_url()}")
    page.wait_for_selector("#timeline")
    assert not refused, refused


def test_outsider_opening_another_departments_proposal_gets_not_found(live_server, page):
    demo_load()
    proposal = Proposal.objects.get(number="277")
    log_in(page, live_server, "jyj_officer")
    page.wait_for_selector("#department-queue")
    assert "关于在南通市组织社会大众聚力创新的建议" not in page.content()

    response = page.goto(f"{live_server.url}{proposal.get_absolute_url()}")
    assert response.status == 404
    assert page.locator("#not-found").is_visible()
    assert "页面不存在" in page.content()
    assert "石剑波" not in page.content()
