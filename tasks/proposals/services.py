"""Business writes of the proposal process; views, steps and flows call these.

Assignment, which starts the flow, and reassignment are in ``assignment``; evaluations in
``evaluations``. A service that hands work to another department tells its people
(``_tell``)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.audit import audit_record, audit_record_many
from accounts.models import AuditEvent, Department, Role, User
from accounts.services import object_perms_grant
from tasks.proposals.letters import letter_template_for, reply_letter
from tasks.proposals.models import CoHandlingOpinion, ContactRecord, Proposal, Proposer, Reply
from workflows.documents.services import letter_preview_request, letter_release
from workflows.documents.validators import number_pattern_validate
from workflows.notifications.models import Notification
from workflows.notifications.outbox import message_rows, notifications_store


def department_people(department, *roles):
    return User.objects.filter(is_active=True, department=department, roles__role__in=roles).distinct()


def departments_people(departments, *roles):
    """``department_people`` of several departments in one statement: {department id: [users]},
    each department's people in the order ``department_people`` gives them. ``departments`` are
    ids or a queryset of ids."""
    people = {}
    for user in User.objects.filter(
        is_active=True, department__in=departments, roles__role__in=roles
    ).distinct():
        people.setdefault(user.department_id, []).append(user)
    return people


def secretariat_people():
    return User.objects.filter(is_active=True, roles__role=Role.SECRETARIAT).distinct()


def _tell(people, *, proposal, subject, body, key):
    """A hand-over message to each of ``people`` (in the product, by e-mail and SMS)."""
    notifications_store(_tell_rows(people, proposal=proposal, subject=subject, body=body, key=key))


def _tell_rows(people, *, proposal, subject, body, key):
    """The outbox rows of ``_tell``, for a step that stores several hand-overs at once."""
    rows = []
    for user in people:
        rows += message_rows(
            user=user,
            topic=Notification.Topic.ASSIGNMENT,
            subject=f"【{subject}】{proposal.full_title}",
            body=f"{proposal.full_title}：{body}",
            url=proposal.get_absolute_url(),
            key=key,
            sms=f"{proposal.full_title}：{body}",
        )
    return rows


REGISTRATION_FIELDS = (
    "kind",
    "session",
    "sitting",
    "number",
    "received_on",
    "mode",
    "title",
    "content",
    "is_public",
)


def registration_arguments(data):
    """``proposal_register``'s arguments from the cleaned data of the registration form (or the
    API's registration), which name the proposers one per line as ``proposer_names``."""
    return {
        **{name: data[name] for name in REGISTRATION_FIELDS},
        "proposers": [{"name": name} for name in data["proposer_names"]],
    }


@transaction.atomic(savepoint=False)  # never refuses: no savepoint to roll back to
def proposal_register(
    *,
    kind,
    session,
    number,
    title,
    content,
    proposers,
    sitting="",
    received_on=None,
    mode=Proposal.Mode.LEAD,
    is_public=True,
    merged_into=None,
    actor=None,
):
    """登记: record a suggestion or proposal with its proposers (the first one leads); with
    ``merged_into``, 并案 with a similar proposal of the session."""
    registration = {
        "kind": kind,
        "session": session,
        "sitting": sitting,
        "number": number,
        "title": title,
        "content": content,
        "received_on": received_on,
        "mode": mode,
        "is_public": is_public,
        "merged_into": merged_into,
        "proposers": proposers,
    }
    return proposals_register([registration], actor=actor)[0]


