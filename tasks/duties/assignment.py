"""交办 of duties, one or a whole table: assigning starts the supervision flow."""

from django.db import transaction
from django.utils import timezone

from tasks.duties.flows import DutyFlow
from tasks.duties.models import Duty
from tasks.duties.services import ASSIGNMENT, sign_for_deadline
from workflows.assignment import work_assign


@transaction.atomic
def duty_assign(*, duty, lead=None, cooperating=None, actor=None, leader_confirmation=None):
    """交办: give the duty to its lead and cooperating departments (by default those it was
    imported with) and open the lead's sign-for step."""
    lead = lead or duty.lead
    cooperating = list(duty.cooperating.all()) if cooperating is None else list(cooperating)
    duty.sign_for_deadline = sign_for_deadline()
    work_assign(
        obj=duty,
        rule=ASSIGNMENT,
        lead=lead,
        others=cooperating,
        actor=actor,
        after={"sign_for_deadline": duty.sign_for_deadline.isoformat()},
    )
    duty.status = Duty.Status.ASSIGNED
    duty.assigned_at = timezone.now()
    if leader_confirmation is not None:
        duty.leader_confirmation = leader_confirmation
    # saved after the departments are set (in bulk, without signals): assigned, the duty's lead
    # and cooperating departments join its table's (tasks.duties.holders)
    duty.save(update_fields=["status", "assigned_at", "sign_for_deadline", "leader_confirmation"])
    return DutyFlow.start.run(duty=duty)


@transaction.atomic
def duty_table_assign(*, table, actor, leader_confirmation=False):
    """交办 every duty of a table that is still a draft; returns how many were assigned."""
    drafts = list(
        table.duties.filter(status=Duty.Status.DRAFT).select_related("lead").prefetch_related("cooperating")
    )
    for duty in drafts:
        duty_assign(duty=duty, actor=actor, leader_confirmation=leader_confirmation)
    return len(drafts)
