"""Writes on duties: assignment moves access with the work."""

from workflows.assignment import WorkAssignment, work_assign, work_reassign

ASSIGNMENT = WorkAssignment(
    lead_field="lead",
    others_field="cooperating",
    lead_perms=("duties.view_duty", "duties.handle_duty"),
    other_perms=("duties.view_duty",),
    lead_name="牵头单位",
    others_name="配合单位",
)


def duty_assign(*, duty, lead, cooperating=(), actor=None):
    """交办: the lead and cooperating departments receive the duty and access to it."""
    return work_assign(obj=duty, rule=ASSIGNMENT, lead=lead, others=cooperating, actor=actor)


def duty_reassign(*, duty, lead, cooperating=(), actor):
    """调整: only the secretariat reassigns; the old departments lose access at once."""
    return work_reassign(obj=duty, rule=ASSIGNMENT, lead=lead, others=cooperating, actor=actor)
