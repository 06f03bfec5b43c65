"""活动周简报: the PDF of one day's reports, rendered once by a worker after the day's cut-off."""

import base64
import datetime
import hashlib

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tasks.campaigns import services
from tasks.campaigns.models import Campaign, CampaignBrief, DailyReport
from workflows.documents.pdf import pdf_from_html

SWEEP_LIMIT = 200


def _data_url(field):
    with field.open("rb") as file:
        return "data:image/jpeg;base64," + base64.b64encode(file.read()).decode("ascii")


def brief_context(brief):
    campaign, day = brief.campaign, brief.day
    reports = list(
        DailyReport.objects.filter(campaign=campaign, day=day)
        .select_related("department")
        .prefetch_related("photos")
        .order_by("is_nil", "department__code")
    )
    activities = list(
        campaign.activities.filter(starts_on__lte=day, ends_on__gte=day).prefetch_related("hosts")
    )
    hosts = {host for activity in activities for host in activity.hosts.all()}
    activities_of = {host.pk: [a.name for a in activities if host in a.hosts.all()] for host in hosts}
    reported = {report.department_id for report in reports}
    for report in reports:
        report.activity_names = activities_of.get(report.department_id, [])
        report.photo_urls = [_data_url(photo.print_copy) for photo in report.photos.all()]
    return {
        "brief": brief,
        "campaign": campaign,
        "reports": [report for report in reports if not report.is_nil],
        "nil_reports": [report for report in reports if report.is_nil],
        "missing": sorted((host for host in hosts if host.pk not in reported), key=lambda host: host.code),
    }


def brief_render(*, brief_id):
    """Render a brief's PDF once and store it with its SHA-256. Returns True when this call stored it."""
    brief = CampaignBrief.objects.filter(pk=brief_id, pdf="").select_related("campaign__organiser").first()
    if brief is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = brief_context(brief)
        html = render_to_string("campaigns/brief_pdf.html", context)
    data = pdf_from_html(html)
    name = default_storage.save(
        brief.pdf.field.generate_filename(brief, f"brief-{brief.campaign_id}-{brief.day:%Y%m%d}.pdf"),
        ContentFile(data),
    )
    stored = CampaignBrief.objects.filter(pk=brief.pk, pdf="").update(
        pdf=name,
        pdf_sha256=hashlib.sha256(data).hexdigest(),
        rendered_at=timezone.now(),
        report_count=len(context["reports"]) + len(context["nil_reports"]),
    )
    if not stored:  # another worker finished first; keep its file
        default_storage.delete(name)
    return bool(stored)


@shared_task(name="campaigns.brief_render")
def brief_render_job(brief_id):
    return brief_render(brief_id=brief_id)


def briefs_due(*, now=None):
    """Create the briefs whose cut-off has passed in every open campaign and queue their
    rendering; queue again those still unrendered after the retry timeout. Returns how many
    were queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    queued = []
    campaigns = Campaign.objects.filter(activities__starts_on__lte=today).distinct()
    for campaign in campaigns.prefetch_related("activities"):
        if campaign.is_closed(now):
            continue
        queued += [brief.pk for brief in services.briefs_create(campaign=campaign, now=now)]
    stale = now - datetime.timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS)
    queued += list(
        CampaignBrief.objects.filter(pdf="", created_at__lte=stale)
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    for pk in queued:
        brief_render_job.delay_on_commit(pk)
    return len(queued)
