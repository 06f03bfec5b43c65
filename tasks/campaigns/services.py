"""Writes of the reporting campaigns: set-up, daily reports, reminders, briefs and summary rows."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditEvent, User
from tasks.campaigns.models import (
    REMINDER_LEAD,
    Campaign,
    CampaignActivity,
    CampaignBrief,
    DailyReport,
    ReportPhoto,
    SummaryRow,
)
from workflows.documents.dates import chinese_date
from workflows.notifications.models import Notification
from workflows.notifications.outbox import message_rows, notifications_store
from workflows.workdays.calendar import is_working_day

PARTICIPANTS_COLUMN = "参加人数"


@transaction.atomic
def campaign_create(*, actor, participants=(), **fields):
    campaign = Campaign.objects.create(**fields)
    campaign.participants.set(participants)
    audit_record(
        action=AuditEvent.Action.REGISTER,
        summary=f"创建信息报送活动：{campaign.title}",
        actor=actor,
        obj=campaign,
        department=campaign.organiser,
    )
    return campaign


@transaction.atomic
def activity_add(*, campaign, hosts, co_hosts=(), sequence=None, actor=None, **fields):
    if sequence is None:
        sequence = (campaign.activities.aggregate(last=Max("sequence"))["last"] or 0) + 1
    activity = CampaignActivity.objects.create(campaign=campaign, sequence=sequence, **fields)
    activity.hosts.set(hosts)
    activity.co_hosts.set(co_hosts)
    return activity


# a report day's cut-off falls at most this long after it (the longest run of days off)
RECENT = datetime.timedelta(days=14)


def campaign_check_open(campaign, now=None):
    """Refuse work on a closed campaign with a message for the form."""
    if campaign.is_closed(now):
        raise ValidationError(
            _("The campaign closed on %(day)s; reports are no longer accepted.")
            % {"day": chinese_date(campaign.last_reporting_day())},
            code="closed",
        )


def summary_cells_clean(table, values):
    """The cells of one summary row from the values typed or imported (one per entry column).

    The first column (the name) is required; 参加人数 is a whole number. Raises ValidationError
    with every problem of the row."""
    columns = table.entry_columns()
    cells, errors = [], []
    for column, value in zip(columns, values, strict=True):
        value = "" if value is None else str(value).strip()
        if column == PARTICIPANTS_COLUMN and value:
            number = value.replace(",", "").replace("，", "")
            if number.endswith("人"):
                number = number[:-1]
            if not number.isdigit() or not number.isascii():
                errors.append(
                    _("%(column)s must be a whole number of people, not “%(value)s”.")
                    % {"column": column, "value": value}
                )
            else:
                value = int(number)
        cells.append(value)
    if not cells[0]:
        errors.insert(0, _("%(column)s is empty.") % {"column": columns[0]})
    if errors:
        raise ValidationError(errors)
    return cells


def host_days(campaign, department_id):
    """The days on which ``department_id`` hosts an activity of the campaign."""
    days = set()
    for starts_on, ends_on in CampaignActivity.objects.filter(
        campaign=campaign, hosts=department_id
    ).values_list("starts_on", "ends_on"):
        days.update(starts_on + datetime.timedelta(days=n) for n in range((ends_on - starts_on).days + 1))
    return days


def reports_due_today(user, now=None):
    """(campaign, day) pairs the user's department still has to report, due by today's cut-off
    (the desk shows them)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if user.department_id is None or not is_working_day(today):
        return []
    due = []
    activities = (
        CampaignActivity.objects.filter(
            hosts=user.department_id, ends_on__gte=today - datetime.timedelta(days=14)
        )
        .filter(starts_on__lte=today)
        .select_related("campaign")
    )
    by_campaign = {}
    for activity in activities:
        by_campaign.setdefault(activity.campaign, []).append(activity)
    for campaign, hosted in by_campaign.items():
        if campaign.is_closed(now):
            continue
        days = [
            day
            for day in campaign.report_days_due_on(today)
            if any(activity.takes_place_on(day) for activity in hosted)
        ]
        filed = set(
            DailyReport.objects.filter(
                campaign=campaign, department_id=user.department_id, day__in=days
            ).values_list("day", flat=True)
        )
        due += [(campaign, day) for day in days if day not in filed]
    return due


@transaction.atomic
def daily_report_file(
    *,
    campaign,
    department,
    day,
    user,
    is_nil=False,
    text="",
    video_links="",
    leaders_attended=False,
    leaders="",
    photo_ids=(),
):
    """File one host's report of one day; a report after the cut-off is marked late.

    Raises ValidationError (in Chinese, for the form) when the campaign is closed, the department
    hosts nothing that day, or the day is reported already.
    """
    now = timezone.now()
    campaign_check_open(campaign, now)
    if day not in host_days(campaign, department.pk):
        raise ValidationError(
            _("%(department)s hosts no activity of this campaign on %(day)s.")
            % {"department": department, "day": chinese_date(day)},
            code="no_activity",
        )
    if day > timezone.localdate(now):
        raise ValidationError(_("A day's report can be filed from that day on."), code="future")
    photos = list(
        ReportPhoto.objects.select_for_update().filter(
            pk__in=photo_ids, uploaded_by=user, report__isnull=True
        )
    )
    if is_nil and (text.strip() or photos or video_links.strip()):
        raise ValidationError(
            _("A nil report (零报送) has no information, photos or videos; untick it or remove them."),
            code="nil_with_content",
        )
    if not is_nil and not text.strip():
        raise ValidationError(_("Write the activity information, or tick the nil report."), code="empty")
    try:
        with transaction.atomic():
            report = DailyReport.objects.create(
                campaign=campaign,
                department=department,
                day=day,
                is_nil=is_nil,
                text=text,
                video_links=video_links,
                leaders_attended=leaders_attended,
                leaders=leaders if leaders_attended else "",
                submitted_by=user,
                submitted_at=now,
                is_late=now > campaign.due_at(day),
            )
    except IntegrityError:
        raise ValidationError(
            _("%(department)s has already reported %(day)s.")
            % {"department": department, "day": chinese_date(day)},
            code="duplicate",
        ) from None
    ReportPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).update(report=report)
    audit_record(
        action=AuditEvent.Action.SUBMIT,
        summary=f"{department}报送{chinese_date(day)}活动信息"
        + ("（零报送）" if is_nil else "")
        + ("（迟报）" if report.is_late else ""),
        actor=user,
        obj=report,
        department=department,
    )
    return report


