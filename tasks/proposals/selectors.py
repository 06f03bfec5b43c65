"""What the dashboard reads of the suggestions and proposals: aggregates grouped in the database,
never row by row. Each function takes the departments in scope (``None``: every department) and
the filters, and returns plain rows (dicts)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, OuterRef, Q

from tasks.proposals.models import Evaluation, Proposal, Reply
from workflows.workdays.local_time import MonthNumber, by_end_of_local_day, month_of

SATISFIED = (Evaluation.Rating.SATISFIED, Evaluation.Rating.BASICALLY)


def _replies(*, departments=None, kind=None, assigned_from=None, assigned_before=None):
    """The first replies (one per handling department) of assigned proposals."""
    replies = Reply.objects.filter(kind=Reply.Kind.FIRST, proposal__assigned_at__isnull=False)
    if departments is not None:
        replies = replies.filter(department_id__in=departments)
    if kind:
        replies = replies.filter(proposal__kind=kind)
    if assigned_from is not None:
        replies = replies.filter(proposal__assigned_at__gte=assigned_from)
    if assigned_before is not None:
        replies = replies.filter(proposal__assigned_at__lt=assigned_before)
    return replies


def _replied_on_time():
    return Q(status=Reply.Status.RELEASED) & by_end_of_local_day("released_at", "due")


def reply_counts(*, months=(), **filters):
    """Per handling department, local month of assignment (one of ``months``, first days, or None
    outside them) and result category: first replies assigned, released, released by their
    deadline (one pass serves the rates, the trend and the categories)."""
    rows = (
        _replies(**filters)
        .annotate(month_number=MonthNumber("proposal__assigned_at", months))
        .values("department_id", "month_number", "category")
        .annotate(
            assigned=Count("pk"),
            replied=Count("pk", filter=Q(status=Reply.Status.RELEASED)),
            on_time=Count("pk", filter=_replied_on_time()),
        )
        .order_by()
    )
    return [{**row, "month": month_of(months, row.pop("month_number"))} for row in rows]


def evaluation_rates_by_department(*, departments=None, kind=None, assigned_from=None, assigned_before=None):
    """Per lead department: proposers' evaluations, and of them 满意 or 基本满意 for the
    handling (attitude) and for the result."""
    evaluations = Evaluation.objects.all()
    if departments is not None:
        evaluations = evaluations.filter(proposal__lead_department_id__in=departments)
    if kind:
        evaluations = evaluations.filter(proposal__kind=kind)
    if assigned_from is not None:
        evaluations = evaluations.filter(proposal__assigned_at__gte=assigned_from)
    if assigned_before is not None:
        evaluations = evaluations.filter(proposal__assigned_at__lt=assigned_before)
    return list(
        evaluations.values(department_id=F("proposal__lead_department_id"))
        .annotate(
            evaluated=Count("pk"),
            attitude_ok=Count("pk", filter=Q(attitude__in=SATISFIED)),
            result_ok=Count("pk", filter=Q(result__in=SATISFIED)),
        )
        .order_by("department_id")
    )


def _proposals(
    *, departments=None, kind=None, assigned_from=None, assigned_before=None, status=None, category=None
):
    proposals = Proposal.objects.exclude(status=Proposal.Status.REGISTERED)
    if departments is not None:
        through = Proposal.co_departments.through
        proposals = proposals.filter(
            Q(lead_department_id__in=departments)
            | Exists(through.objects.filter(proposal_id=OuterRef("pk"), department_id__in=departments))
        )
    if kind:
        proposals = proposals.filter(kind=kind)
    if assigned_from is not None:
        proposals = proposals.filter(assigned_at__gte=assigned_from)
    if assigned_before is not None:
        proposals = proposals.filter(assigned_at__lt=assigned_before)
    if status:
        proposals = proposals.filter(status=status)
    if category:
        proposals = proposals.filter(
            Exists(
                Reply.objects.filter(
                    proposal_id=OuterRef("pk"),
                    kind=Reply.Kind.FIRST,
                    status=Reply.Status.RELEASED,
                    category=category,
                )
            )
        )
    return proposals


def proposal_stages(**filters):
    """Assigned proposals by stage (status): {status: count}."""
    rows = _proposals(**filters).values("status").annotate(count=Count("pk"))
    return {row["status"]: row["count"] for row in rows}


def proposals_list(**filters):
    """The drill-down behind a stage or a category: a queryset, newest first, for one page."""
    return _proposals(**filters).select_related("lead_department").order_by("-assigned_at", "-pk")


def stage_choices():
    return [(value, label) for value, label in Proposal.Status.choices if value != Proposal.Status.REGISTERED]


def kind_choices():
    return list(Proposal.Kind.choices)


def category_choices():
    return list(Reply.Category.choices)


def proposal_deadlines_filter(*, kind=None):
    """A filter on ``Deadline`` rows: the steps of suggestions and proposals (of one kind)."""
    condition = Q(content_type=ContentType.objects.get_for_model(Proposal))
    if kind:
        condition &= Q(proposal__kind=kind)
    return condition


def proposal_subjects(pks):
    """{pk: (full title, URL of its page and history, "")} for a page of drill-down rows."""
    return {
        proposal.pk: (proposal.full_title, proposal.get_absolute_url(), "")
        for proposal in Proposal.objects.filter(pk__in=pks)
    }
