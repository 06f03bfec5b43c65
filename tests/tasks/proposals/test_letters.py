"""The reply letter in the proposal process: draft previews by a real worker with 核稿 findings,
release numbering and the frozen PDF, scoped downloads, the template editor, the admin command
and the public page of disclosed replies."""

import datetime
import io
from zoneinfo import ZoneInfo

import pdfplumber
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tasks.proposals import assignment, services, steps
from tasks.proposals.flows import ProposalFlow
from tasks.proposals.letters import letter_documents
from tasks.proposals.models import Reply
from tests.factories import register_and_assign
from tests.tasks.proposals.helpers import open_tasks, page_of, take_and_post
from tests.workflows.test_worker import wait_for
from workflows.documents import rendering
from workflows.documents.models import LetterDocument, LetterTemplate

SHANGHAI = ZoneInfo("Asia/Shanghai")
BODY = "我局高度重视，正在推进众创社区建设，已列入明年工作计划。"
DRAFT = {
    "text": f"尊敬的石剑波代表：\n{BODY}\n衷心感谢您对我们工作的关心和支持！",
    "category": "B",
    "contact_person": "张明",
    "contact_phone": "0513-85123456",
    "cc": "市人大常委会代表工作委员会",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf_text(content):
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return "".join(char["text"] for page in pdf.pages for char in page.chars)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def render_all():
    """What the worker does with every queued rendering (the real worker is tested below)."""
    for document in LetterDocument.objects.filter(status=LetterDocument.Status.PENDING):
        rendering.letter_document_render(document_id=document.pk, revision=document.revision)


@pytest.fixture
def drafting(kjj, kx, kjj_officer, kx_officer):
    """Proposal 277 led by 科技局 with 科协: signed for, 科协's opinion in, the proposer contacted."""
    with time_machine.travel(datetime.datetime(2024, 3, 4, 10, 0, tzinfo=SHANGHAI), tick=False):
        proposal = register_and_assign(lead=kjj, co_handlers=[kx])
        (task,) = open_tasks(proposal, ProposalFlow.sign_for)
        steps.sign_for_complete(task=task, user=kjj_officer)
        (task,) = open_tasks(proposal, ProposalFlow.opinion)
        steps.opinion_complete(task=task, user=kx_officer, text="科协将组织科技工作者参与。")
        reply = proposal.replies.get()
        services.contact_record(
            reply=reply,
            contacted_on=datetime.date(2024, 3, 4),
            way="phone",
            person="石剑波",
            view="同意",
            user=kjj_officer,
        )
    return proposal


def released(proposal, kjj_officer, kjj_head, secretariat, **changes):
    """Drafted, signed off and released through the services; every letter rendered."""
    with time_machine.travel(datetime.datetime(2024, 3, 5, 10, 0, tzinfo=SHANGHAI), tick=False):
        (task,) = open_tasks(proposal, ProposalFlow.draft)
        steps.draft_complete(task=task, user=kjj_officer, **{**DRAFT, **changes})
        (task,) = open_tasks(proposal, ProposalFlow.sign_off)
        steps.sign_off_complete(task=task, user=kjj_head)
        (task,) = open_tasks(proposal, ProposalFlow.review)
        steps.review_complete(task=task, user=secretariat)
    render_all()
    return proposal.replies.get()


def test_saving_a_draft_has_a_real_worker_render_its_preview_shown_with_the_findings(
    celery_worker, client, drafting, kjj_officer, kjj_head
):
    (task,) = open_tasks(drafting, ProposalFlow.draft)
    # half-width punctuation inside Chinese text: a 核稿 finding
    response = take_and_post(
        client, kjj_officer, task, {**DRAFT, "text": DRAFT["text"] + "\n另外,我们将跟进。", "action": "save"}
    )
    assert response.status_code == 302
    reply = drafting.replies.get()
    assert wait_for(lambda: letter_documents(reply)[True].status != LetterDocument.Status.PENDING)
    draft = letter_documents(reply)[True]
    assert draft.status == LetterDocument.Status.DONE, draft.error
    task.refresh_from_db()
    page = page_of(client, kjj_officer, task).content.decode()
    assert reverse("proposals:letter_pdf", args=[reply.pk]) in page
    assert 'id="letter-findings"' in page and "，" in page and "另外," in page
    pdf = client.get(reverse("proposals:letter_pdf", args=[reply.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(body(pdf))
    assert "草稿" in text and "众创社区建设" in text
    # the head's sign-off page shows the same preview and findings
    take_and_post(client, kjj_officer, task, {**DRAFT, "action": "submit"})
    assert wait_for(lambda: letter_documents(reply)[True].status != LetterDocument.Status.PENDING)
    (sign_off,) = open_tasks(drafting, ProposalFlow.sign_off)
    page = page_of(client, kjj_head, sign_off).content.decode()
    assert reverse("proposals:letter_pdf", args=[reply.pk]) in page and 'id="letter-findings"' in page


def test_release_numbers_the_letter_from_the_template_and_freezes_its_pdf(
    client, drafting, kjj, kjj_officer, kjj_head, secretariat
):
    LetterTemplate.objects.create(
        department=kjj, kind="suggestion", number_pattern="通科复〔{year}〕{n}号", opening="您好。"
    )
    reply = released(drafting, kjj_officer, kjj_head, secretariat)
    assert reply.status == Reply.Status.RELEASED and reply.letter_number == "通科复〔2024〕1号"
    issued = letter_documents(reply)[False]
    assert issued.is_issued and issued.number == reply.letter_number and len(issued.pdf_sha256) == 64
    client.force_login(secretariat)
    response = client.get(reverse("proposals:letter_pdf", args=[reply.pk]))
    assert response.status_code == 200
    text = pdf_text(body(response))
    assert "通科复〔2024〕1号" in text and "众创社区建设" in text and "草稿" not in text
    page = client.get(drafting.get_absolute_url()).content.decode()
    assert "通科复〔2024〕1号" in page and reverse("proposals:letter_docx", args=[reply.pk]) in page


def test_a_department_without_a_template_numbers_by_its_short_name(
    drafting, kjj_officer, kjj_head, secretariat
):
    assert released(drafting, kjj_officer, kjj_head, secretariat).letter_number == "科技局复〔2024〕1号"


def test_a_follow_up_reply_gets_its_own_letter_and_number(drafting, kjj_officer, kjj_head, secretariat):
    first = released(drafting, kjj_officer, kjj_head, secretariat)
    with time_machine.travel(datetime.datetime(2024, 9, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        follow_up = assignment.follow_up_open(reply=first, user=kjj_officer)
    assert follow_up.kind == Reply.Kind.FOLLOW_UP
    with time_machine.travel(datetime.datetime(2024, 9, 3, 10, 0, tzinfo=SHANGHAI), tick=False):
        (task,) = open_tasks(drafting, ProposalFlow.draft)
        services.contact_record(
            reply=follow_up,
            contacted_on=datetime.date(2024, 9, 3),
            way="phone",
            person="石剑波",
            view="同意",
            user=kjj_officer,
        )
        steps.draft_complete(
            task=task, user=kjj_officer, **{**DRAFT, "category": "A", "text": "众创社区已建成。"}
        )
        (task,) = open_tasks(drafting, ProposalFlow.sign_off)
        steps.sign_off_complete(task=task, user=kjj_head)
        (task,) = open_tasks(drafting, ProposalFlow.review)
        steps.review_complete(task=task, user=secretariat)
    render_all()
    follow_up.refresh_from_db()
    assert follow_up.letter_number == "科技局复〔2024〕2号"
    data = letter_documents(follow_up)[False].data
    assert data["title"].endswith("的跟踪答复") and data["paragraphs"] == ["众创社区已建成。"]


def test_a_changed_pdf_is_refused_over_http(client, drafting, kjj_officer, kjj_head, secretariat):
    reply = released(drafting, kjj_officer, kjj_head, secretariat)
    issued = letter_documents(reply)[False]
    with open(issued.pdf.path, "ab") as handle:
        handle.write(b"% tampered")
    client.force_login(kjj_officer)
    response = client.get(reverse("proposals:letter_pdf", args=[reply.pk]))
    assert response.status_code == 409
    page = response.content.decode()
    assert "SHA-256" in page and "%PDF" not in page


def test_every_letter_file_is_scoped_like_the_proposal(
    client, drafting, kjj_officer, kjj_head, kx_officer, jyj_officer, secretariat
):
    reply = released(drafting, kjj_officer, kjj_head, secretariat)
    client.force_login(kjj_officer)
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 signed and sealed", content_type="application/pdf")
    upload = reverse("proposals:letter_scan_upload", args=[reply.pk])
    assert client.get(upload).status_code == 405
    assert client.post(upload, {"scan": scan}).status_code == 302
    assert letter_documents(reply)[False].scan_sha256
    names = ("letter_pdf", "letter_docx", "letter_scan")
    for name in names:
        url = reverse(f"proposals:{name}", args=[reply.pk])
        client.force_login(jyj_officer)
        assert client.get(url).status_code == 404, name
        client.force_login(kx_officer)  # the co-handler reads the released letter
        assert client.get(url).status_code == 200, name
    client.force_login(kjj_officer)
    assert (
        body(client.get(reverse("proposals:letter_scan", args=[reply.pk]))) == b"%PDF-1.4 signed and sealed"
    )
    docx = client.get(reverse("proposals:letter_docx", args=[reply.pk]))
    assert body(docx).startswith(b"PK")
    # the co-handler may read the scan but not replace it; an outsider cannot reach it at all
    for user, status in ((kx_officer, 403), (jyj_officer, 404)):
        client.force_login(user)
        scan = SimpleUploadedFile("x.pdf", b"%PDF-1.4 other", content_type="application/pdf")
        assert client.post(upload, {"scan": scan}).status_code == status
    assert body(client.get(reverse("proposals:letter_scan", args=[reply.pk]))) != b"%PDF-1.4 other"


def test_a_draft_preview_stays_with_the_handling_department(
    client, drafting, kjj_officer, kx_officer, jyj_officer
):
    (task,) = open_tasks(drafting, ProposalFlow.draft)
    take_and_post(client, kjj_officer, task, {**DRAFT, "action": "save"})
    render_all()
    reply = drafting.replies.get()
    url = reverse("proposals:letter_pdf", args=[reply.pk])
    assert client.get(url).status_code == 200
    for outsider in (kx_officer, jyj_officer):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_a_failed_render_shows_its_error_to_the_secretariat_who_retries_it(
    client, drafting, kjj_officer, kjj_head, secretariat
):
    (task,) = open_tasks(drafting, ProposalFlow.draft)
    steps.draft_complete(task=task, user=kjj_officer, **DRAFT)
    (task,) = open_tasks(drafting, ProposalFlow.sign_off)
    steps.sign_off_complete(task=task, user=kjj_head)
    reply = drafting.replies.get()
    LetterDocument.objects.filter(is_draft=True).update(status="failed", error="字体缺失：测试错误")
    (review,) = open_tasks(drafting, ProposalFlow.review)
    page = page_of(client, secretariat, review).content.decode()
    assert "字体缺失：测试错误" in page and 'id="letter-retry"' in page
    retry = reverse("proposals:letter_retry", args=[reply.pk])
    client.force_login(kjj_officer)
    assert client.post(retry).status_code == 403
    client.force_login(secretariat)
    assert client.get(retry).status_code == 405
    assert client.post(retry).status_code == 302
    assert letter_documents(reply)[True].status == LetterDocument.Status.PENDING
    render_all()
    assert letter_documents(reply)[True].status == LetterDocument.Status.DONE
    # a failed release stays numbered; the proposal's page offers the retry
    review.refresh_from_db()
    steps.review_complete(task=review, user=secretariat)
    LetterDocument.objects.filter(is_draft=False).update(status="failed", error="渲染超时")
    page = client.get(drafting.get_absolute_url()).content.decode()
    assert "渲染超时" in page and retry in page
    client.force_login(kjj_officer)
    assert "渲染超时" not in client.get(drafting.get_absolute_url()).content.decode()
    client.force_login(secretariat)
    assert client.post(retry).status_code == 302
    render_all()
    issued = letter_documents(reply)[False]
    reply.refresh_from_db()
    assert issued.is_issued and issued.number == reply.letter_number != ""


def test_the_secretariat_edits_a_template_with_a_preview_of_the_sample_letter(
    client, kjj, kjj_officer, secretariat
):
    edit = reverse("proposals:letter_template_edit", args=[kjj.pk]) + "?kind=suggestion"
    preview = reverse("proposals:letter_template_preview")
    form = {
        "department": kjj.pk,
        "kind": "suggestion",
        "number_pattern": "通科复〔{year}〕{n}号",
        "opening": "{proposer}：您提出的《{proposal_title}》收悉。",
        "closing": "感谢您的支持。",
        "contact_person": "张明",
        "contact_phone": "0513-85123456",
        "copy_to": "市人大常委会代表工作委员会",
    }
    client.force_login(kjj_officer)
    assert client.get(edit).status_code == 403
    assert client.post(preview, form).status_code == 403
    client.force_login(secretariat)
    assert client.get(reverse("proposals:letter_templates")).status_code == 200
    assert client.get(edit).status_code == 200
    assert client.get(preview).status_code == 405
    response = client.post(preview, form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "石剑波代表：您提出的《关于在南通市组织社会大众聚力创新的建议》收悉。" in html
    assert "通科复〔2017〕12号" in html and 'lang="zh-CN"' in html
    refused = client.post(preview, {**form, "number_pattern": "通科复[{year}]{n}号", "opening": "{nope}"})
    assert refused.status_code == 400 and "〔" in refused.content.decode()
    assert not LetterTemplate.objects.exists()
    bad = client.post(edit, {**form, "number_pattern": "通科复〔{year}〕0{n}号"})
    assert bad.status_code == 200 and "通科复〔{year}〕0{n}号" in bad.content.decode()
    assert not LetterTemplate.objects.exists()
    assert client.post(edit, form).status_code == 302
    template = LetterTemplate.objects.get()
    assert (template.department, template.kind, template.contact_person) == (kjj, "suggestion", "张明")
    assert "通科复〔{year}〕{n}号" in client.get(reverse("proposals:letter_templates")).content.decode()


def test_letter_preview_command_renders_the_draft_or_else_the_template(tmp_path, drafting, kjj_officer):
    out = tmp_path / "before.pdf"
    call_command("letter_preview", "277", "--out", str(out), stdout=io.StringIO())
    text = pdf_text(out.read_bytes())
    assert "关于在南通市组织社会大众聚力创新的建议" in text and "草稿" in text
    with time_machine.travel(datetime.datetime(2024, 3, 5, 10, 0, tzinfo=SHANGHAI), tick=False):
        services.reply_save(reply=drafting.replies.get(), user=kjj_officer, **DRAFT)
    out = tmp_path / "draft.pdf"
    call_command("letter_preview", "277", "--session", "2017年", "--out", str(out), stdout=io.StringIO())
    assert "众创社区建设" in pdf_text(out.read_bytes())
    with pytest.raises(CommandError, match="No proposal numbered 999"):
        call_command("letter_preview", "999", "--out", str(tmp_path / "x.pdf"))


def test_the_public_page_shows_disclosed_replies_without_contact_details(
    client, drafting, kjj, kjj_officer, kjj_head, secretariat
):
    drafting.proposers.update(mobile="13900001111", email="shijianbo@example.cn", address="保密地址路1号")
    text = DRAFT["text"] + "\n如有疑问请致电0513-85999999或13800002222，邮箱kjj@example.cn。"
    reply = released(drafting, kjj_officer, kjj_head, secretariat, text=text)
    response = client.get(reverse("proposals:public_replies"))  # no login
    assert response.status_code == 200
    page = response.content.decode()
    assert "关于在南通市组织社会大众聚力创新的建议" in page and "众创社区建设" in page
    assert reply.letter_number in page and "南通市科学技术局" in page
    for detail in (
        "13900001111",
        "shijianbo@example.cn",
        "保密地址路1号",
        "张明",
        "0513-85123456",
        "0513-85999999",
        "13800002222",
        "kjj@example.cn",
        "联系人",
    ):
        assert detail not in page, detail
    drafting.is_public = False
    drafting.save()
    assert "众创社区建设" not in client.get(reverse("proposals:public_replies")).content.decode()
