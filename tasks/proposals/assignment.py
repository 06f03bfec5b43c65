"""交办 and 调整 of proposals, and the other services that start a process: re-handling after
不满意 and follow-up replies."""

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from accounts.audit import audit_record
from accounts.models import AuditEvent, Role
from tasks.proposals import services
from tasks.proposals.flows import ProposalFlow
from tasks.proposals.models import Proposal, ReassignmentRequest, Reply
from workflows.assignment import WorkAssignment, work_reassign, works_assign
from workflows.escalation.deadlines import deadlines_opened_together
from workflows.escalation.extensions import deadline_extend
from workflows.escalation.models import Deadline
from workflows.escalation.node import ladder_of
from workflows.workdays.calendar import add_working_days

# co-handlers send their opinions within a month of assignment (DESIGN.md 4.2 step 4)
OPINION_MONTHS = 1
# 不满意 reopens the proposal with this long to reply again (DESIGN.md 4.2 step 9)
REHANDLING_MONTHS = 1
# a follow-up reply to a B or C answer is due this long after it is opened
FOLLOW_UP_MONTHS = 1

ASSIGNMENT = WorkAssignment(
    lead_field="lead_department",
    others_field="co_departments",
    lead_perms=("proposals.view_proposal", "proposals.handle_proposal"),
    other_perms=("proposals.view_proposal",),
    lead_name="主办单位",
    others_name="协办单位",
)


def _sign_for_deadline():
    return add_working_days(timezone.localdate(), settings.PROPOSAL_SIGN_FOR_WORKING_DAYS)


def _after_assignment(proposal, months):
    return timezone.localdate(proposal.assigned_at) + relativedelta(months=months)


@transaction.atomic(savepoint=False)  # never refuses: no savepoint to roll back to
def proposal_assign(*, proposal, lead, co_handlers=(), actor=None):
    """交办: give the proposal to its lead handler (and co-handlers, or under 分办 the other units)
    and open the sign-for step of each department that replies, one process each."""
    return proposals_assign([(proposal, lead, co_handlers)], actor=actor)[0]


@transaction.atomic(savepoint=False)
def proposals_assign(assignments, *, actor=None):
    """``proposal_assign`` for many proposals at once (an import): ``assignments`` are (proposal,
    lead, co-handlers); the writes of all go together, only the processes start one by one.
    Returns the first process of each proposal."""
    assignments = [(proposal, lead, list(dict.fromkeys(others))) for proposal, lead, others in assignments]
    proposals = [proposal for proposal, _lead, _others in assignments]
    assigned_at, sign_for_deadline = timezone.now(), _sign_for_deadline()
    for proposal in proposals:
        proposal.status = Proposal.Status.ASSIGNED
        proposal.assigned_at = assigned_at
        proposal.sign_for_deadline = sign_for_deadline
    Proposal.objects.filter(pk__in=[proposal.pk for proposal in proposals]).update(
        status=Proposal.Status.ASSIGNED, assigned_at=assigned_at, sign_for_deadline=sign_for_deadline
    )
    works_assign(
        [
            {
                "obj": proposal,
                "lead": lead,
                "others": others,
                "after": {"sign_for_deadline": sign_for_deadline.isoformat(), "mode": proposal.mode},
            }
            for proposal, lead, others in assignments
        ],
        rule=ASSIGNMENT,
        actor=actor,
    )
    openings = [
        {
            "proposal": proposal,
            "department": department,
            "kind": Reply.Kind.FIRST,
            "due": _after_assignment(proposal, settings.PROPOSAL_REPLY_MONTHS),
        }
        for proposal, lead, others in assignments
        # the departments that reply (``handling_departments``), as just assigned
        for department in ([lead, *sorted(others, key=lambda d: d.code)] if proposal.is_split else [lead])
    ]
    replies = services.replies_open(openings)
    # a new reply has no opinions yet: the lead's first reply asks each co-handler for one
    by_proposal = {proposal.pk: (lead, others) for proposal, lead, others in assignments}
    services.opinions_open(
        [
            (reply, by_proposal[reply.proposal.pk][1], _after_assignment(reply.proposal, OPINION_MONTHS))
            for reply in replies
            if not reply.proposal.is_split and by_proposal[reply.proposal.pk][1]
        ]
    )
    first = {}
    with deadlines_opened_together():
        for reply in replies:
            process = ProposalFlow.start.run(proposal=reply.proposal, reply=reply)
            first.setdefault(reply.proposal.pk, process)
    return [first[proposal.pk] for proposal in proposals]


