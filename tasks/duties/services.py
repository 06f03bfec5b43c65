"""Writes on duties that the steps of the supervision flows make; views and flows call these.

Assigning (which starts the flow) is in ``assignment``; opening reports on a cycle in ``reports``.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from guardian.shortcuts import assign_perm
from viewflow.workflow.status import PROCESS

from accounts.audit import audit_record
from accounts.models import AuditEvent, Role, User
from tasks.duties.models import Attachment, CooperationInput, Duty, ProgressReport, ReassignmentRequest
from workflows.assignment import WorkAssignment, work_reassign
from workflows.escalation.models import Deadline
from workflows.escalation.notices import subject_title
from workflows.notifications.models import Notification
from workflows.notifications.outbox import message_rows, notifications_store
from workflows.workdays.calendar import add_working_days

ASSIGNMENT = WorkAssignment(
    lead_field="lead",
    others_field="cooperating",
    lead_perms=("duties.view_duty", "duties.handle_duty"),
    other_perms=("duties.view_duty",),
    lead_name="牵头单位",
    others_name="配合单位",
)


def sign_for_deadline():
    return add_working_days(timezone.localdate(), settings.DUTY_SIGN_FOR_WORKING_DAYS)


def people_tell(*, users, subject, body, url, key):
    """A message in the product (and by e-mail) to each of ``users`` about a hand-over."""
    rows = []
    for user in users:
        rows += message_rows(
            user=user, topic=Notification.Topic.ASSIGNMENT, subject=subject, body=body, url=url, key=key
        )
    notifications_store(rows, ignore_conflicts=True)


def department_staff(department, *roles):
    return (
        User.objects.filter(is_active=True, department=department, roles__role__in=roles)
        .distinct()
        .order_by("pk")
    )


def secretariat_staff():
    return User.objects.filter(is_active=True, roles__role=Role.SECRETARIAT).distinct().order_by("pk")


def leaders_over(department):
    return (
        User.objects.filter(is_active=True, roles__role=Role.LEADER)
        .filter(Q(oversees_all=True) | Q(oversees=department))
        .distinct()
        .order_by("pk")
    )


# who takes each step that is not the lead department's own, the permission that step asks for,
# and how the hand-over is announced
REVIEW_STEPS = {
    "reassignment": ("duties.review_duty", "【申请调整】", "牵头单位申请调整，请联席会议办公室审核。"),
    "sign_off": ("duties.sign_off_duty", "【待审核】", "已提交，请单位负责人审核。"),
    "review": ("duties.review_duty", "【待审阅】", "已经单位负责人审核，请联席会议办公室审阅。"),
    "confirm": ("duties.confirm_duty", "【待确认】", "联席会议办公室已审阅通过，请分管领导确认办结。"),
}


def reviewers_grant(*, duty, step, task, report=None):
    """Give the people who take ``step`` its permission on the duty, and tell them: the lead
    department's heads sign off, the secretariat reviews, the leaders over the lead confirm.

    Granted person by person when the step opens, so whoever holds the role then receives it."""
    perm, prefix, text = REVIEW_STEPS[step]
    if step == "sign_off":
        people = department_staff(duty.lead, Role.HEAD)
    elif step == "confirm":
        people = leaders_over(duty.lead)
    else:
        people = secretariat_staff()
    people = list(people)
    for user in people:
        assign_perm(perm, user, duty)
    what = str(report) if report is not None else subject_title(duty)
    people_tell(
        users=people,
        subject=f"{prefix}{what}",
        body=f"{duty.lead}{what}{text}",
        url=duty.get_absolute_url(),
        key=f"duty-task:{task.pk}",
    )


def _lead_tell(duty, event, subject, body, *, heads=False):
    """Tell the lead department's officers (and heads) about ``event`` (audited) of its duty."""
    roles = (Role.OFFICER, Role.HEAD) if heads else (Role.OFFICER,)
    people_tell(
        users=department_staff(duty.lead, *roles),
        subject=subject,
        body=body,
        url=duty.get_absolute_url(),
        key=f"audit:{event.pk}",
    )


@transaction.atomic
def duty_reassign(*, duty, lead, cooperating=(), actor):
    """调整: only the secretariat reassigns; the old departments lose access at once, and the new
    lead department gets a full sign-for window of its own."""
    duty.sign_for_deadline = sign_for_deadline()
    duty.save(update_fields=["sign_for_deadline"])
    return work_reassign(
        obj=duty,
        rule=ASSIGNMENT,
        lead=lead,
        others=cooperating,
        actor=actor,
        after={"sign_for_deadline": duty.sign_for_deadline.isoformat()},
    )


