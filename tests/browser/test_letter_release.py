"""Journey: the secretariat edits 科技局's letter template (the live preview follows the typing),
releases a signed-off reply whose letter a real worker renders, and downloads the issued PDF."""

import datetime
import io
import re

import pdfplumber
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Department, User
from demo.loader import demo_load
from tasks.proposals import services, steps
from tasks.proposals.flows import ProposalFlow
from tests.browser.test_officer_inbox import log_in
from tests.browser.test_proposal_reply import take_step
from tests.factories import register_and_assign
from tests.workflows.test_worker import wait_for
from workflows.documents.models import LetterDocument, LetterTemplate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "关于建设城市科普公园的建议"


def signed_off_reply(kjj, officer, head):
    proposal = register_and_assign(lead=kjj, number="951", title=TITLE, proposers=("钱明",))
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
    steps.draft_complete(
        task=proposal.tasks().get(flow_task=ProposalFlow.draft),
        user=officer,
        text="尊敬的钱明代表：\n科普公园已列入明年城建计划。\n衷心感谢您对我们工作的关心和支持！",
        category="B",
        contact_person="张敏",
        contact_phone="0513-85123456",
    )
    steps.sign_off_complete(task=proposal.tasks().get(flow_task=ProposalFlow.sign_off), user=head)
    return proposal


def test_the_secretariat_edits_the_template_releases_and_downloads_the_letter(
    celery_worker, live_server, page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    demo_load()
    kjj = Department.objects.get(code="nt-kjj")
    proposal = signed_off_reply(
        kjj, User.objects.get(username="kjj_officer"), User.objects.get(username="kjj_head")
    )

    log_in(page, live_server, "secretariat")
    page.wait_for_selector("#notification-bell")
    page.goto(f"{live_server.url}/proposals/letter-templates/{kjj.pk}/?kind=suggestion")
    frame = page.locator("#letter-preview")
    expect(frame).to_have_attribute("data-updated", re.compile(r"\d"))  # the first preview
    page.fill("input[name=number_pattern]", "通科复〔{year}〕{n}号")
    page.fill("textarea[name=opening]", "{proposer}：您提出的《{proposal_title}》收悉，现答复如下：")
    expect(frame).to_have_attribute("srcdoc", re.compile("石剑波代表：您提出的"))
    assert "通科复〔2017〕12号" in frame.get_attribute("srcdoc")
    # a wrong bracket is refused in Chinese while typing, and the preview keeps the last good letter
    page.fill("input[name=number_pattern]", "通科复[{year}]{n}号")
    page.wait_for_selector("#letter-preview-errors:not([hidden])")
    assert "〔" in page.locator("#letter-preview-errors").inner_text()
    page.fill("input[name=number_pattern]", "通科复〔{year}〕{n}号")
    page.click("#save-template")
    page.wait_for_selector("#letter-templates")
    assert "通科复〔{year}〕{n}号" in page.locator("#letter-templates").inner_text()
    assert LetterTemplate.objects.get(department=kjj).number_pattern == "通科复〔{year}〕{n}号"

    take_step(page, live_server, proposal, "secretariat", "核稿发出")
    page.wait_for_selector("#letter-panel")
    assert "科普公园已列入明年城建计划。" in page.content()
    page.check("input[name=decision][value=approve]")
    page.click("#decide")
    page.wait_for_selector("#replies")
    reply = proposal.replies.get()
    year = timezone.localdate().year
    assert reply.letter_number == f"通科复〔{year}〕1号"
    assert wait_for(
        lambda: LetterDocument.objects.get(object_id=reply.pk, is_draft=False).status != "pending"
    )
    page.reload()
    with page.expect_download() as download:
        page.locator(f"#letter-files-{reply.pk}").get_by_role("link", name="答复函（PDF）").click()
    with pdfplumber.open(io.BytesIO(open(download.value.path(), "rb").read())) as pdf:
        text = "".join(char["text"] for p in pdf.pages for char in p.chars)
    assert f"通科复〔{year}〕1号" in text and "科普公园已列入明年城建计划。" in text and "草稿" not in text