def _lead_reply(proposal):
    return proposal.replies.filter(kind=Reply.Kind.FIRST).order_by("pk").first()


@transaction.atomic
def proposal_reassign(*, proposal, lead, co_handlers=(), actor):
    """调整: only the secretariat moves a proposal; while it awaits 签收 the new lead department
    gets a full sign-for window of its own. The lead's reply (and the right to handle it) moves
    with the proposal; every open deadline stays with the department whose step it is."""
    co_handlers = list(co_handlers)
    if proposal.status == Proposal.Status.ASSIGNED:
        proposal.sign_for_deadline = _sign_for_deadline()
        proposal.save(update_fields=["sign_for_deadline"])
    reply = _lead_reply(proposal)
    work_reassign(
        obj=proposal,
        rule=ASSIGNMENT,
        lead=lead,
        others=co_handlers,
        tasks=proposal.tasks().filter(status=STATUS.ASSIGNED, process=reply.process),
        actor=actor,
        after={"sign_for_deadline": proposal.sign_for_deadline.isoformat()},
    )
    if reply.department != lead:
        services.reply_department_move(reply=reply, department=lead)
    if not proposal.is_split and reply.status == Reply.Status.SIGN_FOR:
        services.opinions_sync(
            reply=reply, co_handlers=co_handlers, due=_after_assignment(proposal, OPINION_MONTHS)
        )
    for deadline in Deadline.objects.open().for_subject(proposal).select_related("task"):
        terms = ladder_of(deadline.task).terms(deadline.task)
        if deadline.department_id != terms.department.pk:
            deadline.department = terms.department
            deadline.save(update_fields=["department"])
    if proposal.status == Proposal.Status.ASSIGNED:
        for deadline in Deadline.objects.open().for_subject(proposal).filter(task__process=reply.process):
            deadline_extend(deadline=deadline, due=proposal.sign_for_deadline)


