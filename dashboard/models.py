import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Circular(models.Model):
    """月度通报: progress, overdue departments and rates of one month, as a PDF rendered once by a
    worker (on the first working day of the next month, or on demand) and kept with its SHA-256."""

    class Origin(models.TextChoices):
        MONTHLY = "monthly", _("Monthly, by the worker")
        ON_DEMAND = "on_demand", _("On demand")

    month = models.DateField(_("month"), help_text=_("The first day of the month it reports on."))
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices, default=Origin.MONTHLY)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    pdf = models.FileField(upload_to="circulars/%Y/", blank=True, max_length=200)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("monthly circular")
        verbose_name_plural = _("monthly circulars")
        ordering = ["-month", "-created_at", "-pk"]
        constraints = [
            # the worker issues one per month, however often beat runs it
            models.UniqueConstraint(
                fields=["month"], condition=Q(origin="monthly"), name="one_monthly_circular"
            )
        ]

    def __str__(self):
        return f"{self.month:%Y年%-m月}通报"

    def get_absolute_url(self):
        return reverse("dashboard:circular_pdf", args=[self.pk])


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A user's calendar feed (iCalendar): the secret token is shown once; only its digest is kept,
    and revoking the feed refuses the URL from then on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="one_live_feed_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d}"

    @property
    def is_live(self):
        return self.revoked_at is None

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(32)
