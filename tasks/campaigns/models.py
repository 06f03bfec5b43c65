import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from workflows.workdays.calendar import add_working_days, is_working_day, working_day_on_or_after

ONE_DAY = datetime.timedelta(days=1)
# The reminder goes out this long before the cut-off (15:00 for the default 16:00) on working days.
REMINDER_LEAD = datetime.timedelta(hours=1)
# Without a closing date, late reports are accepted this many working days after the window.
CLOSING_WORKING_DAYS = 3


class Campaign(models.Model):
    """信息报送 campaign: a window, host departments with activities, daily reports, summary tables.

    A host reports on every day of its activities. The report of a day is due at the cut-off of
    that day when it is a working day, otherwise at the cut-off of the next working day (nobody
    collects reports on a day off); 调休 make-up days are working days.
    """

    title = models.CharField(_("title"), max_length=200, unique=True)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    organiser = models.ForeignKey(
        Department,
        verbose_name=_("collecting department"),
        on_delete=models.PROTECT,
        related_name="campaigns_run",
    )
    participants = models.ManyToManyField(
        Department, verbose_name=_("reporting departments"), blank=True, related_name="campaigns"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    report_cutoff = models.TimeField(_("daily report cut-off"), default=datetime.time(16, 0))
    closes_on = models.DateField(
        _("reports accepted until"),
        null=True,
        blank=True,
        help_text=_(
            "Late reports and summary tables are accepted until the end of this day; if empty, "
            "until the third working day after the window."
        ),
    )
    summary_deadline = models.DateField(_("summary table deadline"), null=True, blank=True)
    summary_title = models.CharField(
        _("summary table title"),
        max_length=200,
        blank=True,
        help_text=_("The title row of the exported summary tables; the campaign title if empty."),
    )
    requirements = models.TextField(_("reporting requirements"), blank=True)

    class Meta:
        verbose_name = _("reporting campaign")
        verbose_name_plural = _("reporting campaigns")
        ordering = ["-starts_on", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:campaign_detail", args=[self.pk])

    def due_at(self, day):
        """When the report of ``day`` is due: the cut-off of that day, or of the next working day."""
        due_day = working_day_on_or_after(day)
        return timezone.make_aware(datetime.datetime.combine(due_day, self.report_cutoff))

    def last_reporting_day(self):
        return self.closes_on or add_working_days(self.ends_on, CLOSING_WORKING_DAYS)

    def is_closed(self, now=None):
        return timezone.localdate(now or timezone.now()) > self.last_reporting_day()

    def days(self):
        """Every day of the window and of its activities, in order (the matrix's columns)."""
        first, last = self.starts_on, self.ends_on
        for activity in self.activities.all():
            first, last = min(first, activity.starts_on), max(last, activity.ends_on)
        return [first + ONE_DAY * offset for offset in range((last - first).days + 1)]

    def report_days_due_on(self, due_day):
        """The report days whose reports are due on working day ``due_day`` (it and the days off
        before it)."""
        days = [due_day]
        day = due_day - ONE_DAY
        while not is_working_day(day):
            days.append(day)
            day -= ONE_DAY
        return sorted(days)

    def summary_heading(self):
        return self.summary_title or f"{self.title}情况汇总表"


class CampaignActivity(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="activities"
    )
    sequence = models.PositiveIntegerField(_("no."))
    name = models.CharField(_("activity"), max_length=300)
    hosts = models.ManyToManyField(
        Department, verbose_name=_("host departments"), related_name="hosted_activities"
    )
    co_hosts = models.ManyToManyField(
        Department, verbose_name=_("co-hosts"), blank=True, related_name="co_hosted_activities"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("content"), blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("campaign activity")
        verbose_name_plural = _("campaign activities")
        ordering = ["campaign", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "sequence"], name="unique_activity_sequence")
        ]

    def __str__(self):
        return self.name

    def takes_place_on(self, day):
        return self.starts_on <= day <= self.ends_on


class DailyReport(models.Model):
    """活动信息: one host's report of one day (or its 零报送)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="reports"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("host department"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("activity day"))
    is_nil = models.BooleanField(_("nil report (零报送)"), default=False)
    text = models.TextField(_("activity information"), blank=True)
    video_links = models.TextField(_("video links"), blank=True)
    leaders_attended = models.BooleanField(_("leaders attended"), default=False)
    leaders = models.CharField(_("leaders who attended"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("filed at"), default=timezone.now)
    is_late = models.BooleanField(_("late"), default=False)

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["campaign_id", "day", "department_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "department", "day"], name="unique_daily_report_per_host_day"
            )
        ]

    def __str__(self):
        return f"{self.department} {self.day:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("campaigns:report_detail", args=[self.pk])

    def video_link_list(self):
        return [line.strip() for line in self.video_links.splitlines() if line.strip()]


def _photo_path(photo, filename):
    return f"campaigns/photos/{timezone.localdate():%Y/%m}/{filename}"


class ReportPhoto(models.Model):
    """A photo of a daily report: the original as uploaded, a thumbnail and a print-size copy.

    A photo whose report is not filed yet (the form came back with an error) waits with
    ``report`` empty, kept for the user who uploaded it.
    """

    report = models.ForeignKey(
        DailyReport,
        verbose_name=_("daily report"),
        on_delete=models.CASCADE,
        related_name="photos",
        null=True,
        blank=True,
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    original = models.FileField(_("original"), upload_to=_photo_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    image_format = models.CharField(max_length=10)
    thumbnail = models.FileField(upload_to=_photo_path, max_length=200)
    print_copy = models.FileField(upload_to=_photo_path, max_length=200)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class CampaignBrief(models.Model):
    """活动周简报: the PDF of one day's reports, rendered by a worker at the day's cut-off."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="briefs"
    )
    day = models.DateField(_("activity day"))
    issue = models.PositiveIntegerField(_("issue"))
    created_at = models.DateTimeField(default=timezone.now)
    pdf = models.FileField(upload_to="campaigns/briefs/%Y/", blank=True, max_length=200)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    report_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily brief")
        verbose_name_plural = _("daily briefs")
        ordering = ["campaign_id", "day"]
        constraints = [models.UniqueConstraint(fields=["campaign", "day"], name="unique_brief_per_day")]

    def __str__(self):
        return f"{self.campaign} {self.day:%Y-%m-%d}"


class SummaryTable(models.Model):
    """情况汇总表: one table of a campaign's summary, with its official columns."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="summary_tables"
    )
    sequence = models.PositiveIntegerField(_("no."))
    title = models.CharField(_("title"), max_length=100)
    columns = models.JSONField(_("columns"), default=list)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("summary table")
        verbose_name_plural = _("summary tables")
        ordering = ["campaign", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "sequence"], name="unique_summary_table_sequence")
        ]

    def __str__(self):
        return self.title

    def entry_columns(self):
        """The columns a department fills in (序号 is numbered on export)."""
        return [column for column in self.columns if column != "序号"]


class SummaryRow(models.Model):
    """One department's row of a summary table; ``cells`` follow the table's entry columns."""

    table = models.ForeignKey(
        SummaryTable, verbose_name=_("summary table"), on_delete=models.CASCADE, related_name="rows"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    cells = models.JSONField(_("cells"), default=list)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        verbose_name = _("summary table row")
        verbose_name_plural = _("summary table rows")
        ordering = ["table_id", "department_id", "pk"]
        indexes = [models.Index(fields=["table", "department"])]

    def __str__(self):
        return " / ".join(str(cell) for cell in self.cells)
