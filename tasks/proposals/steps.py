"""Completing a step of the proposal flow in one call, outside its own page: the one-click
签收 of the desk, and the services' path the benchmark and tests drive."""

from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from tasks.proposals import services
from tasks.proposals.flows import ProposalFlow
from tasks.proposals.models import CoHandlingOpinion
from workflows.desk import steps as desk_steps

# what the services of the reply's steps read besides the task: its reply, with the reply's
# proposal and department (one statement with the task and its lock)
REPLY = ("process__proposal_reply__proposal", "process__proposal_reply__department")


def step_complete(*, task, user, node, write, taken_message=None, related=REPLY):
    """The shared one-click step (``workflows.desk.steps``) at a node of the proposal flow."""
    return desk_steps.step_complete(
        task=task,
        user=user,
        node=node,
        write=write,
        done_message=taken_message or _("This step has already been completed."),
        related=related,
    )


def sign_for_complete(*, task, user):
    """签收 in one click."""

    def write(task):
        reply = task.process.proposal_reply
        services.proposal_sign_for(proposal=reply.proposal, user=user, reply=reply)

    return step_complete(
        task=task,
        user=user,
        node=ProposalFlow.sign_for,
        write=write,
        taken_message=_("This item has already been signed for."),
    )


def opinion_complete(*, task, user, text):
    def write(task):
        opinion = CoHandlingOpinion.objects.select_related("proposal", "department", "reply__department").get(
            pk=task.data["opinion"]
        )
        services.opinion_give(opinion=opinion, text=text, user=user)

    return step_complete(task=task, user=user, node=ProposalFlow.opinion, write=write, related=())


def opinion_waive_complete(*, opinion, user, reason):
    """The secretariat waives an awaited opinion: the co-handler's step is done in its stead."""
    task = opinion.reply.process.task_set.get(
        flow_task=ProposalFlow.opinion, data__opinion=opinion.pk, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    with task.activation() as activation:
        if activation.task.status == STATUS.ASSIGNED:
            activation.unassign()
        activation.assign(user)
        services.opinion_waive(opinion=opinion, reason=reason, user=user)
        activation.start(None)
        activation.execute()
    return task


def draft_complete(*, task, user, **draft):
    """Save the draft as given and send it to the head."""

    def write(task):
        reply = task.process.proposal_reply
        services.reply_save(reply=reply, user=user, **draft)
        services.reply_submit(reply=reply, user=user)

    return step_complete(task=task, user=user, node=ProposalFlow.draft, write=write)


def sign_off_complete(*, task, user, approve=True, comment=""):
    def write(task):
        services.reply_sign_off(
            reply=task.process.proposal_reply, user=user, approve=approve, comment=comment
        )

    return step_complete(task=task, user=user, node=ProposalFlow.sign_off, write=write)


def review_complete(*, task, user, release=True, comment=""):
    def write(task):
        services.reply_review(reply=task.process.proposal_reply, user=user, release=release, comment=comment)

    return step_complete(task=task, user=user, node=ProposalFlow.review, write=write)
