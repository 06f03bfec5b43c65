"""Permission matrix generated from the URL configuration.

Every URL pattern (ours, viewflow's, Django admin's) is requested by the officer and the head of
three departments (科技局 leads the work, 科协 cooperates, 教育局 has no part), the secretariat, a
leader and an anonymous visitor. Nobody reaches another department's objects; rightful users
do. A new URL pattern whose arguments the matrix cannot fill fails this test until it is added
here, so every page added later is covered.
"""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver
from PIL import Image
from viewflow.workflow.models import Task
from viewflow.workflow.timers import fire_due_timers

from accounts import tokens
from accounts.models import Department, User
from dashboard import circulars
from dashboard.models import Circular
from tasks.campaigns import brief
from tasks.campaigns import services as campaign_services
from tasks.campaigns.models import Campaign, ReportPhoto, SummaryRow, SummaryTable
from tasks.campaigns.photos import photo_store
from tasks.duties.assignment import duty_assign
from tasks.duties.models import Attachment, Duty, DutyTable, JointMeeting
from tasks.proposals import assignment, services, steps
from tasks.proposals.flows import ProposalFlow
from tasks.proposals.models import Proposal, ProposalAttachment
from tests.conftest import make_department, make_user
from tests.factories import duties_in_every_step, register_and_assign
from workflows.desk import registry
from workflows.documents import rendering
from workflows.documents.models import LetterDocument
from workflows.documents.services import letter_scan_attach
from workflows.escalation import extensions, notice_pdf
from workflows.escalation.models import Deadline, Notice
from workflows.notifications.models import Notification
from workflows.workdays.calendar import calendar_correction_add

SHANGHAI = ZoneInfo("Asia/Shanghai")
SECRET_MARKERS = [
    "保密建议标题甲",
    "保密提案人乙",
    "保密任务丙",
    "保密协办意见戊",
    "保密答复己",
    "保密调整理由",
    "保密活动信息庚",
    "保密汇总行辛",
]
PUBLIC = {
    "healthz",
    "set_language",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "admin:login",
    "admin:logout",
    "proposals:evaluate",  # the proposer's personal link: no login, the signed token is the key
    "proposals:public_replies",  # disclosed replies, no contact details (tasks/proposals/test_letters.py)
    "dashboard:calendar_feed",  # the secret token is the key; a wrong one is 404 (dashboard/test_feeds.py)
    "api:root",  # a redirect to the docs
    "api:schema",  # the API's description, no data (tests/api/test_schema.py)
    "api:docs",
}
SECRETARIAT_ONLY_PREFIX = "manage/"
STAFF_ONLY_PREFIX = "admin/"
# views whose only purpose is a change: insiders may be refused by role (403), never by scope
ACTION_SUFFIXES = ("execute/", "assign/", "unassign/", "cancel/", "undo/", "revive/", "deactivate/")
# a change only the responsible department may make: other insiders are refused by role, not scope
ACTION_NAMES = {
    "desk:extension_request",
    "desk:task_take",
    "proposals:sign_for",
    "duties:sign_for",
    "proposals:contact_add",
    "proposals:reassignment_request",
    "proposals:follow_up_open",
    "proposals:letter_scan_upload",
    # campaigns: set up by the collecting department, reported and summarised by the hosts
    "campaigns:activity_create",
    "campaigns:activity_import",
    "campaigns:report_file",
    "campaigns:summary_import",
    "campaigns:summary_row_delete",
}
ROLES = [
    "kjj_officer",
    "kjj_head",
    "kx_officer",
    "kx_head",
    "jyj_officer",
    "jyj_head",
    "secretariat",
    "leader",
    "jyj_leader",
]
OUTSIDERS = {"jyj_officer", "jyj_head", "jyj_leader"}