@transaction.atomic(savepoint=False)
def proposals_register(registrations, *, actor=None):
    """``proposal_register`` for many at once (an import), in three statements whatever their
    number: each registration is a dict of its keywords but ``actor``."""
    proposals = Proposal.objects.bulk_create(
        [
            Proposal(**{name: value for name, value in registration.items() if name != "proposers"})
            for registration in registrations
        ]
    )
    Proposer.objects.bulk_create(
        [
            Proposer(
                proposal=proposal,
                is_lead=index == 0,
                **{**proposer, "name": Proposer.name_without_title(proposer["name"])},
            )
            for proposal, registration in zip(proposals, registrations, strict=True)
            for index, proposer in enumerate(registration["proposers"])
        ]
    )
    audit_record_many(
        [
            {
                "action": AuditEvent.Action.REGISTER,
                "summary": f"登记{proposal.get_kind_display()}第{proposal.number}号"
                + (f"，与第{proposal.merged_into.number}号并案办理" if proposal.merged_into else ""),
                "actor": actor,
                "obj": proposal,
                "after": {
                    "title": proposal.title,
                    "proposers": [Proposer.name_without_title(p["name"]) for p in registration["proposers"]],
                },
            }
            for proposal, registration in zip(proposals, registrations, strict=True)
        ]
    )
    return proposals


def reply_open(*, proposal, department, kind, due, round=0):
    """A reply of ``department`` awaiting its process; the department's group may handle it."""
    openings = [{"proposal": proposal, "department": department, "kind": kind, "due": due, "round": round}]
    return replies_open(openings)[0]


def replies_open(openings):
    """``reply_open`` for many replies in two statements: each opening is a dict of its
    keywords."""
    replies = Reply.objects.bulk_create(
        [
            Reply(
                **opening,
                status=Reply.Status.SIGN_FOR
                if opening["kind"] == Reply.Kind.FIRST
                else Reply.Status.DRAFTING,
            )
            for opening in openings
        ]
    )
    object_perms_grant([(reply.department.group_id, "proposals.handle_reply", reply) for reply in replies])
    return replies


def reply_department_move(*, reply, department):
    """The reply follows its proposal to a new department (调整), with the right to handle it."""
    remove_perm("proposals.handle_reply", reply.department.group, reply)
    reply.department = department
    reply.save(update_fields=["department"])
    assign_perm("proposals.handle_reply", department.group, reply)


def opinions_sync(*, reply, co_handlers, due):
    """One awaited 协办意见 per co-handler of the lead's first reply; the co-handler's group may
    give it. Co-handlers dropped by a reassignment lose their pending opinion."""
    wanted = {department.pk: department for department in co_handlers}
    have = set()
    if reply.opinions.exists():  # a new reply has none: one query
        reply.opinions.filter(status=CoHandlingOpinion.Status.PENDING).exclude(department__in=wanted).delete()
        have = set(reply.opinions.values_list("department_id", flat=True))
    opinions_open([(reply, [department for pk, department in wanted.items() if pk not in have], due)])


def opinions_open(openings):
    """Awaited 协办意见 in two statements: ``openings`` are (reply, co-handlers, due); the
    co-handler's group may give its opinion."""
    opinions = CoHandlingOpinion.objects.bulk_create(
        CoHandlingOpinion(proposal=reply.proposal, reply=reply, department=department, due=due)
        for reply, co_handlers, due in openings
        for department in co_handlers
    )
    object_perms_grant([(o.department.group_id, "proposals.give_opinion", o) for o in opinions])


@transaction.atomic(savepoint=False)  # never refuses: no savepoint to roll back to
def proposal_sign_for(*, proposal, user, reply=None):
    """签收: the department accepts the proposal and starts handling it; co-handlers are asked
    for their opinions."""
    reply = reply or proposal.replies.get(department=user.department, status=Reply.Status.SIGN_FOR)
    reply.status = Reply.Status.DRAFTING
    reply.save(update_fields=["status"])
    if proposal.status == Proposal.Status.ASSIGNED:
        proposal.status = Proposal.Status.HANDLING
        proposal.signed_for_at = timezone.now()
        proposal.signed_for_by = user
        proposal.save(update_fields=["status", "signed_for_at", "signed_for_by"])
    audit_record(
        action=AuditEvent.Action.SIGN_FOR,
        summary=f"{reply.department}签收",
        actor=user,
        obj=proposal,
        department=reply.department,
        before={"status": Proposal.Status.ASSIGNED},
        after={"status": Proposal.Status.HANDLING},
    )
    # the opinions the flow opens a step for next, read once (``Reply.opinions_read``)
    opinions = reply.opinions_read()
    people = departments_people([opinion.department_id for opinion in opinions], Role.OFFICER, Role.HEAD)
    rows = []
    for opinion in opinions:
        rows += _tell_rows(
            people.get(opinion.department_id, []),
            proposal=proposal,
            subject="协办",
            body=f"{reply.department}已签收，请于{opinion.due:%Y年%-m月%-d日}前提出协办意见。",
            key=f"opinion:{opinion.pk}:asked",
        )
    notifications_store(rows)


