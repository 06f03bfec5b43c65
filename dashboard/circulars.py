"""月度通报: the monthly circular, rendered once by a worker and kept with its SHA-256.

Beat runs ``circulars_due`` every morning: on the first working day of a month it creates the
previous month's circular and queues its rendering; on any day it queues again those still
unrendered after the retry timeout. The secretariat may also ask for one on demand.
"""

import calendar
import datetime
import hashlib

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from dashboard import charts
from dashboard.filters import Filters
from dashboard.models import Circular
from dashboard.stats import dashboard_figures
from workflows.documents.pdf import pdf_from_html
from workflows.workdays.calendar import working_day_on_or_after

SWEEP_LIMIT = 20


def month_end(month):
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def circular_context(circular, *, today=None):
    """What the circular says: the year's work up to the end of its month, lights as of today."""
    today = today or timezone.localdate()
    filters = Filters(
        departments=None, since=circular.month.replace(month=1, day=1), until=month_end(circular.month)
    )
    figures = dashboard_figures(filters, today=today)
    overdue_departments = [row for row in figures.departments if row.red]
    lights_chart = charts.stacked_bars(
        "各单位在办环节红黄灯",
        [
            (row.department.short_name, [(row.red, ""), (row.yellow, ""), (row.green, "")])
            for row in figures.departments[:25]
        ],
        [("红灯", "red"), ("黄灯", "yellow"), ("绿灯", "green")],
        width=560,
    )
    return {
        "circular": circular,
        "issuer": settings.NOTICE_ISSUER,
        "figures": figures,
        "totals": figures.totals,
        "overdue_departments": overdue_departments,
        "lights_chart": lights_chart,
        "as_of": today,
        "period_start": filters.since,
        "period_end": filters.until,
    }


def circular_render(*, circular_id):
    """Render a circular once and store it with its SHA-256. Returns True when this call stored it."""
    circular = Circular.objects.filter(pk=circular_id, pdf="").first()
    if circular is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("dashboard/circular_pdf.html", circular_context(circular))
    data = pdf_from_html(html)
    name = default_storage.save(
        circular.pdf.field.generate_filename(circular, f"circular-{circular.month:%Y%m}-{circular.pk}.pdf"),
        ContentFile(data),
    )
    stored = Circular.objects.filter(pk=circular.pk, pdf="").update(
        pdf=name, pdf_sha256=hashlib.sha256(data).hexdigest(), rendered_at=timezone.now()
    )
    if not stored:  # another worker finished first; keep its file
        default_storage.delete(name)
    return bool(stored)


@shared_task(name="dashboard.circular_render")
def circular_render_job(circular_id):
    return circular_render(circular_id=circular_id)


def circular_request(*, month, user):
    """On demand (the secretariat): a circular of ``month`` as of today, rendered by the worker."""
    with transaction.atomic():
        circular = Circular.objects.create(
            month=month.replace(day=1), origin=Circular.Origin.ON_DEMAND, requested_by=user
        )
        circular_render_job.delay_on_commit(circular.pk)
    return circular


def previous_month(day):
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def circular_monthly_issue(*, month, now=None):
    """The monthly circular of ``month``, created once and queued for the worker; None when it
    already exists."""
    try:
        with transaction.atomic():
            circular = Circular.objects.create(
                month=month, origin=Circular.Origin.MONTHLY, created_at=now or timezone.now()
            )
    except IntegrityError:
        return None
    circular_render_job.delay_on_commit(circular.pk)
    return circular


def circulars_due(*, now=None):
    """Create last month's circular on the first working day of a month and queue it; queue again
    those still unrendered after the retry timeout. Returns how many were queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    issued = 0
    if today == working_day_on_or_after(today.replace(day=1)):
        issued = circular_monthly_issue(month=previous_month(today), now=now) is not None
    stale = now - datetime.timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS)
    again = list(
        Circular.objects.filter(pdf="", created_at__lte=stale)
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    for pk in again:
        circular_render_job.delay_on_commit(pk)
    return issued + len(again)