def _reminder_due(campaign, now):
    """Whether ``now`` falls in the reminder hour before the campaign's cut-off today."""
    cutoff = timezone.make_aware(datetime.datetime.combine(timezone.localdate(now), campaign.report_cutoff))
    return cutoff - REMINDER_LEAD <= now < cutoff


def reminders_send(*, now=None):
    """提醒报送: in the hour before the cut-off of a working day (15:00 for 16:00), tell each host
    that has not reported a day due today. Idempotent: the message key holds the campaign, the
    department and the date, so a second run sends nothing new. Returns how many departments
    were reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not is_working_day(today):
        return 0
    rows, reminded = [], 0
    with translation.override(settings.LANGUAGE_CODE):
        for campaign in Campaign.objects.filter(
            activities__starts_on__lte=today, activities__ends_on__gte=today - RECENT
        ).distinct():
            if campaign.is_closed(now) or not _reminder_due(campaign, now):
                continue
            days = campaign.report_days_due_on(today)
            expected = {}
            for activity in campaign.activities.filter(
                starts_on__lte=days[-1], ends_on__gte=days[0]
            ).prefetch_related("hosts"):
                for host in activity.hosts.all():
                    expected.setdefault(host, set()).update(
                        day for day in days if activity.takes_place_on(day)
                    )
            filed = set(
                DailyReport.objects.filter(campaign=campaign, day__in=days).values_list(
                    "department_id", "day"
                )
            )
            url = reverse("campaigns:campaign_detail", args=[campaign.pk])
            prefix = f"campaign-reminder:{campaign.pk}:"
            already = {
                int(key[len(prefix) :].split(":")[0])
                for key in Notification.objects.filter(
                    idempotency_key__startswith=prefix, idempotency_key__contains=f":{today.isoformat()}:"
                ).values_list("idempotency_key", flat=True)
            }
            for host, host_days_due in sorted(expected.items(), key=lambda item: item[0].code):
                missing = sorted(day for day in host_days_due if (host.pk, day) not in filed)
                if not missing or host.pk in already:
                    continue
                reminded += 1
                subject = f"【报送提醒】请于今天{campaign.report_cutoff:%H:%M}前报送活动信息"
                body = (
                    f"{host}：《{campaign.title}》"
                    f"{'、'.join(chinese_date(day) for day in missing)}的活动信息尚未报送，"
                    f"请于{chinese_date(today)}{campaign.report_cutoff:%H:%M}前报送{campaign.organiser}"
                    "（无活动信息的请零报送），逾期将记为迟报。"
                )
                for user in User.objects.filter(department=host, is_active=True).order_by("pk"):
                    rows += message_rows(
                        user=user,
                        topic=Notification.Topic.REMINDER,
                        subject=subject,
                        body=body,
                        url=url,
                        key=f"campaign-reminder:{campaign.pk}:{host.pk}:{today.isoformat()}",
                        sms=f"{subject}（{campaign.organiser}）",
                    )
    notifications_store(rows, ignore_conflicts=True)
    return reminded


def brief_days(campaign):
    """The activity days of a campaign, in order: each gets a brief (its issue is its place here)."""
    days = set()
    for activity in campaign.activities.all():
        days.update(
            activity.starts_on + datetime.timedelta(days=n)
            for n in range((activity.ends_on - activity.starts_on).days + 1)
        )
    return sorted(days)


def briefs_create(*, campaign, now=None):
    """Create the brief rows of every activity day whose cut-off has passed (once each); returns
    the new rows, to be rendered by a worker."""
    now = now or timezone.now()
    existing = set(campaign.briefs.values_list("day", flat=True))
    created = []
    for issue, day in enumerate(brief_days(campaign), start=1):
        if day in existing or campaign.due_at(day) > now:
            continue
        brief, made = CampaignBrief.objects.get_or_create(
            campaign=campaign, day=day, defaults={"issue": issue}
        )
        if made:
            created.append(brief)
    return created


@transaction.atomic
def summary_row_add(*, table, department, cells, user):
    campaign_check_open(table.campaign)
    return SummaryRow.objects.create(table=table, department=department, cells=cells, entered_by=user)


@transaction.atomic
def summary_rows_replace(*, campaign, department, rows_by_table, user):
    """Replace the department's rows of each table given (an import); other tables are kept."""
    campaign_check_open(campaign)
    for table, rows in rows_by_table.items():
        SummaryRow.objects.filter(table=table, department=department).delete()
        SummaryRow.objects.bulk_create(
            [SummaryRow(table=table, department=department, cells=cells, entered_by=user) for cells in rows]
        )
    audit_record(
        action=AuditEvent.Action.SUBMIT,
        summary=f"{department}导入情况汇总表（{sum(len(rows) for rows in rows_by_table.values())}行）",
        actor=user,
        obj=campaign,
        department=department,
    )