@transaction.atomic
def duty_sign_for(*, duty, user):
    """签收: the lead department accepts the duty and starts on it."""
    duty.status = Duty.Status.IN_PROGRESS
    duty.signed_for_at = timezone.now()
    duty.signed_for_by = user
    duty.save(update_fields=["status", "signed_for_at", "signed_for_by"])
    audit_record(
        action=AuditEvent.Action.SIGN_FOR,
        summary=f"{duty.lead}签收",
        actor=user,
        obj=duty,
        department=duty.lead,
        before={"status": Duty.Status.ASSIGNED},
        after={"status": Duty.Status.IN_PROGRESS},
    )


@transaction.atomic
def duty_reassignment_request(*, duty, user, reason, suggested_lead=""):
    """申请调整: the lead department gives a reason; the secretariat decides."""
    request = ReassignmentRequest.objects.create(
        duty=duty, department=duty.lead, reason=reason, suggested_lead=suggested_lead, requested_by=user
    )
    audit_record(
        action=AuditEvent.Action.SUBMIT,
        summary=f"{duty.lead}申请调整：{reason}",
        actor=user,
        obj=duty,
        department=duty.lead,
        after={"reason": reason, "suggested_lead": suggested_lead},
    )
    return request


@transaction.atomic
def duty_reassignment_decide(*, request, approve, user, note="", lead=None, cooperating=()):
    """The secretariat approves (the duty moves to ``lead``) or refuses (it stays) a request."""
    duty = request.duty
    request.status = ReassignmentRequest.Status.APPROVED if approve else ReassignmentRequest.Status.REFUSED
    request.decided_by, request.decided_at, request.decision_note = user, timezone.now(), note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        duty_reassign(duty=duty, lead=lead, cooperating=cooperating, actor=user)
        return
    event = audit_record(
        action=AuditEvent.Action.RETURN,
        summary=f"不同意调整，仍由{duty.lead}牵头：{note}" if note else f"不同意调整，仍由{duty.lead}牵头",
        actor=user,
        obj=duty,
        department=duty.lead,
        after={"note": note},
    )
    _lead_tell(
        duty, event, f"【不同意调整】{duty.full_title}", f"联席会议办公室不同意调整，请及时签收办理。{note}"
    )


def cooperation_inputs_open(*, duty):
    """One input per cooperating department, each due DUTY_INPUT_WORKING_DAYS working days on,
    which only that department's staff may give."""
    due = add_working_days(timezone.localdate(), settings.DUTY_INPUT_WORKING_DAYS)
    inputs = []
    for department in duty.cooperating.order_by("code"):
        item, _created = CooperationInput.objects.get_or_create(
            duty=duty, department=department, defaults={"due": due}
        )
        assign_perm("duties.give_input", department.group, item)
        inputs.append(item)
    return inputs


def attachments_save(*, duty, files, user, report=None, cooperation_input=None):
    """Store validated uploads (``files``: (upload, kind) pairs) under names we choose."""
    for upload, kind in files:
        attachment = Attachment(
            duty=duty,
            report=report,
            cooperation_input=cooperation_input,
            kind=kind,
            name=upload.name[:200],
            size=upload.size,
            uploaded_by=user,
        )
        upload.seek(0)
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()


@transaction.atomic
def cooperation_input_submit(*, item, user, content, files=()):
    """配合意见: a cooperating department's input reaches the lead department."""
    item.content = content
    item.submitted_by, item.submitted_at = user, timezone.now()
    item.save(update_fields=["content", "submitted_by", "submitted_at"])
    attachments_save(duty=item.duty, files=files, user=user, cooperation_input=item)
    duty = item.duty
    event = audit_record(
        action=AuditEvent.Action.SUBMIT,
        summary=f"{item.department}提交配合意见",
        actor=user,
        obj=duty,
        department=item.department,
        after={"input": item.pk},
    )
    _lead_tell(
        duty, event, f"【配合意见】{duty.full_title}", f"{item.department}已提交配合意见：{content[:100]}"
    )