def url_patterns():
    """(route, name) for every pattern in the URL configuration."""

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            else:
                name = pattern.name or ""
                yield prefix + str(pattern.pattern), f"{namespace}:{name}" if namespace else name

    return list(walk(get_resolver().url_patterns))


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(datetime.datetime(2024, 3, 4, 10, 0, tzinfo=SHANGHAI), tick=False):
        kjj = make_department("nt-kjj", "南通市科学技术局", "科技局")
        kx = make_department("nt-kx", "南通市科学技术协会", "科协", "mass_org")
        jyj = make_department("nt-jyj", "南通市教育局", "教育局")
        city = make_department("nt-szf", "南通市人民政府", "市政府", "other")
        people = {
            "kjj_officer": make_user("kjj_officer", "张敏", kjj, "officer"),
            "kjj_head": make_user("kjj_head", "李强", kjj, "head"),
            "kx_officer": make_user("kx_officer", "王芳", kx, "officer"),
            "kx_head": make_user("kx_head", "刘洋", kx, "head"),
            "jyj_officer": make_user("jyj_officer", "陈晨", jyj, "officer"),
            "jyj_head": make_user("jyj_head", "杨帆", jyj, "head"),
            "secretariat": make_user("secretariat", "周婷", kjj, "secretariat"),
            "leader": make_user("leader", "赵建国", city, "leader"),
        }
        people["leader"].oversees_all = True
        people["leader"].save()
        # a leader whose scope is 教育局 only: an outsider to 科技局's work
        people["jyj_leader"] = make_user("jyj_leader", "孙副市长", city, "leader")
        people["jyj_leader"].oversees.add(jyj)

        def proposal(number):
            item = register_and_assign(
                lead=kjj,
                co_handlers=[kx],
                kind="suggestion",
                session="2024年",
                number=number,
                title=f"保密建议标题甲{number}",
                content="内容",
                proposers=("保密提案人乙",),
            )
            return item

        open_proposal = proposal("1")
        signed_proposal = proposal("2")
        # 教育局's own work: its process must not open the door to 科技局's tasks
        own = register_and_assign(
            lead=jyj,
            kind="suggestion",
            session="2024年",
            number="3",
            title="教育局的建议",
            content="内容",
            proposers=("某代表",),
        )
        reassignment = assignment.reassignment_request(
            reply=open_proposal.replies.get(), reason="保密调整理由", user=people["kjj_officer"]
        )
    # the reminder of the open proposal fires; the other one is signed for and finished
    with time_machine.travel(datetime.datetime(2024, 3, 12, 9, 30, tzinfo=SHANGHAI), tick=False):
        task = signed_proposal.tasks().get(flow_task_type="HUMAN")
        with task.activation() as activation:
            activation.assign(people["kjj_officer"])
        services.proposal_sign_for(proposal=signed_proposal, user=people["kjj_officer"])
        with task.activation() as activation:
            activation.start(None)
            activation.execute()
        assert fire_due_timers() == 2  # the reminders of the open proposal and of 教育局's own
        # a third proposal whose reply the head has signed off: the secretariat's review is open
        reviewed = proposal("4")
        (sign_for,) = reviewed.tasks().filter(flow_task=ProposalFlow.sign_for)
        steps.sign_for_complete(task=sign_for, user=people["kjj_officer"])
        (opinion,) = reviewed.tasks().filter(flow_task=ProposalFlow.opinion)
        steps.opinion_complete(task=opinion, user=people["kx_officer"], text="保密协办意见戊")
        reply = reviewed.replies.get()
        services.contact_record(
            reply=reply,
            contacted_on=datetime.date(2024, 3, 12),
            way="phone",
            person="保密提案人乙",
            view="同意",
            user=people["kjj_officer"],
        )
        (draft,) = reviewed.tasks().filter(flow_task=ProposalFlow.draft)
        steps.draft_complete(task=draft, user=people["kjj_officer"], text="保密答复己", category="B")
        (sign_off,) = reviewed.tasks().filter(flow_task=ProposalFlow.sign_off)
        steps.sign_off_complete(task=sign_off, user=people["kjj_head"])
        (review,) = reviewed.tasks().filter(flow_task=ProposalFlow.review)
        steps.review_complete(task=review, user=people["secretariat"])
        reply.refresh_from_db()
        assignment.follow_up_open(reply=reply, user=people["kjj_officer"])
    # the worker renders the letters (draft preview and issued letter); the scan is archived
    for document in LetterDocument.objects.filter(status=LetterDocument.Status.PENDING):
        rendering.letter_document_render(document_id=document.pk, revision=document.revision)
    letter_scan_attach(
        document=LetterDocument.objects.get(is_draft=False),
        upload=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan"),
    )

    deadline = Deadline.objects.open().for_subject(open_proposal).get()
    notice = Notice.objects.filter(deadline=deadline).first()
    notice_pdf.notice_pdf_render(notice_id=notice.pk)  # a Celery task renders it after issue
    notification = Notification.objects.filter(recipient=people["kjj_officer"], channel="in_app").first()
    with time_machine.travel(datetime.datetime(2024, 3, 12, 10, 0, tzinfo=SHANGHAI), tick=False):
        extension = extensions.extension_request(
            deadline=deadline,
            requested_due=datetime.date(2024, 3, 20),
            reason="保密延期理由丁：需要与协办单位进一步会商",
            user=people["kjj_officer"],
        )
    correction = calendar_correction_add(
        day=datetime.date(2030, 10, 12), is_working_day=True, note="调休上班", actor=people["secretariat"]
    )
    meeting = JointMeeting.objects.create(name="南通双创联席会议", short_name="双创", office=kjj)
    table = DutyTable.objects.create(meeting=meeting, title="重点任务分解表")
    duty = Duty.objects.create(table=table, sequence=1, title="保密任务丙", lead=kjj)
    duty_assign(duty=duty, lead=kjj, cooperating=[kx])
    # a duty in every step of the duty flows, with an attachment
    duties = duties_in_every_step(
        table=table,
        lead=kjj,
        cooperating=[kx],
        people={
            "lead_officer": people["kjj_officer"],
            "co_officer": people["kx_officer"],
            "head": people["kjj_head"],
            "secretariat": people["secretariat"],
            "leader": people["leader"],
        },
        title="保密任务丙",
    )
    attachment = Attachment.objects.create(
        duty=duty,
        kind="pdf",
        file=ContentFile(b"%PDF-1.4", name="a.pdf"),
        name="保密任务丙附件.pdf",
        size=8,
        uploaded_by=people["kjj_officer"],
    )
    campaign = campaign_world(kjj, kx, people["kx_officer"])
    proposal_attachment = ProposalAttachment.objects.create(
        proposal=open_proposal, file=ContentFile(b"%PDF-1.4", name="a.pdf"), name="保密建议附件.pdf"
    )
    circular = Circular.objects.create(month=datetime.date(2024, 3, 1))
    circulars.circular_render(circular_id=circular.pk)
    return {
        "circular": circular,
        "proposal_attachment": proposal_attachment,
        "duties": [duty, *duties],
        "table": table,
        "attachment": attachment,
        "people": people,
        "proposals": [open_proposal, signed_proposal, reviewed],
        "reassignment": reassignment,
        "campaign": campaign,
        "outsiders_process": own.processes().get(),
        "duty": duty,
        "department": kjj,
        "user": people["kx_officer"],
        "deadline": deadline,
        "notice": notice,
        "notification": notification,
        "extension": extension,
        "correction": correction,
        "api_token": tokens.api_token_issue(
            account=tokens.system_account_create(name="保密系统账号", department=kjj, actor=None),
            label="主服务器",
            actor=None,
        )[0],
    }


