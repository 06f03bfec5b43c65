"""What the dashboard reads of the duties: aggregates grouped in the database, never row by row.

Each function takes the departments in scope (``None``: every department) and the filters, and
returns plain rows (dicts), so the dashboard does not know the duties' models.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q

from tasks.duties.models import Duty, JointMeeting
from workflows.workdays.local_time import MonthNumber, by_end_of_local_day, month_of


def _duties(*, departments=None, meeting=None, assigned_from=None, assigned_before=None):
    duties = Duty.objects.exclude(status=Duty.Status.DRAFT)
    if departments is not None:
        duties = duties.filter(lead_id__in=departments)
    if meeting is not None:
        duties = duties.filter(table__meeting_id=meeting)
    if assigned_from is not None:
        duties = duties.filter(assigned_at__gte=assigned_from)
    if assigned_before is not None:
        duties = duties.filter(assigned_at__lt=assigned_before)
    return duties


def _closed_on_time():
    # a duty without a fixed end (长期坚持) is on time whenever it closes
    return Q(status=Duty.Status.DONE) & (
        Q(deadline__isnull=True) | by_end_of_local_day("completed_at", "deadline")
    )


def duty_counts(*, months=(), **filters):
    """Per lead department and local month of assignment (one of ``months``, first days, or None
    outside them): duties assigned, closed, closed on time (one pass over the duties serves the
    departments' rates and the trend)."""
    rows = (
        _duties(**filters)
        .annotate(month_number=MonthNumber("assigned_at", months))
        .values("lead_id", "month_number")
        .annotate(
            assigned=Count("pk"),
            closed=Count("pk", filter=Q(status=Duty.Status.DONE)),
            on_time=Count("pk", filter=_closed_on_time()),
        )
        .order_by()
    )
    return [{**row, "month": month_of(months, row.pop("month_number"))} for row in rows]


def duty_deadlines_filter(*, meeting=None):
    """A filter on ``Deadline`` rows: the steps of duties (of one joint meeting)."""
    condition = Q(content_type=ContentType.objects.get_for_model(Duty))
    if meeting is not None:
        condition &= Q(meeting_id=meeting)  # copied from the duty's table when the step opened
    return condition


def meetings_choices():
    return list(JointMeeting.objects.order_by("pk").values_list("pk", "short_name"))


def duty_subjects(pks):
    """{pk: (title as notices write it, URL of its page and history)} for a page of drill-down rows."""
    return {
        duty.pk: (duty.full_title, duty.get_absolute_url(), duty.table.meeting.short_name)
        for duty in Duty.objects.filter(pk__in=pks).select_related("table__meeting")
    }
