from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Department


class Campaign(models.Model):
    """信息报送 campaign: a window, host departments with activities, daily reports, summary tables."""

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
    report_cutoff = models.TimeField(_("daily report cut-off"), default="16:00")
    summary_deadline = models.DateField(_("summary table deadline"), null=True, blank=True)
    requirements = models.TextField(_("reporting requirements"), blank=True)

    class Meta:
        verbose_name = _("reporting campaign")
        verbose_name_plural = _("reporting campaigns")

    def __str__(self):
        return self.title


class CampaignActivity(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="activities"
    )
    sequence = models.PositiveIntegerField(_("no."))
    name = models.CharField(_("activity"), max_length=300)
    hosts = models.ManyToManyField(
        Department, verbose_name=_("host departments"), related_name="hosted_activities"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("content"), blank=True)

    class Meta:
        verbose_name = _("campaign activity")
        verbose_name_plural = _("campaign activities")
        ordering = ["campaign", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "sequence"], name="unique_activity_sequence")
        ]

    def __str__(self):
        return self.name


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