PK_OBJECTS = {
    "proposals:proposal_detail": lambda world: world["proposals"][0],
    "duties:duty_detail": lambda world: world["duty"],
    "duties:duty_assign": lambda world: world["duty"],
    "duties:table_detail": lambda world: world["table"],
    "duties:table_assign": lambda world: world["table"],
    "duties:attachment_download": lambda world: world["attachment"],
    "manage:department_edit": lambda world: world["department"],
    "manage:user_edit": lambda world: world["user"],
    "manage:user_deactivate": lambda world: world["user"],
    "desk:notification_read": lambda world: world["notification"],
    "desk:notice_detail": lambda world: world["notice"],
    "desk:notice_pdf": lambda world: world["notice"],
    "desk:extension_request": lambda world: world["deadline"],
    "desk:extension_decide": lambda world: world["extension"],
    "desk:calendar_correction_delete": lambda world: world["correction"],
    "desk:task_take": lambda world: world["proposals"][0].tasks().get(flow_task_type="HUMAN"),
    "proposals:contact_add": lambda world: world["proposals"][1].replies.get(),
    "proposals:reassignment_request": lambda world: world["proposals"][0].replies.get(),
    "proposals:follow_up_open": lambda world: world["proposals"][2].replies.get(kind="first"),
    "proposals:reassignment_decide": lambda world: world["reassignment"],
    "proposals:opinion_waive": lambda world: world["proposals"][1].opinions.get(),
    "proposals:evaluation_record": lambda world: world["proposals"][2],
    "proposals:evaluation_link": lambda world: world["proposals"][2].proposers.get(),
    **{
        f"campaigns:{name}": lambda world: world["campaign"]
        for name in (
            "campaign_detail",
            "activity_create",
            "activity_import",
            "matrix",
            "matrix_data",
            "report_file",
            "summary",
            "summary_import",
            "summary_export",
        )
    },
    "campaigns:report_detail": lambda world: world["campaign"].reports.get(),
    "campaigns:photo_original": lambda world: ReportPhoto.objects.get(),
    "campaigns:photo_thumbnail": lambda world: ReportPhoto.objects.get(),
    "campaigns:brief_pdf": lambda world: world["campaign"].briefs.get(),
    "campaigns:summary_row_delete": lambda world: SummaryRow.objects.get(),
    "proposals:attachment_add": lambda world: world["proposals"][0],
    "proposals:attachment_download": lambda world: world["proposal_attachment"],
    **{
        f"proposals:{name}": lambda world: world["proposals"][2].replies.get(kind="first")
        for name in ("letter_pdf", "letter_docx", "letter_scan", "letter_scan_upload", "letter_retry")
    },
    "proposals:letter_template_edit": lambda world: world["department"],
    "dashboard:circular_pdf": lambda world: world["circular"],
    "manage:api_token_issue": lambda world: world["api_token"].account,
    "manage:api_token_revoke": lambda world: world["api_token"],
    "api:department_detail": lambda world: world["department"],
    "api:proposal_detail": lambda world: world["proposals"][0],
    "api:proposal_letters": lambda world: world["proposals"][2],
    "api:letter_pdf": lambda world: world["proposals"][2].replies.get(kind="first"),
    "api:duty_detail": lambda world: world["duty"],
    "api:duty_reports": lambda world: world["duties"][-1],
    "api:campaign_reports": lambda world: world["campaign"],
}


