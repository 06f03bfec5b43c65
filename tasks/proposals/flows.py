"""The proposal reply process (建议提案办理), DESIGN.md section 4.2.

Registration and assignment happen in services, which start the flow; the lead department then
signs for the proposal within its deadline, on the escalation ladder (reminder, 催办, 督办).
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from accounts.models import Role
from tasks.proposals.flow_views import SignForView
from tasks.proposals.models import ProposalProcess
from workflows.engine import process_row_lock
from workflows.escalation.deadlines import DeadlineTerms
from workflows.escalation.node import Ladder


class ProposalFlow(flow.Flow):
    process_class = ProposalProcess
    process_title = _("Proposal handling")
    process_description = _("Register, assign, sign for and reply to a suggestion or proposal.")
    process_summary_template = "{{ process.artifact }}"
    lock_impl = process_row_lock

    start = flow.StartHandle(this.start_process).Next(this.sign_for)

    sign_for = (
        flow.View(SignForView.as_view())
        .Annotation(title=_("Sign for"))
        .Permission("proposals.handle_proposal", obj=lambda process: process.proposal)
        .Next(this.end)
    )
    # Named as viewflow named the sign-for timer before, so scheduled rows keep their node.
    sign_for__timeout = Ladder(this.sign_for, terms=this.sign_for_terms)

    end = flow.End()

    def start_process(self, activation, proposal):
        activation.process.artifact = proposal
        return activation.process

    def sign_for_terms(self, task):
        proposal = task.process.artifact
        return DeadlineTerms(
            subject=proposal,
            department=proposal.lead_department,
            due=proposal.sign_for_deadline,
            cap=proposal.extension_cap(),
        )

    def has_view_permission(self, user, obj=None):
        """Everyone who works on proposals may open the flow; lists are scoped per object."""
        if not user.is_authenticated:
            return False
        return user.is_superuser or bool(user.department_id) or user.has_role(*Role.values)
