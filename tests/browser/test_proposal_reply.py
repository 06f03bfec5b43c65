"""Journey: 科协 gives its opinion, the 科技局 officer drafts the reply from the pre-filled text
(which quotes the opinion), the head signs it off and the secretariat releases it."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Department, User
from demo.loader import demo_load
from tasks.proposals import services, steps
from tasks.proposals.flows import ProposalFlow
from tasks.proposals.models import Proposal, Reply
from tests.browser.test_officer_inbox import log_in
from tests.factories import register_and_assign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "关于建设城市科普公园的建议"
OPINION = "市科协可提供科普展品设计和志愿讲解服务。"


def take_step(page, live_server, proposal, username, step_title):
    """Log in as ``username``, open the proposal and take its step from the steps table."""
    log_in(page, live_server, username)
    page.wait_for_selector("#notification-bell")
    page.goto(f"{live_server.url}{proposal.get_absolute_url()}")
    page.locator("tr", has_text=step_title).get_by_role("button", name="办理").click()


def log_out(page):
    page.context.clear_cookies()


def test_opinion_draft_sign_off_and_release_through_the_pages(live_server, page):
    demo_load()
    kjj, kx = Department.objects.get(code="nt-kjj"), Department.objects.get(code="nt-kx")
    officer = User.objects.get(username="kjj_officer")
    proposal = register_and_assign(lead=kjj, co_handlers=[kx], number="950", title=TITLE, proposers=("钱明",))
    reply = proposal.replies.get()
    steps.sign_for_complete(task=proposal.tasks().get(flow_task=ProposalFlow.sign_for), user=officer)
    services.contact_record(
        reply=reply,
        contacted_on=timezone.localdate() - datetime.timedelta(days=1),
        way="phone",
        person="钱明",
        view="希望尽快建设",
        user=officer,
    )

    # 科协 gives its opinion
    take_step(page, live_server, proposal, "kx_officer", "协办意见")
    page.wait_for_selector("#send-opinion")
    assert TITLE in page.content()
    page.fill("textarea[name=text]", OPINION)
    page.click("#send-opinion")
    page.wait_for_selector("#opinions")
    assert OPINION in page.locator("#opinions").inner_text()
    assert "已提出" in page.locator("#opinions").inner_text()
    log_out(page)

    # the officer drafts from the pre-filled text, which quotes the opinion
    take_step(page, live_server, proposal, "kjj_officer", "拟写答复")
    page.wait_for_selector("#submit-reply")
    text = page.locator("textarea[name=text]").input_value()
    assert text.startswith("尊敬的钱明代表：")
    assert f"（科协意见）{OPINION}" in text
    page.fill(
        "textarea[name=text]", text.replace("现答复如下：\n", "现答复如下：\n科普公园已列入明年城建计划。\n")
    )
    page.select_option("select[name=category]", "B")
    page.click("#submit-reply")
    page.wait_for_selector("#replies")
    assert "待负责人签发" in page.locator("#replies").inner_text()
    log_out(page)

    # the head signs it off
    take_step(page, live_server, proposal, "kjj_head", "负责人签发")
    page.wait_for_selector("#decide")
    assert "科普公园已列入明年城建计划。" in page.content()
    page.check("input[name=decision][value=approve]")
    page.click("#decide")
    page.wait_for_selector("#replies")
    assert "待联席会议办公室审核" in page.locator("#replies").inner_text()
    log_out(page)

    # the secretariat releases it
    take_step(page, live_server, proposal, "secretariat", "核稿发出")
    page.wait_for_selector("#decide")
    assert "科普公园已列入明年城建计划。" in page.content()
    page.check("input[name=decision][value=approve]")
    page.click("#decide")
    page.wait_for_selector("#replies")
    assert "已发出" in page.locator("#replies").inner_text()

    reply.refresh_from_db()
    assert reply.status == Reply.Status.RELEASED
    assert reply.category == "B"
    assert (reply.signed_off_by.username, reply.released_by.username) == ("kjj_head", "secretariat")
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.REPLIED
