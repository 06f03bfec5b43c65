"""The proposal reply process (建议提案办理), DESIGN.md section 4.2.

Registration and assignment happen in services, which start one process per reply: the first
reply of the lead department (and under 分办, of every unit), a re-handling after 不满意, a
follow-up reply to a B or C answer. The first reply starts with 签收; then each co-handler sends
its 协办意见 while the lead department drafts; the head signs off or returns the draft; the
secretariat releases it or returns it. Every step of a department with a deadline is on the
escalation ladder (reminder, 催办, 督办).
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from accounts.models import Role
from tasks.proposals import flow_views
from tasks.proposals.models import CoHandlingOpinion, ProposalProcess, Reply
from workflows.engine import process_row_lock
from workflows.escalation.deadlines import DeadlineTerms
from workflows.escalation.node import Ladder
from workflows.nodes import End, FanOut, If, StartNew


def reply_of(process):
    return process.proposal_reply


class OpinionNode(flow.View):
    """A co-handler's step: taken by the co-handling department named in the task's data, whose
    opinion row carries the permission."""

    def calc_owner_permission_obj(self, activation):
        # with what the ladder's terms read next (``ProposalFlow.opinion_terms``), from the
        # opinions the fan-out has just read
        pk = activation.task.data["opinion"]
        for opinion in activation.process.proposal_reply.opinions_read():
            if opinion.pk == pk:
                return opinion
        return CoHandlingOpinion.objects.select_related("proposal", "department").get(pk=pk)

    def can_assign(self, user, task):
        if task.owner_id or not user.is_authenticated:
            return False
        return user.has_perm(task.owner_permission, obj=task.owner_permission_obj)


class ProposalFlow(flow.Flow):
    process_class = ProposalProcess
    process_title = _("Proposal handling")
    process_description = _("Register, assign, sign for and reply to a suggestion or proposal.")
    process_summary_template = "{{ process.artifact }}"
    lock_impl = process_row_lock

    start = StartNew(this.start_process).Next(this.sign_for)
    # re-handling after 不满意 and follow-up replies start at the draft
    start_reply = StartNew(this.start_process).Next(this.draft)

    sign_for = (
        flow.View(flow_views.SignForView.as_view())
        .Annotation(title=_("Sign for"))
        .Permission("proposals.handle_reply", obj=reply_of)
        .Next(this.co_handling)
    )
    # Named as viewflow named the sign-for timer before, so scheduled rows keep their node.
    sign_for__timeout = Ladder(this.sign_for, terms=this.sign_for_terms)

    co_handling = FanOut().Each(this.opinion, this.opinions_requested).Always(this.draft)

    opinion = (
        OpinionNode(flow_views.OpinionView.as_view())
        .Annotation(title=_("Co-handler's opinion"))
        .Permission("proposals.give_opinion")
        .Next(this.opinion_done)
    )
    opinion__timeout = Ladder(this.opinion, terms=this.opinion_terms)
    opinion_done = End()

    draft = (
        flow.View(flow_views.DraftView.as_view())
        .Annotation(title=_("Draft the reply"))
        .Permission("proposals.handle_reply", obj=reply_of)
        .Next(this.sign_off)
    )
    draft__timeout = Ladder(this.draft, terms=this.reply_terms)

    sign_off = (
        flow.View(flow_views.SignOffView.as_view())
        .Annotation(title=_("Head's sign-off"))
        .Permission("proposals.sign_off_reply", obj=reply_of)
        .Next(this.signed_off)
    )
    sign_off__timeout = Ladder(this.sign_off, terms=this.reply_terms)
    signed_off = If(this.is_awaiting_review).Then(this.review).Else(this.draft)

    review = (
        flow.View(flow_views.ReviewView.as_view())
        .Annotation(title=_("Review and release"))
        .Permission("proposals.review_reply", obj=reply_of)
        .Next(this.reviewed)
    )
    reviewed = If(this.is_released).Then(this.end).Else(this.draft)

    end = End()

    def start_process(self, activation, proposal, reply):
        activation.process.artifact = proposal
        activation.process.save()
        reply.process = activation.process
        reply.save(update_fields=["process"])
        return activation.process

    def opinions_requested(self, activation):
        return [{"opinion": opinion.pk} for opinion in activation.process.proposal_reply.opinions_read()]

    def is_awaiting_review(self, activation):
        return activation.process.proposal_reply.status == Reply.Status.REVIEW

    def is_released(self, activation):
        return activation.process.proposal_reply.status == Reply.Status.RELEASED

    def sign_for_terms(self, task):
        proposal = task.process.artifact
        return DeadlineTerms(
            subject=proposal,
            department=task.process.proposal_reply.department,
            due=proposal.sign_for_deadline,
            cap=proposal.extension_cap(),
        )

    def opinion_terms(self, task):
        if task._meta.get_field("owner_permission_obj").is_cached(task):  # the task opens now
            opinion = task.owner_permission_obj
        else:
            opinion = CoHandlingOpinion.objects.select_related("proposal", "department").get(
                pk=task.data["opinion"]
            )
        return DeadlineTerms(
            subject=opinion.proposal,
            department=opinion.department,
            due=opinion.due,
            cap=opinion.proposal.extension_cap(),
        )

    def reply_terms(self, task):
        reply = task.process.proposal_reply
        cap = reply.proposal.extension_cap()
        return DeadlineTerms(
            subject=reply.proposal,
            department=reply.department,
            due=reply.due,
            # a re-handling may start after the first reply's cap: it gets its own month
            cap=max(cap, reply.due) if cap else None,
        )

    def has_view_permission(self, user, obj=None):
        """Everyone who works on proposals may open the flow; lists are scoped per object."""
        if not user.is_authenticated:
            return False
        return user.is_superuser or bool(user.department_id) or user.has_role(*Role.values)