@transaction.atomic
def reassignment_request(*, reply, reason, suggested="", user):
    """申请调整: within the sign-for window and before signing for, with a reason."""
    proposal = reply.proposal
    if user.department_id != reply.department_id:
        raise PermissionDenied
    if reply.status != Reply.Status.SIGN_FOR:
        raise ValidationError(_("Signed for already: the proposal can no longer be returned."))
    if timezone.localdate() > proposal.sign_for_deadline:
        raise ValidationError(
            _(
                "The %(days)d working days to ask for a reassignment are over; "
                "the proposal can no longer be returned."
            )
            % {"days": settings.PROPOSAL_SIGN_FOR_WORKING_DAYS}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the reassignment.")})
    if ReassignmentRequest.objects.filter(reply=reply, status=ReassignmentRequest.Status.PENDING).exists():
        raise ValidationError(_("A reassignment request is already awaiting a decision."))
    request = ReassignmentRequest.objects.create(
        proposal=proposal,
        reply=reply,
        department=reply.department,
        reason=reason.strip(),
        suggested=suggested.strip(),
        requested_by=user,
    )
    audit_record(
        action=AuditEvent.Action.SUBMIT,
        summary=f"{reply.department}申请调整：{request.reason}",
        actor=user,
        obj=proposal,
        department=reply.department,
    )
    services._tell(
        services.secretariat_people(),
        proposal=proposal,
        subject="申请调整",
        body=f"{reply.department}申请调整：{request.reason}。请审批。",
        key=f"reassignment:{request.pk}:requested",
    )
    return request


@transaction.atomic
def reassignment_decide(*, request, approve, user, department=None, note=""):
    """The secretariat moves the proposal to ``department`` (调整) or refuses with a reason."""
    request = ReassignmentRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ReassignmentRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    note = note.strip()
    proposal = request.proposal
    if approve:
        if department is None:
            raise ValidationError({"department": _("Choose the department that takes the proposal over.")})
        handlers = [proposal.lead_department, *proposal.co_departments.all()]
        if department in handlers:
            raise ValidationError({"department": _("This department already handles the proposal.")})
        if request.department == proposal.lead_department:
            proposal_reassign(
                proposal=proposal, lead=department, co_handlers=proposal.co_departments.all(), actor=user
            )
        else:  # a unit of 分办 hands its part over
            others = [department if d == request.department else d for d in proposal.co_departments.all()]
            proposal_reassign(
                proposal=proposal, lead=proposal.lead_department, co_handlers=others, actor=user
            )
            services.reply_department_move(reply=request.reply, department=department)
        request.status = ReassignmentRequest.Status.APPROVED
    else:
        if not note:
            raise ValidationError({"note": _("Give the reason for refusing the request.")})
        request.status = ReassignmentRequest.Status.REFUSED
        audit_record(
            action=AuditEvent.Action.RETURN,
            summary=f"{request.department}的调整申请未获同意：{note}",
            actor=user,
            obj=proposal,
            department=request.department,
        )
    request.decided_at, request.decided_by, request.decision_note = timezone.now(), user, note
    request.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    outcome = "已同意" if approve else f"未获同意：{note}"
    services._tell(
        services.department_people(request.department, Role.OFFICER, Role.HEAD),
        proposal=proposal,
        subject="调整申请",
        body=f"贵单位的调整申请{outcome}",
        key=f"reassignment:{request.pk}:decided",
    )
    return request


def _start_reply(reply):
    return ProposalFlow.start_reply.run(proposal=reply.proposal, reply=reply)


@transaction.atomic
def follow_up_open(*, reply, user):
    """跟踪答复: what a B or C reply planned is done; the department answers again."""
    if not reply.may_follow_up:
        raise ValidationError(_("Only a released B or C reply is followed up."))
    if reply.proposal.replies.filter(
        kind=Reply.Kind.FOLLOW_UP, department=reply.department, released_at__isnull=True
    ).exists():
        raise ValidationError(_("A follow-up reply is already being handled."))
    follow_up = services.reply_open(
        proposal=reply.proposal,
        department=reply.department,
        kind=Reply.Kind.FOLLOW_UP,
        due=timezone.localdate() + relativedelta(months=FOLLOW_UP_MONTHS),
        round=reply.round,
    )
    audit_record(
        action=AuditEvent.Action.ASSIGN,
        summary=f"{reply.department}开始跟踪答复（原{reply.category}类答复）",
        actor=user,
        obj=reply.proposal,
        department=reply.department,
    )
    _start_reply(follow_up)
    services._tell(
        services.department_people(reply.department, Role.OFFICER),
        proposal=reply.proposal,
        subject="跟踪答复",
        body=f"请于{follow_up.due:%Y年%-m月%-d日}前办理跟踪答复。",
        key=f"reply:{follow_up.pk}:opened",
    )
    return follow_up


@transaction.atomic
def proposal_rehandle(*, proposal, actor=None, reason=""):
    """重新办理 after 不满意: a new round for every handling department, a new deadline, a new
    contact record and a new reply, with the ladder on it."""
    proposal.round += 1
    proposal.status = Proposal.Status.REHANDLING
    proposal.save(update_fields=["round", "status"])
    due = timezone.localdate() + relativedelta(months=REHANDLING_MONTHS)
    replies = []
    for department in proposal.handling_departments():
        reply = services.reply_open(
            proposal=proposal,
            department=department,
            kind=Reply.Kind.REHANDLING,
            due=due,
            round=proposal.round,
        )
        _start_reply(reply)
        replies.append(reply)
        services._tell(
            services.department_people(department, Role.OFFICER, Role.HEAD),
            proposal=proposal,
            subject="重新办理",
            body=f"提案人不满意，请重新沟通联系并于{due:%Y年%-m月%-d日}前重新答复。{reason}",
            key=f"reply:{reply.pk}:rehandling",
        )
    audit_record(
        action=AuditEvent.Action.RETURN,
        summary=f"提案人不满意，重新办理（第{proposal.round}轮）" + (f"：{reason}" if reason else ""),
        actor=actor,
        obj=proposal,
        department=proposal.lead_department,
    )
    return replies