@transaction.atomic
def report_submit(*, report, user, progress, problems, next_steps, percentage, files=()):
    """The lead department's officer submits a report to the head for sign-off."""
    before = report.status
    report.progress, report.problems, report.next_steps = progress, problems, next_steps
    report.percentage = percentage
    report.status = ProgressReport.Status.SUBMITTED
    report.submitted_by, report.submitted_at = user, timezone.now()
    report.save()
    attachments_save(duty=report.duty, files=files, user=user, report=report)
    audit_record(
        action=AuditEvent.Action.SUBMIT,
        summary=f"提交{report}（完成{percentage}%）" if percentage is not None else f"提交{report}",
        actor=user,
        obj=report.duty,
        department=report.duty.lead,
        before={"status": before},
        after={"report": report.pk, "status": report.status, "percentage": percentage},
    )


@transaction.atomic
def report_sign_off(*, report, user, approve, comment=""):
    """单位负责人审核: the head sends the report on to the secretariat or back to the officer."""
    duty = report.duty
    report.head_decision = ProgressReport.Decision.APPROVED if approve else ProgressReport.Decision.RETURNED
    report.head_comment, report.head_by, report.head_at = comment, user, timezone.now()
    report.status = ProgressReport.Status.SIGNED_OFF if approve else ProgressReport.Status.RETURNED
    report.save()
    if approve and report.kind == ProgressReport.Kind.COMPLETION:
        duty.status = Duty.Status.REVIEW
        duty.save(update_fields=["status"])
    event = audit_record(
        action=AuditEvent.Action.APPROVE if approve else AuditEvent.Action.RETURN,
        summary=(f"单位负责人审核通过{report}" if approve else f"单位负责人退回{report}：{comment}"),
        actor=user,
        obj=duty,
        department=duty.lead,
        after={"report": report.pk, "comment": comment},
    )
    if not approve:
        _lead_tell(duty, event, f"【退回修改】{report}", f"单位负责人退回修改：{comment}")


def duty_finish(*, duty, report):
    """The duty is done: it reports no more. Its other open report flows are cancelled (their
    timers with them) and their deadlines closed."""
    duty.status, duty.completed_at = Duty.Status.DONE, timezone.now()
    duty.save(update_fields=["status", "completed_at"])
    for process in duty.processes().filter(status=PROCESS.NEW).exclude(seed_object_id=report.pk):
        process.flow_class.instance.cancel(process)
    Deadline.objects.open().for_subject(duty).update(closed_at=timezone.now())


@transaction.atomic
def report_review(*, report, user, accept, note=""):
    """The secretariat accepts a report, or returns it to the lead department with a reason.

    Accepting the completion report completes the duty, unless a leader is to confirm it;
    returning it sends the duty back to the lead (RETURNED)."""
    duty = report.duty
    report.decision = ProgressReport.Decision.APPROVED if accept else ProgressReport.Decision.RETURNED
    report.decision_note, report.decided_by, report.decided_at = note, user, timezone.now()
    report.status = ProgressReport.Status.ACCEPTED if accept else ProgressReport.Status.RETURNED
    report.save()
    before = duty.status
    if report.kind == ProgressReport.Kind.COMPLETION:
        if not accept:
            duty.status = Duty.Status.RETURNED
            duty.save(update_fields=["status"])
        elif not duty.leader_confirmation:
            duty_finish(duty=duty, report=report)
    event = audit_record(
        action=AuditEvent.Action.APPROVE if accept else AuditEvent.Action.RETURN,
        summary=f"联席会议办公室审阅通过{report}" if accept else f"联席会议办公室退回{report}：{note}",
        actor=user,
        obj=duty,
        department=duty.lead,
        before={"status": before},
        after={"report": report.pk, "status": duty.status, "note": note},
    )
    if accept:
        _lead_tell(duty, event, f"【审阅通过】{report}", f"联席会议办公室已审阅通过{report}。{note}")
    else:
        _lead_tell(duty, event, f"【退回】{report}", f"联席会议办公室退回{report}，理由：{note}", heads=True)


@transaction.atomic
def report_confirm(*, report, user, comment=""):
    """The leader confirms the completion: the duty is done."""
    duty = report.duty
    report.confirmed_by, report.confirmed_at = user, timezone.now()
    report.save(update_fields=["confirmed_by", "confirmed_at"])
    duty_finish(duty=duty, report=report)
    event = audit_record(
        action=AuditEvent.Action.APPROVE,
        summary=f"分管领导确认办结{('：' + comment) if comment else ''}",
        actor=user,
        obj=duty,
        department=duty.lead,
        after={"status": duty.status, "comment": comment},
    )
    _lead_tell(duty, event, f"【已办结】{duty.full_title}", f"{duty.full_title}经分管领导确认办结。")