def opinion_give(*, opinion, text, user):
    """协办意见: the co-handler sends its opinion to the lead department."""
    if opinion.status != CoHandlingOpinion.Status.PENDING:
        raise ValidationError(_("This opinion has already been given or waived."))
    if not text.strip():
        raise ValidationError({"text": _("Write the opinion.")})
    with transaction.atomic(savepoint=False):  # refused above, before any write
        opinion.status = CoHandlingOpinion.Status.GIVEN
        opinion.text = text
        opinion.given_at = timezone.now()
        opinion.given_by = user
        opinion.save(update_fields=["status", "text", "given_at", "given_by"])
        proposal = opinion.proposal
        audit_record(
            action=AuditEvent.Action.SUBMIT,
            summary=f"{opinion.department}提出协办意见",
            actor=user,
            obj=proposal,
            department=opinion.department,
        )
        _tell(
            department_people(opinion.reply.department, Role.OFFICER),
            proposal=proposal,
            subject="协办意见",
            body=f"{opinion.department}已提出协办意见。",
            key=f"opinion:{opinion.pk}:given",
        )
    return opinion


def opinion_waive(*, opinion, reason, user):
    """The secretariat lets the lead department reply without this co-handler's opinion."""
    if opinion.status != CoHandlingOpinion.Status.PENDING:
        raise ValidationError(_("This opinion has already been given or waived."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for waiving the opinion.")})
    with transaction.atomic(savepoint=False):  # refused above, before any write
        opinion.status = CoHandlingOpinion.Status.WAIVED
        opinion.waive_reason = reason
        opinion.given_at = timezone.now()
        opinion.given_by = user
        opinion.save(update_fields=["status", "waive_reason", "given_at", "given_by"])
        audit_record(
            action=AuditEvent.Action.APPROVE,
            summary=f"免予{opinion.department}协办意见：{reason}",
            actor=user,
            obj=opinion.proposal,
            department=opinion.department,
        )
        _tell(
            [
                *department_people(opinion.department, Role.OFFICER),
                *department_people(opinion.reply.department, Role.OFFICER),
            ],
            proposal=opinion.proposal,
            subject="免予协办意见",
            body=f"联席会议办公室已免予{opinion.department}的协办意见：{reason}",
            key=f"opinion:{opinion.pk}:waived",
        )
    return opinion


def contact_record(*, reply, contacted_on, way, person, view, user):
    """沟通联系: recorded before the reply; a re-handling needs a new one."""
    if reply.is_released:
        raise ValidationError(_("This reply has been released."))
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": _("The date of the contact cannot be in the future.")})
    with transaction.atomic(savepoint=False):  # refused above, before any write
        record = ContactRecord.objects.create(
            reply=reply, contacted_on=contacted_on, way=way, person=person, view=view, recorded_by=user
        )
        audit_record(
            action=AuditEvent.Action.SUBMIT,
            summary=f"{reply.department}与{person}沟通联系（{record.get_way_display()}）",
            actor=user,
            obj=reply.proposal,
            department=reply.department,
            restricted=True,
        )
    return record


def reply_template_text(reply):
    """The draft a reply starts from: salutation, the co-handlers' opinions to quote, thanks."""
    proposal = reply.proposal
    lead = proposal.proposers.filter(is_lead=True).first()
    name = lead.name if lead else ""
    opinions = [o for o in reply.opinions.select_related("department") if o.status == o.Status.GIVEN]
    joint = "经我单位" + ("和" + "、".join(str(o.department) for o in opinions) if opinions else "")
    lines = [
        f"尊敬的{name}{proposal.proposer_title}：",
        f"您提出的关于“{proposal.title.removeprefix('关于')}”的{proposal.kind_word}收悉，"
        f"{joint}认真研究，现答复如下：",
        "",
    ]
    for opinion in opinions:
        lines += [f"（{opinion.department}意见）{opinion.text}", ""]
    lines += ["衷心感谢您对我们工作的关心和支持！"]
    return "\n".join(lines)


def reply_submit_problems(reply):
    """Why the reply cannot go to the head yet (an empty list when it can)."""
    problems = []
    # read afresh, not from the reply's cached opinions (``opinions_read``): an opinion given or
    # waived since they were read must count
    pending = [
        str(o.department)
        for o in reply.opinions.filter(status=CoHandlingOpinion.Status.PENDING).select_related("department")
    ]
    if pending:
        problems.append(
            _(
                "The co-handlers' opinions are not all in (awaited from %(names)s); "
                "the secretariat may waive one."
            )
            % {"names": "、".join(pending)}
        )
    if not reply.contacts.exists():
        problems.append(_("Record the contact with the proposer before replying."))
    if not reply.category:
        problems.append(_("Choose the result category."))
    if not reply.text.strip():
        problems.append(_("Write the reply."))
    return problems


def reply_save(*, reply, user, text, category, contact_person="", contact_phone="", cc=""):
    """Keep the draft as typed; a worker renders its letter's preview after commit."""
    if reply.status != Reply.Status.DRAFTING:
        raise ValidationError(_("This reply is not being drafted."))
    with transaction.atomic(savepoint=False):  # refused above, before any write
        reply.text, reply.category = text, category
        reply.contact_person, reply.contact_phone, reply.cc = contact_person, contact_phone, cc
        reply.save(update_fields=["text", "category", "contact_person", "contact_phone", "cc"])
        letter_preview_request(subject=reply, data=reply_letter(reply))
    return reply


def reply_submit(*, reply, user):
    """The draft goes to the department's head for sign-off (签发)."""
    problems = reply_submit_problems(reply)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic(savepoint=False):  # refused above, before any write
        reply.status = Reply.Status.SIGN_OFF
        reply.submitted_at, reply.submitted_by = timezone.now(), user
        reply.save(update_fields=["status", "submitted_at", "submitted_by"])
        heads = department_people(reply.department, Role.HEAD)
        assign_perm("proposals.sign_off_reply", heads, reply)
        event = audit_record(
            action=AuditEvent.Action.SUBMIT,
            summary=f"{reply.department}提交答复（{reply.category}类）送负责人签发",
            actor=user,
            obj=reply.proposal,
            department=reply.department,
        )
        _tell(
            heads,
            proposal=reply.proposal,
            subject="签发",
            body="答复已拟好，请签发。",
            key=f"reply:{reply.pk}:submitted:{event.pk}",
        )
    return reply


def reply_sign_off(*, reply, user, approve, comment=""):
    """签发, or return the draft with comments (back to drafting, the comments shown)."""
    if reply.status != Reply.Status.SIGN_OFF:
        raise ValidationError(_("This reply is not awaiting sign-off."))
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("Say what to change when returning the draft.")})
    with transaction.atomic(savepoint=False):  # refused above, before any write
        if not approve:
            _return(reply, user, comment, who=f"{reply.department}负责人")
            return reply
        reply.status = Reply.Status.REVIEW
        reply.signed_off_at, reply.signed_off_by = timezone.now(), user
        reply.return_comment = ""
        reply.save(update_fields=["status", "signed_off_at", "signed_off_by", "return_comment"])
        secretariat = secretariat_people()
        assign_perm("proposals.review_reply", secretariat, reply)
        event = audit_record(
            action=AuditEvent.Action.APPROVE,
            summary=f"{reply.department}负责人签发答复" + (f"：{comment}" if comment else ""),
            actor=user,
            obj=reply.proposal,
            department=reply.department,
        )
        _tell(
            secretariat,
            proposal=reply.proposal,
            subject="审核",
            body=f"{reply.department}的答复已签发，请核稿并发出。",
            key=f"reply:{reply.pk}:signed:{event.pk}",
        )
    return reply


