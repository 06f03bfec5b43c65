from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Department


class JointMeeting(models.Model):
    """联席会议: a convener, an office department (the secretariat) and member departments."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60)
    convener = models.CharField(
        _("convener"), max_length=100, blank=True, help_text=_("e.g. the vice mayor in charge")
    )
    office = models.ForeignKey(
        Department,
        verbose_name=_("office department"),
        on_delete=models.PROTECT,
        related_name="meetings_run",
    )
    members = models.ManyToManyField(
        Department, verbose_name=_("member departments"), related_name="meetings"
    )
    basis = models.CharField(_("founding document"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")

    def __str__(self):
        return self.short_name


class DutyTable(models.Model):
    """重点任务分解表 / 责任分工表."""

    meeting = models.ForeignKey(
        JointMeeting, verbose_name=_("joint meeting"), on_delete=models.PROTECT, related_name="duty_tables"
    )
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(
        _("issuing document number"), max_length=200, blank=True, help_text=_("e.g. 通政发〔2015〕37号")
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)

    class Meta:
        verbose_name = _("duty table")
        verbose_name_plural = _("duty tables")
        constraints = [models.UniqueConstraint(fields=["meeting", "title"], name="unique_duty_table_title")]

    def __str__(self):
        return self.title


class Duty(models.Model):
    """重点任务: one line of a duty table, led by one department."""

    class Cycle(models.TextChoices):
        """How often the lead reports progress (报送周期); ONCE means only the completion report."""

        ONCE = "once", _("Once")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        HALF_YEARLY = "half_yearly", _("Half-yearly")
        YEARLY = "yearly", _("Yearly")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not yet assigned")  # imported or created, 交办 pending
        ASSIGNED = "assigned", _("Awaiting sign-for")
        IN_PROGRESS = "in_progress", _("In progress")
        REVIEW = "review", _("Under review")
        RETURNED = "returned", _("Returned")
        DONE = "done", _("Completed")

    table = models.ForeignKey(
        DutyTable, verbose_name=_("duty table"), on_delete=models.CASCADE, related_name="duties"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True, editable=False)
    sequence = models.PositiveIntegerField(_("no."))
    title = models.CharField(_("duty"), max_length=300)
    measures = models.TextField(_("measures"), blank=True)
    lead_leader = models.CharField(_("leader in charge"), max_length=100, blank=True)
    lead = models.ForeignKey(
        Department, verbose_name=_("lead department"), on_delete=models.PROTECT, related_name="led_duties"
    )
    cooperating = models.ManyToManyField(
        Department,
        verbose_name=_("cooperating departments"),
        blank=True,
        related_name="cooperating_duties",
    )
    deadline = models.DateField(
        _("deadline"), null=True, blank=True, help_text=_("Empty for duties without a fixed end (长期坚持)")
    )
    deadline_text = models.CharField(
        _("deadline as written"), max_length=100, blank=True, help_text=_("e.g. 2018年10月底, 每季度末")
    )
    cycle = models.CharField(_("reporting cycle"), max_length=20, choices=Cycle.choices, default=Cycle.ONCE)
    report_day = models.PositiveSmallIntegerField(
        _("report due day"),
        null=True,
        blank=True,
        help_text=_("Day of the month a monthly report is due (每月28日前); empty: the end of the period"),
    )

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["table", "sequence"]
        permissions = [("handle_duty", _("Handle the duty"))]
        constraints = [models.UniqueConstraint(fields=["table", "sequence"], name="unique_duty_sequence")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("duties:duty_detail", args=[self.pk])
