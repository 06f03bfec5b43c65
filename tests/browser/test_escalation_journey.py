"""Journey: a 催办 reaches the 科技局 officer, who sees it in the header, opens it, and asks for an
extension; the secretariat approves it and the deadline moves."""

import datetime

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from demo.loader import demo_load
from tasks.proposals.flows import ProposalFlow
from tasks.proposals.models import Proposal
from tests.browser.test_officer_inbox import log_in
from workflows.escalation import dispatcher
from workflows.escalation.models import Deadline, Extension, Notice
from workflows.notifications.models import Notification
from workflows.workdays.calendar import add_working_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fire_next_rung():
    # the proposal's ladder only: the demo's duties have deadlines of their own
    Task.objects.filter(
        flow_task_type="TIMER", status=STATUS.SCHEDULED, process__flow_class=ProposalFlow
    ).update(scheduled=timezone.now() - datetime.timedelta(minutes=1))
    dispatcher.timers_fire()


def test_officer_asks_for_an_extension_after_a_urging_notice_and_the_secretariat_approves(
    live_server, page, browser
):
    demo_load()
    # the demo's duties told the officer of their own hand-overs: read already
    Notification.objects.filter(recipient__username="kjj_officer", url__startswith="/duties/").update(
        read_at=timezone.now()
    )
    fire_next_rung()  # the reminder
    fire_next_rung()  # the 催办
    assert Notice.objects.filter(kind=Notice.Kind.URGING).exists()
    deadline = Deadline.objects.for_subject(Proposal.objects.get(number="277")).get()
    new_due = add_working_days(deadline.due, 5)

    log_in(page, live_server, "kjj_officer")
    page.wait_for_selector("#notification-bell")
    # the 交办 message, the reminder and the 催办
    assert page.locator(".notification-bell__count").inner_text() == "3"
    page.click("#notification-bell")
    page.wait_for_selector("#notifications")
    assert "【催办】第277号建议" in page.locator("#notifications").inner_text()
    page.locator("#notifications tr", has_text="【催办】").get_by_role("button").click()

    page.wait_for_selector("#deadlines")
    assert "催办单" in page.locator("#deadlines").inner_text()
    assert page.locator("#deadlines .light--red").count() == 1
    page.get_by_role("link", name="申请延期").click()
    page.fill("input[name=requested_due]", new_due.isoformat())
    page.fill("textarea[name=reason]", "需与科协共同研究后签收")
    page.click("#request-extension")
    page.wait_for_selector("text=延期申请已报联席会议办公室审批。")

    context = browser.new_context(locale="zh-CN")
    try:
        secretariat = context.new_page()
        log_in(secretariat, live_server, "secretariat")
        secretariat.wait_for_selector("#department-queue")
        secretariat.get_by_role("link", name="延期审批").click()
        row = secretariat.locator("#pending-extensions tr", has_text="需与科协共同研究后签收")
        row.get_by_role("button", name="批准", exact=True).click()
        secretariat.wait_for_selector("text=审批意见已保存。")
    finally:
        context.close()

    deadline.refresh_from_db()
    assert deadline.due == new_due
    assert Extension.objects.get().status == Extension.Status.APPROVED
    page.reload()
    page.wait_for_selector("#deadlines")
    assert (
        f"原定期限{deadline.original_due.year}年{deadline.original_due.month}月"
        in page.locator("#deadlines").inner_text()
    )
