"""Duty supervision (督办), DESIGN.md section 4.1, as two flows on the same duty.

``DutyFlow`` carries the duty from 交办 to the cooperating departments' inputs: the lead signs for
it within DUTY_SIGN_FOR_WORKING_DAYS working days or asks for reassignment, which the secretariat
decides; then each cooperating department gives its input (配合意见) in parallel, each by its own
deadline. ``DutyReportFlow`` carries one report: a progress report the cycle job opens for each
period, or the completion report (办结报告) opened at 签收. The lead writes it, its head signs it
off (or returns it), the secretariat reviews it (accepts or returns it to the lead), and a leader
confirms a completion when the duty asks for it. Steps with a deadline ride the escalation ladder.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from accounts.models import Role
from tasks.duties import services
from tasks.duties.flow_views import (
    CompletionConfirmView,
    CooperationView,
    ReassignmentDecideView,
    ReportReviewView,
    ReportSignOffView,
    ReportWriteView,
    SignForView,
)
from tasks.duties.models import CooperationInput, DutyProcess, ProgressReport
from workflows.engine import process_row_lock_savepoint
from workflows.escalation.deadlines import DeadlineTerms
from workflows.escalation.node import Ladder
from workflows.nodes import End, FanOut, If


class CooperationStep(flow.View):
    """A step whose permission object is its own cooperating department's input (one per task),
    so each department takes only its own task."""

    def calc_owner_permission_obj(self, activation):
        return self.input_of(activation.task)

    def can_assign(self, user, task):
        if task.owner_id or user is None or user.is_anonymous:
            return False
        return user.has_perm(task.owner_permission, obj=self.input_of(task))

    @staticmethod
    def input_of(task):
        return CooperationInput.objects.get(pk=task.data["input"])


def _duty(process):
    return process.duty


def _allowed(user):
    """Everyone who works on duties may open the flows; lists and pages are scoped per duty."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(user.department_id) or user.has_role(*Role.values)


class DutyFlow(flow.Flow):
    process_class = DutyProcess
    process_title = _("Duty supervision")
    process_description = _("Assign a duty, sign for it and collect the cooperating departments' input.")
    process_summary_template = "{{ process.artifact }}"
    lock_impl = process_row_lock_savepoint  # its views refuse inside the lock

    start = flow.StartHandle(this.start_process).Next(this.sign_for)

    sign_for = (
        flow.View(SignForView.as_view())
        .Annotation(title=_("Sign for"))
        .Permission("duties.handle_duty", obj=_duty)
        .Next(this.reassignment_asked)
    )
    sign_for__timeout = Ladder(this.sign_for, terms=this.sign_for_terms)

    reassignment_asked = (
        If(this.reassignment_pending).Then(this.reassignment_decide).Else(this.completion_open)
    )

    reassignment_decide = (
        flow.View(ReassignmentDecideView.as_view())
        .Annotation(title=_("Decide on reassignment"))
        .Permission("duties.review_duty", obj=_duty)
        .onCreate(this.secretariat_tell)
        .Next(this.sign_for)
    )

    # the completion report (办结报告) opens at 签收, its deadline the duty's own
    completion_open = flow.Function(this.completion_report_open).Next(this.has_cooperating)

    has_cooperating = If(this.cooperating_exist).Then(this.inputs).Else(this.end)

    inputs = FanOut().Each(this.cooperate, this.cooperation_open)

    cooperate = (
        CooperationStep(CooperationView.as_view())
        .Annotation(title=_("Cooperating department's input"))
        .Permission("duties.give_input")
        .Next(this.inputs_done)
    )
    cooperate__timeout = Ladder(this.cooperate, terms=this.cooperate_terms)

    inputs_done = flow.Join().Next(this.end)

    end = End()

    def start_process(self, activation, duty):
        activation.process.artifact = duty
        return activation.process

    def sign_for_terms(self, task):
        duty = task.process.duty
        return DeadlineTerms(
            subject=duty, department=duty.lead, due=duty.sign_for_deadline, meeting_id=duty.table.meeting_id
        )

    def reassignment_pending(self, activation):
        return activation.process.duty.reassignment_requests.filter(status="pending").exists()

    def secretariat_tell(self, activation):
        services.reviewers_grant(duty=activation.process.duty, step="reassignment", task=activation.task)

    def completion_report_open(self, activation):
        duty = activation.process.duty
        report, created = ProgressReport.objects.get_or_create(
            duty=duty, kind=ProgressReport.Kind.COMPLETION, defaults={"due": duty.deadline}
        )
        if created:
            DutyReportFlow.start.run(report=report)

    def cooperating_exist(self, activation):
        return activation.process.duty.cooperating.exists()

    def cooperation_open(self, activation):
        inputs = services.cooperation_inputs_open(duty=activation.process.duty)
        return [{"input": item.pk} for item in inputs]

    def cooperate_terms(self, task):
        item = CooperationStep.input_of(task)
        duty = task.process.duty
        return DeadlineTerms(
            subject=duty, department=item.department, due=item.due, meeting_id=duty.table.meeting_id
        )

    def has_view_permission(self, user, obj=None):
        return _allowed(user)


