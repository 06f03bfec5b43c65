from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task

from accounts.models import Department
from workflows.workdays.calendar import is_working_day, working_days_between


class Light(models.TextChoices):
    """红黄灯: green on track, yellow near the deadline, red overdue."""

    GREEN = "green", _("On track")
    YELLOW = "yellow", _("Near deadline")
    RED = "red", _("Overdue")
    LATE = "late", _("Finished late")  # 逾期办结: done, but after the deadline


LIGHT_SEVERITY = {Light.GREEN: 0, Light.LATE: 1, Light.YELLOW: 2, Light.RED: 3}


class DeadlineQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def for_subject(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Deadline(models.Model):
    """期限: the deadline of one step of a flow (one viewflow task) and how far it has escalated.

    Opened with the step by the escalation ladder (``workflows.escalation.node.Ladder``), closed when the
    step is done. An approved extension moves ``due`` and starts a new round of the ladder; the
    original date stays on record. The escalation steps set the light that lists show.
    """

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="deadline")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    original_due = models.DateField(_("original deadline"))
    due = models.DateField(_("deadline"))
    cap = models.DateField(_("latest date an extension may reach"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(
        _("round"), default=0, help_text=_("Counts approved extensions.")
    )
    light = models.CharField(_("light"), max_length=10, choices=Light.choices, default=Light.GREEN)
    # copied from the subject when the step opens (a duty's table never changes its joint meeting) so
    # that counting open steps per joint meeting reads this table alone, not every duty as well
    meeting_id = models.PositiveBigIntegerField(
        _("joint meeting"), null=True, blank=True, help_text=_("The joint meeting of a duty's step.")
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="deadline_subject_idx"),
            models.Index(
                fields=["department", "due"], condition=Q(closed_at__isnull=True), name="deadline_open_idx"
            ),
            # the longest overdue open steps first, whatever their department (the dashboard's list)
            models.Index(
                fields=["due", "id"], condition=Q(closed_at__isnull=True), name="deadline_open_due_idx"
            ),
            models.Index(
                fields=["meeting_id", "due"],
                condition=Q(closed_at__isnull=True, meeting_id__isnull=False),
                name="deadline_open_meeting_idx",
            ),
        ]

    def __str__(self):
        return f"{self.department} {self.due:%Y-%m-%d}"

    @property
    def is_open(self):
        return self.closed_at is None

    @property
    def finished_late(self):
        return not self.is_open and timezone.localdate(self.closed_at) > self.due

    @property
    def current_light(self):
        """Red as soon as the due date has passed, before the 催办 goes out; once done, green,
        or 逾期办结 when it was done after the deadline."""
        return self.light_on(timezone.localdate())

    def light_on(self, today):
        """``current_light`` with today's date given: a list asks the date once, not per row."""
        if self.is_open:
            return Light.RED if self.due < today else self.light
        return Light.LATE if self.finished_late else Light.GREEN

    @property
    def is_extended(self):
        return self.due != self.original_due

    def validate_extension(self, requested_due, *, reason=None, pending_allowed=False):
        """Raise a ValidationError saying why this deadline cannot move to ``requested_due``."""
        if self.closed_at is not None:
            raise ValidationError(_("This step is done; its deadline can no longer be extended."))
        if not pending_allowed and self.extensions.filter(status=Extension.Status.PENDING).exists():
            raise ValidationError(_("An extension request for this deadline is already awaiting a decision."))
        errors = {}
        if requested_due <= self.due:
            errors["requested_due"] = _("The new deadline must be later than the current one (%(due)s).") % {
                "due": date_format(self.due)
            }
        elif self.cap is not None and requested_due > self.cap:
            errors["requested_due"] = _(
                "The new deadline cannot be later than %(cap)s, the longest the rules allow."
            ) % {"cap": date_format(self.cap)}
        elif not is_working_day(requested_due):
            errors["requested_due"] = _("The new deadline must be a working day.")
        if reason is not None and not reason.strip():
            errors["reason"] = _("Give the reason for the extension.")
        if errors:
            raise ValidationError(errors)

    def days_overdue(self, today=None):
        """Working days past the deadline (0 while it has not passed)."""
        return working_days_between(self.due, today or timezone.localdate())


class Notice(models.Model):
    """提醒单 / 催办单 / 督办单: one escalation step of one deadline, issued exactly once.

    What it says is fixed when it is issued; its PDF is rendered once, afterwards, by a Celery task
    and never re-rendered (the SHA-256 of the stored file is kept).
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder notice")
        URGING = "urging", _("Urging notice")
        SUPERVISION = "supervision", _("Supervision notice")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="notices")
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sequence = models.PositiveSmallIntegerField(
        _("repeat"), default=0, help_text=_("0 for the first notice, then one more for each weekly repeat.")
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    year = models.PositiveSmallIntegerField(_("year of issue"))
    number = models.PositiveIntegerField(_("number"), help_text=_("One series per kind and year, from 1."))
    due = models.DateField(_("deadline"))
    days_overdue = models.PositiveSmallIntegerField(_("working days overdue"), default=0)
    subject_title = models.CharField(_("item"), max_length=400)
    step = models.CharField(_("step"), max_length=100)
    department_name = models.CharField(_("responsible department"), max_length=100)
    issuer = models.CharField(_("issuing office"), max_length=100)
    pdf = models.FileField(_("PDF"), upload_to="notices/%Y/%m/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    pdf_rendered_at = models.DateTimeField(_("PDF rendered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("escalation notice")
        verbose_name_plural = _("escalation notices")
        ordering = ["issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "round", "kind", "sequence"], name="unique_notice_step"
            ),
            models.UniqueConstraint(fields=["kind", "year", "number"], name="unique_notice_number"),
        ]
        indexes = [models.Index(fields=["issued_at"], condition=Q(pdf=""), name="notice_pdf_pending_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"

    def get_absolute_url(self):
        return reverse("desk:notice_detail", args=[self.pk])

    @property
    def series(self):
        """The letter of the kind's number series: 提, 催 or 督."""
        return {self.Kind.REMINDER: "提", self.Kind.URGING: "催", self.Kind.SUPERVISION: "督"}[self.kind]

    @property
    def reference(self):
        """编号, e.g. 督〔2024〕17号: the kind's letter, the year and the number in that series."""
        return f"{self.series}〔{self.year}〕{self.number}号"


class Extension(models.Model):
    """延期申请: the responsible department asks to move a deadline; the secretariat decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="extensions")
    previous_due = models.DateField(_("deadline before"))
    requested_due = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline"], condition=Q(status="pending"), name="one_pending_extension_per_deadline"
            )
        ]

    def __str__(self):
        return f"{self.deadline} → {self.requested_due:%Y-%m-%d}"