def _return(reply, user, comment, *, who):
    reply.status = Reply.Status.DRAFTING
    reply.return_comment = comment
    reply.save(update_fields=["status", "return_comment"])
    event = audit_record(
        action=AuditEvent.Action.RETURN,
        summary=f"{who}退回答复：{comment}",
        actor=user,
        obj=reply.proposal,
        department=reply.department,
    )
    _tell(
        department_people(reply.department, Role.OFFICER),
        proposal=reply.proposal,
        subject="退回修改",
        body=f"{who}退回答复：{comment}",
        key=f"reply:{reply.pk}:returned:{event.pk}",
    )


def reply_review(*, reply, user, release, comment=""):
    """核稿: the secretariat releases the reply to the proposers, or returns it with comments."""
    if reply.status != Reply.Status.REVIEW:
        raise ValidationError(_("This reply is not awaiting review."))
    comment = comment.strip()
    if not release and not comment:
        raise ValidationError({"comment": _("Say what to change when returning the draft.")})
    template = letter_template_for(reply.department, reply.proposal.kind) if release else None
    if template is not None:
        # a pattern stored before it was checked, or a default one from a code with digits
        number_pattern_validate(template.number_pattern)
    with transaction.atomic(savepoint=False):  # refused above, before any write
        if not release:
            _return(reply, user, comment, who="联席会议办公室")
            return reply
        now = timezone.now()
        reply.status = Reply.Status.RELEASED
        reply.released_at, reply.released_by = now, user
        reply.letter_date = timezone.localdate(now)
        # numbered now from the department's pattern; a worker freezes the PDF after commit.
        # (Its refusal of a letter issued already cannot happen here: the issue and the status
        # RELEASED are stored together, and a released reply is not in review.)
        document = letter_release(
            subject=reply, data=reply_letter(reply, template=template), number_pattern=template.number_pattern
        )
        reply.letter_number = document.number
        reply.save(update_fields=["status", "released_at", "released_by", "letter_date", "letter_number"])
        proposal = reply.proposal
        audit_record(
            action=AuditEvent.Action.APPROVE,
            summary=f"发出{reply.department}{reply.get_kind_display()}（{reply.category}类）",
            actor=user,
            obj=proposal,
            department=reply.department,
        )
        round_open = proposal.replies.filter(round=proposal.round).exclude(kind=Reply.Kind.FOLLOW_UP)
        if not round_open.exclude(status=Reply.Status.RELEASED).exists() and proposal.status in (
            Proposal.Status.HANDLING,
            Proposal.Status.REHANDLING,
        ):
            proposal.status = Proposal.Status.REPLIED
            proposal.save(update_fields=["status"])
        # the lead's people first, then the co-handlers' (one statement for all their departments)
        departments = Department.objects.filter(Q(pk=reply.department_id) | Q(co_handled_proposals=proposal))
        people = departments_people(departments.values("pk"), Role.OFFICER)
        others = sorted(people.keys() - {reply.department_id})
        _tell(
            [user for pk in (reply.department_id, *others) for user in people.get(pk, [])],
            proposal=proposal,
            subject="答复已发出",
            body=f"{reply.department}的{reply.get_kind_display()}已审核发出。",
            key=f"reply:{reply.pk}:released",
        )
    return reply
