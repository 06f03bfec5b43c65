"""征询意见: each proposer rates the handling and the result once per round.

Proposers have no accounts: the secretariat types in the paper form, or sends each proposer a
personal link, signed (``django.core.signing``), single-use and expiring, to a form that needs
no login. 不满意 on either question reopens the proposal (``assignment.proposal_rehandle``).
"""

import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditEvent
from tasks.proposals.assignment import proposal_rehandle
from tasks.proposals.models import Evaluation, EvaluationInvite, Proposal

INVITE_DAYS = 30
SALT = "proposals.evaluation-link"


def evaluation_problems(proposer):
    proposal = proposer.proposal
    if proposal.status != Proposal.Status.REPLIED:
        return _("The reply has not been released yet, or the proposal is being handled again.")
    if Evaluation.objects.filter(proposer=proposer, round=proposal.round).exists():
        return _("%(name)s has already evaluated this reply.") % {"name": proposer.name}
    return None


@transaction.atomic
def evaluation_record(*, proposer, attitude, result, comment="", source, user=None):
    """Record one proposer's evaluation; 不满意 reopens the proposal, and once every proposer
    is content the proposal closes."""
    proposal = Proposal.objects.select_for_update().get(pk=proposer.proposal_id)
    proposer.proposal = proposal
    problem = evaluation_problems(proposer)
    if problem:
        raise ValidationError(problem)
    evaluation = Evaluation.objects.create(
        proposal=proposal,
        proposer=proposer,
        round=proposal.round,
        attitude=attitude,
        result=result,
        comment=comment,
        source=source,
        recorded_by=user,
    )
    audit_record(
        action=AuditEvent.Action.SUBMIT,
        summary=(
            f"{proposer.name}{proposal.proposer_title}评价：办理态度{evaluation.get_attitude_display()}，"
            f"办理结果{evaluation.get_result_display()}"
        ),
        actor=user,
        obj=proposal,
        department=proposal.lead_department,
    )
    if evaluation.is_dissatisfied:
        proposal_rehandle(proposal=proposal, actor=user, reason=comment)
    elif not proposal.proposers.exclude(evaluations__round=proposal.round).exists():
        proposal.status = Proposal.Status.CLOSED
        proposal.save(update_fields=["status"])
    return evaluation


def evaluation_link_send(*, proposer, user):
    """A personal link for ``proposer``; returns the invite and its path."""
    problem = evaluation_problems(proposer)
    if problem:
        raise ValidationError(problem)
    now = timezone.now()
    invite = EvaluationInvite.objects.create(
        proposer=proposer,
        round=proposer.proposal.round,
        created_at=now,
        expires_at=now + datetime.timedelta(days=INVITE_DAYS),
    )
    audit_record(
        action=AuditEvent.Action.SUBMIT,
        summary=f"向{proposer.name}发送征询意见链接",
        actor=user,
        obj=proposer.proposal,
    )
    token = signing.dumps(invite.pk, salt=SALT)
    return invite, reverse("proposals:evaluate", args=[token])


def evaluation_invite_read(token):
    """The invite a link names, or a ValidationError saying in the user's language why not."""
    try:
        pk = signing.loads(token, salt=SALT, max_age=datetime.timedelta(days=INVITE_DAYS))
    except signing.SignatureExpired as exc:
        raise ValidationError(_("This link has expired. Please contact the joint meeting's office.")) from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("This link is not valid.")) from exc
    invite = EvaluationInvite.objects.select_related("proposer__proposal").filter(pk=pk).first()
    if invite is None:
        raise ValidationError(_("This link is not valid."))
    if invite.used_at is not None:
        raise ValidationError(_("This link has already been used; the evaluation was recorded."))
    if invite.expires_at <= timezone.now():
        raise ValidationError(_("This link has expired. Please contact the joint meeting's office."))
    if invite.round != invite.proposer.proposal.round:
        raise ValidationError(_("This link belongs to an earlier reply."))
    return invite


@transaction.atomic
def evaluation_by_link(*, token, attitude, result, comment=""):
    invite = evaluation_invite_read(token)
    invite = EvaluationInvite.objects.select_for_update().get(pk=invite.pk)
    if invite.used_at is not None:
        raise ValidationError(_("This link has already been used; the evaluation was recorded."))
    evaluation = evaluation_record(
        proposer=invite.proposer,
        attitude=attitude,
        result=result,
        comment=comment,
        source=Evaluation.Source.LINK,
    )
    invite.used_at = timezone.now()
    invite.save(update_fields=["used_at"])
    return evaluation