def _report(process):
    return process.report


class DutyReportFlow(flow.Flow):
    process_class = DutyProcess
    process_title = _("Duty report")
    process_description = _("A progress or completion report: written, signed off by the head, reviewed.")
    process_summary_template = "{{ process.seed }}"
    lock_impl = process_row_lock_savepoint  # its views refuse inside the lock

    start = flow.StartHandle(this.start_process).Next(this.write)

    write = (
        flow.View(ReportWriteView.as_view())
        .Annotation(title=_("Write the report"))
        .Permission("duties.handle_duty", obj=_duty)
        .Next(this.sign_off)
    )
    write__timeout = Ladder(this.write, terms=this.write_terms)

    sign_off = (
        flow.View(ReportSignOffView.as_view())
        .Annotation(title=_("Head's review"))
        .Permission("duties.sign_off_duty", obj=_duty)
        .onCreate(this.heads_tell)
        .Next(this.signed_off)
    )

    signed_off = If(this.is_signed_off).Then(this.review).Else(this.write)

    review = (
        flow.View(ReportReviewView.as_view())
        .Annotation(title=_("Secretariat's review"))
        .Permission("duties.review_duty", obj=_duty)
        .onCreate(this.secretariat_tell)
        .Next(this.reviewed)
    )

    reviewed = If(this.is_accepted).Then(this.confirmation_needed).Else(this.write)

    confirmation_needed = If(this.needs_confirmation).Then(this.confirm).Else(this.end)

    confirm = (
        flow.View(CompletionConfirmView.as_view())
        .Annotation(title=_("Leader's confirmation"))
        .Permission("duties.confirm_duty", obj=_duty)
        .onCreate(this.leaders_tell)
        .Next(this.end)
    )

    end = End()

    def start_process(self, activation, report):
        activation.process.artifact = report.duty
        activation.process.seed = report
        return activation.process

    def write_terms(self, task):
        report = _report(task.process)
        if report.due is None:
            return None
        duty = report.duty
        return DeadlineTerms(
            subject=duty, department=duty.lead, due=report.due, meeting_id=duty.table.meeting_id
        )

    def is_signed_off(self, activation):
        return _report(activation.process).status == ProgressReport.Status.SIGNED_OFF

    def is_accepted(self, activation):
        return _report(activation.process).status == ProgressReport.Status.ACCEPTED

    def needs_confirmation(self, activation):
        report = _report(activation.process)
        return report.kind == ProgressReport.Kind.COMPLETION and report.duty.leader_confirmation

    def heads_tell(self, activation):
        services.reviewers_grant(
            duty=activation.process.duty,
            step="sign_off",
            task=activation.task,
            report=_report(activation.process),
        )

    def secretariat_tell(self, activation):
        services.reviewers_grant(
            duty=activation.process.duty,
            step="review",
            task=activation.task,
            report=_report(activation.process),
        )

    def leaders_tell(self, activation):
        services.reviewers_grant(
            duty=activation.process.duty,
            step="confirm",
            task=activation.task,
            report=_report(activation.process),
        )

    def has_view_permission(self, user, obj=None):
        return _allowed(user)