def campaign_world(kjj, kx, kx_officer):
    """科技局 collects a campaign that 科协 hosts; 科协 has filed a report with a photo and a
    summary row, and the day's brief is rendered. 教育局 has no part."""
    campaign = Campaign.objects.create(
        title="南通双创活动周",
        organiser=kjj,
        starts_on=datetime.date(2024, 3, 4),
        ends_on=datetime.date(2024, 3, 8),
    )
    campaign_services.activity_add(
        campaign=campaign,
        name="科普讲座",
        hosts=[kx],
        starts_on=datetime.date(2024, 3, 4),
        ends_on=datetime.date(2024, 3, 4),
    )
    table = SummaryTable.objects.create(
        campaign=campaign,
        sequence=2,
        title="表二：服务活动情况",
        columns=["序号", "活动名称", "主办单位", "参加人数", "主要内容"],
    )
    image = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(image, "JPEG")
    with time_machine.travel(datetime.datetime(2024, 3, 4, 11, 0, tzinfo=SHANGHAI), tick=False):
        photo = photo_store(
            upload=SimpleUploadedFile("photo.jpg", image.getvalue()), user=kx_officer, department=kx
        )
        campaign_services.daily_report_file(
            campaign=campaign,
            department=kx,
            day=datetime.date(2024, 3, 4),
            user=kx_officer,
            text="保密活动信息庚",
            photo_ids=[photo.pk],
        )
        campaign_services.summary_row_add(
            table=table, department=kx, cells=["保密汇总行辛", "科协", 30, "讲座"], user=kx_officer
        )
    with time_machine.travel(datetime.datetime(2024, 3, 4, 16, 30, tzinfo=SHANGHAI), tick=False):
        (day_brief,) = campaign_services.briefs_create(campaign=campaign)
    brief.brief_render(brief_id=day_brief.pk)
    return campaign


