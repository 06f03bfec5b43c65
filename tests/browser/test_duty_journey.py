"""Journey: the 科技局 officer signs for a duty in one click and files its completion report with
an attachment; the head signs it off; the secretariat accepts it and the duty is done."""

import pytest

from accounts.models import User
from demo.loader import demo_load
from tasks.duties.assignment import duty_assign
from tasks.duties.models import Attachment, Duty, DutyTable
from tests.browser.test_officer_inbox import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TITLE = "建立科技创新券制度"


def open_step(page, live_server, duty, step):
    """Open the duty page and take the step waiting for the user's department (办理)."""
    page.goto(f"{live_server.url}{duty.get_absolute_url()}")
    page.wait_for_selector("#steps")
    page.locator(f"#steps button[data-step={step}]").click()


def test_officer_reports_the_head_signs_off_and_the_secretariat_accepts(live_server, page, browser, tmp_path):
    demo_load()
    table = DutyTable.objects.get(title="大众创业万众创新南通行动计划重点任务分解表")
    kjj = User.objects.get(username="kjj_officer").department
    duty = Duty.objects.create(table=table, sequence=20, title=TITLE, measures="设立科技创新券。", lead=kjj)
    duty_assign(duty=duty, actor=User.objects.get(username="secretariat"))

    log_in(page, live_server, "kjj_officer")
    page.wait_for_selector("#department-queue")
    assert TITLE in page.locator("#department-queue").inner_text()
    page.goto(f"{live_server.url}{duty.get_absolute_url()}")
    page.click("#sign-for-now")
    page.wait_for_selector("text=已签收")

    open_step(page, live_server, duty, "write")
    page.wait_for_selector("#report-form")
    page.fill("textarea[name=progress]", "科技创新券制度已出台，首批发放500万元。")
    page.fill("textarea[name=problems]", "企业知晓率不高")
    attachment = tmp_path / "创新券办法.pdf"
    attachment.write_bytes(PDF)
    page.set_input_files("input[name=attachments]", str(attachment))
    page.click("#submit-report")
    page.wait_for_selector("#reports")
    assert "科技创新券制度已出台" in page.locator("#reports").inner_text()

    for username, decision in (("kjj_head", "approve"), ("secretariat", "approve")):
        context = browser.new_context(locale="zh-CN")
        try:
            other = context.new_page()
            log_in(other, live_server, username)
            other.wait_for_selector("#department-queue")
            step = "sign_off" if username == "kjj_head" else "review"
            open_step(other, live_server, duty, step)
            other.wait_for_selector("#decision")
            assert "科技创新券制度已出台" in other.locator("#report").inner_text()
            other.check(f"input[name=decision][value={decision}]")
            other.fill("textarea[name=comment]", "同意")
            other.click("#decide")
            other.wait_for_selector("text=已保存")
        finally:
            context.close()

    duty.refresh_from_db()
    assert duty.status == Duty.Status.DONE
    assert Attachment.objects.get(duty=duty).name == "创新券办法.pdf"
    page.reload()
    page.wait_for_selector("#duty-status")
    assert "已办结" in page.locator("#duty-status").inner_text()