# who may reach each kind of object; everyone else must get 403 or 404
SECRETARIAT_ONLY = {
    "duties:duty_assign",
    "duties:table_assign",
    "desk:extension_decide",
    "desk:calendar_correction_delete",
    "desk:extension_list",
    "desk:calendar",
    "desk:calendar_year_confirm",
    "proposals:secretariat_work",
    "proposals:reassignment_decide",
    "proposals:opinion_waive",
    "proposals:evaluation_record",
    "proposals:evaluation_link",
    "proposals:attachment_add",
    "proposals:letter_retry",
    "proposals:letter_templates",
    "proposals:letter_template_edit",
    "proposals:letter_template_preview",
    "duties:import",
    "duties:import_confirm",
    "duties:import_template",
}
OWN_ONLY = {"desk:notification_read": {"kjj_officer"}}
PROPOSAL_VIEWERS = {"kjj_officer", "kjj_head", "kx_officer", "kx_head", "secretariat", "leader"}
assert not PROPOSAL_VIEWERS & OUTSIDERS
DUTY_VIEWERS = PROPOSAL_VIEWERS
# 催办单/督办单 and extensions: the lead department, the secretariat, the leaders over it
ESCALATION_VIEWERS = {"kjj_officer", "kjj_head", "secretariat", "leader"}
# the co-handler's own deadline (its 协办意见): 科协, the secretariat, the leaders over it
CO_ESCALATION_VIEWERS = {"kx_officer", "kx_head", "secretariat", "leader"}
# a campaign: the collecting department (科技局) and its host (科协); the brief gathers every
# host's reports, so only the collecting department reads it
CAMPAIGN_VIEWERS = PROPOSAL_VIEWERS
BRIEF_VIEWERS = {"kjj_officer", "kjj_head", "secretariat", "leader"}
# 月度通报 name every department's figures: those who see everything
CIRCULAR_VIEWERS = {"secretariat", "leader"}


def escalation_markers(world):
    return [world["extension"].reason, world["notice"].reference]


def build_url(route, name, world):
    """Fill the pattern's arguments from the world; fail loudly for an argument we don't know."""
    path = re.sub(r"\^|\$", "", route)
    node = None
    match = re.search(r"<int:process_pk>/(\w+)/<int:task_pk>", path)
    if match:
        node = match.group(1)
    values = {}
    for _converter, argument in re.findall(r"<(?:(\w+):)?(\w+)>", path):
        if argument in ("process_pk", "task_pk"):
            continue
        if argument == "pk":
            if name not in PK_OBJECTS:
                pytest.fail(f"URL {name} ({route}) takes a pk the permission matrix does not know")
            values[argument] = PK_OBJECTS[name](world).pk
        elif argument == "id":
            values[argument] = world["user"].pk
        elif argument == "object_id":
            values[argument] = world["proposals"][0].pk
        elif argument == "content_type_id":
            values[argument] = ContentType.objects.get_for_model(Proposal).pk
        elif argument == "app_label":
            values[argument] = "proposals"
        elif argument in ("uidb64", "token"):
            values[argument] = "x"
        elif argument == "url":
            values[argument] = "x"
        else:
            pytest.fail(f"URL {name} ({route}) takes <{argument}> the permission matrix cannot fill")
    if "<int:task_pk>" in path and "<int:process_pk>" not in path:
        # our own one-click step views take the task alone: the open proposal's or duty's sign-for task
        subject = world["duties"][0] if name.startswith("duties:") else world["proposals"][0]
        values["task_pk"] = subject.tasks().filter(flow_task_type="HUMAN").order_by("pk").first().pk
    if "<int:process_pk>" in path:
        task = None
        flow = re.search(r"flows/(\w+)/", path)
        flow_class = {f.__name__.lower().removesuffix("flow"): f for f in registry.flow_classes()}[
            flow.group(1)
        ]
        subjects = world["duties"] if flow_class.__module__.startswith("tasks.duties") else world["proposals"]
        for subject in subjects:
            tasks = subject.tasks().filter(process__flow_class=flow_class)
            task = tasks.filter(flow_task__endswith=f".{node}").first() if node else tasks.first()
            if task is not None:
                break
        if task is None:
            pytest.fail(f"URL {name} ({route}): the matrix world has no task of node {node!r}")
        values["process_pk"], values["task_pk"] = task.process_id, task.pk
    url = "/" + path
    for converter, argument in re.findall(r"<(?:(\w+):)?(\w+)>", path):
        token = f"<{converter}:{argument}>" if converter else f"<{argument}>"
        url = url.replace(token, str(values[argument]))
    return url


def object_kind(route, name):
    # a ladder timer's pages describe its department's deadline: the co-handler's or the lead's
    if "opinion__timeout/" in route or "cooperate__timeout/" in route:
        return "co_escalation"
    if name in ("desk:notice_detail", "desk:notice_pdf", "desk:extension_request") or "__timeout/" in route:
        return "escalation"
    if "<int:process_pk>" in route or name in (
        "proposals:proposal_detail",
        "desk:task_take",
        "proposals:sign_for",
        "proposals:contact_add",
        "proposals:reassignment_request",
        "proposals:follow_up_open",
        "proposals:attachment_download",
        "proposals:letter_pdf",
        "proposals:letter_docx",
        "proposals:letter_scan",
        "proposals:letter_scan_upload",
        "api:proposal_detail",
        "api:proposal_letters",
        "api:letter_pdf",
    ):
        return "proposal"
    if name in (
        "duties:duty_detail",
        "duties:table_detail",
        "duties:attachment_download",
        "duties:sign_for",
        "api:duty_detail",
        "api:duty_reports",
    ):
        return "duty"
    if name == "campaigns:brief_pdf":
        return "brief"
    if name in ("dashboard:circular_pdf", "dashboard:circulars"):
        return "circular"
    if (name.startswith("campaigns:") and "<int:pk>" in route) or name == "api:campaign_reports":
        return "campaign"
    return None


def state_fingerprint():
    return (
        list(Task.objects.order_by("pk").values_list("pk", "status", "owner_id")),
        list(
            Proposal.objects.order_by("pk").values_list("pk", "status", "lead_department_id", "signed_for_at")
        ),
        list(Duty.objects.order_by("pk").values_list("pk", "lead_id")),
        list(User.objects.order_by("pk").values_list("pk", "is_active", "department_id")),
        list(Department.objects.order_by("pk").values_list("pk", "name", "is_active")),
    )


def body(response):
    """The text of a page or of a file download (photos, PDFs)."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


def denied(response):
    if response.status_code in (401, 403, 404, 405):
        return True
    return response.status_code == 302 and "login" in response["Location"]


def check_role(client, world, role, *, login=True, prefix=""):
    """Request every pattern (under ``prefix``) as ``role``; return the failures and the number of
    patterns. ``login=False``: the client already speaks for the role (an API token)."""
    failures = []
    patterns = [(route, name) for route, name in url_patterns() if route.startswith(prefix)]
    user = world["people"].get(role)
    if user is not None and login:
        client.force_login(user)
    for route, name in patterns:
        url = build_url(route, name, world)
        kind = object_kind(route, name)
        response = client.get(url)
        where = f"{role} GET {url} ({name}) → {response.status_code}"
        if response.status_code >= 500:
            failures.append(where)
            continue
        if response.status_code == 200 and user is not None and role not in ESCALATION_VIEWERS:
            # the lead department's escalation (its extension reason, its notice numbers) stays with it
            content = body(response)
            leaked = [marker for marker in escalation_markers(world) if marker in content]
            if leaked:
                failures.append(where + f" (shows the lead department's escalation: {leaked})")
        if name in PUBLIC:
            continue
        if user is None:
            if response.status_code == 302 and not denied(response):
                # a redirect inside the site (/ → /desk/) must end at the login page
                chain = client.get(url, follow=True).redirect_chain
                if any("login" in hop for hop, _status in chain):
                    continue
            if not denied(response):
                failures.append(where + " (anonymous reached a private page)")
            continue
        if route.startswith(STAFF_ONLY_PREFIX):
            if not denied(response):
                failures.append(where + " (non-staff reached the admin)")
            continue
        if name in OWN_ONLY:
            expected_ok = role in OWN_ONLY[name]
            if expected_ok == denied(response) and not (expected_ok and response.status_code == 405):
                failures.append(where + " (only the recipient may open it)")
            continue
        if route.startswith(SECRETARIAT_ONLY_PREFIX) or name in SECRETARIAT_ONLY:
            expected_ok = role == "secretariat"
            if expected_ok == denied(response) and not (expected_ok and response.status_code == 405):
                failures.append(where + " (management pages are for the secretariat only)")
            continue
        if kind is not None:
            viewers = {
                "proposal": PROPOSAL_VIEWERS,
                "duty": DUTY_VIEWERS,
                "escalation": ESCALATION_VIEWERS,
                "co_escalation": CO_ESCALATION_VIEWERS,
                "campaign": CAMPAIGN_VIEWERS,
                "brief": BRIEF_VIEWERS,
                "circular": CIRCULAR_VIEWERS,
            }[kind]
            if role in viewers:
                is_action = route.endswith(ACTION_SUFFIXES) or name in ACTION_NAMES
                if not is_action and response.status_code not in (200, 302):
                    failures.append(where + " (rightful user refused)")
            else:
                if response.status_code not in (403, 404):
                    failures.append(where + " (outsider reached another department's object)")
                targets = [url]
                if "<int:task_pk>" in route:
                    # the same task through the outsider's own, visible process
                    own = world["outsiders_process"].pk
                    targets.append(re.sub(r"^(/workflow/flows/\w+/)\d+/", rf"\g<1>{own}/", url))
                for target in targets:
                    if target != url and client.get(target).status_code not in (403, 404):
                        failures.append(f"{role} GET {target} ({name}): task reached through own process")
                    before = state_fingerprint()
                    post = client.post(target)
                    if post.status_code not in (403, 404, 405) or state_fingerprint() != before:
                        failures.append(f"{role} POST {target} ({name}) → {post.status_code}: not refused")
            continue
        if response.status_code == 200 and role in OUTSIDERS:
            content = body(response)
            leaked = [marker for marker in SECRET_MARKERS if marker in content]
            if leaked:
                failures.append(where + f" (list shows another department's work: {leaked})")
    return failures, len(patterns)


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_permission_matrix(client, world, role):
    failures, count = check_role(client, world, role)
    assert count > 90, "the URL configuration lost its patterns"
    assert not failures, "\n".join(failures)


# the API with a system account's token, scoped like the role's department
TOKEN_ROLES = {"kjj_officer": "nt-kjj", "kx_officer": "nt-kx", "jyj_officer": "nt-jyj", "secretariat": None}


@pytest.mark.parametrize("role", TOKEN_ROLES)
def test_permission_matrix_of_the_api_with_tokens(world, role):
    code = TOKEN_ROLES[role]
    department = Department.objects.get(code=code) if code else None
    account = tokens.system_account_create(name=f"{role}系统", department=department, actor=None)
    _token, key = tokens.api_token_issue(account=account, label="矩阵", actor=None)
    client = Client(headers={"Authorization": f"Bearer {key}"})
    failures, count = check_role(client, world, role, login=False, prefix="api/")
    assert count >= 12, "the API lost its patterns"
    assert not failures, "\n".join(failures)


def test_matrix_world_covers_every_registered_process(world):
    """Every registered process's task pages are requested above: the world holds a task of each
    of its nodes that has pages."""
    covered = {task.flow_task for subject in world["proposals"] + world["duties"] for task in subject.tasks()}
    for entry in registry.processes():
        nodes_with_urls = {node for node in entry.flow_class.instance.nodes() if getattr(node, "urls", None)}
        assert nodes_with_urls <= covered, f"the matrix world has no task of {entry.flow_class.__name__}"


def test_the_lead_department_reads_its_own_escalation_in_the_history(client, world):
    """The positive control of the escalation markers above: the rightful viewers do see them."""
    for role in ("kjj_officer", "secretariat", "leader"):
        client.force_login(world["people"][role])
        page = client.get(world["proposals"][0].get_absolute_url()).content.decode()
        assert all(marker in page for marker in escalation_markers(world)), role
