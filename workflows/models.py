from dateutil.relativedelta import relativedelta
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
from viewflow.workflow.models import Process, Task

from accounts.models import Department


class Proposal(models.Model):
    """建议 (people's-congress deputies) or 提案 (CPPCC members) handled by departments."""

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", _("Suggestion (people's congress)")
        PROPOSAL = "proposal", _("Proposal (CPPCC)")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ASSIGNED = "assigned", _("Awaiting sign-for")
        HANDLING = "handling", _("Being handled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    session = models.CharField(_("session"), max_length=60)
    number = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    content = models.TextField(_("content"))
    is_public = models.BooleanField(_("to be disclosed"), default=True)
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("lead handler"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_proposals",
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name=_("co-handlers"), blank=True, related_name="co_handled_proposals"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    sign_for_deadline = models.DateField(_("sign-for deadline"), null=True, blank=True)
    signed_for_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    signed_for_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed for by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("suggestion or proposal")
        verbose_name_plural = _("suggestions and proposals")
        ordering = ["-registered_at"]
        permissions = [("handle_proposal", _("Handle the suggestion or proposal"))]
        constraints = [
            models.UniqueConstraint(fields=["kind", "session", "number"], name="unique_proposal_number")
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("desk:proposal_detail", args=[self.pk])

    def processes(self):
        from django.contrib.contenttypes.models import ContentType

        return ProposalProcess.objects.filter(
            artifact_content_type=ContentType.objects.get_for_model(Proposal),
            artifact_object_id=self.pk,
        )

    def tasks(self):
        from viewflow.workflow.models import Task

        return Task.objects.filter(process__in=self.processes())

    @property
    def proposer_title(self):
        """How letters address the proposer: 代表 for deputies, 委员 for CPPCC members."""
        return "代表" if self.kind == self.Kind.SUGGESTION else "委员"

    @property
    def full_title(self):
        """How notices and messages name it: 第277号建议《关于…的建议》."""
        kind = "建议" if self.kind == self.Kind.SUGGESTION else "提案"
        return f"第{self.number}号{kind}《{self.title}》"

    def extension_cap(self):
        """The latest date a deadline of this item may be extended to (months from assignment)."""
        if self.assigned_at is None:
            return None
        return timezone.localdate(self.assigned_at) + relativedelta(months=settings.PROPOSAL_MAX_MONTHS)

    def open_deadlines(self):
        return Deadline.objects.open().for_subject(self)


class Proposer(models.Model):
    """提案人: the lead proposer (领衔) and joint proposers (联名); each gets a reply."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="proposers")
    name = models.CharField(_("name"), max_length=50)
    is_lead = models.BooleanField(_("lead proposer"), default=True)
    organisation = models.CharField(_("work unit"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=20, blank=True)
    address = models.CharField(_("postal address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("proposer")
        verbose_name_plural = _("proposers")
        ordering = ["-is_lead", "pk"]

    def __str__(self):
        return self.name


class ProposalProcess(Process):
    """The viewflow process of one proposal; the proposal is the process artifact."""

    class Meta:
        proxy = True
        verbose_name = _("proposal handling")
        verbose_name_plural = _("proposal handling")

    @property
    def proposal(self):
        return self.artifact


class CalendarCorrection(models.Model):
    """节假日调整: the secretariat's correction of one day of the official calendar."""

    day = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), help_text=_("On for a make-up working day (调休), off for a day off.")
    )
    note = models.CharField(_("note"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar correction")
        verbose_name_plural = _("calendar corrections")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.note}"


class CalendarYear(models.Model):
    """A year whose official holiday arrangement the secretariat has entered in full."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class Light(models.TextChoices):
    """红黄灯: green on track, yellow near the deadline, red overdue."""

    GREEN = "green", _("On track")
    YELLOW = "yellow", _("Near deadline")
    RED = "red", _("Overdue")


class DeadlineQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def for_subject(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Deadline(models.Model):
    """期限: the deadline of one step of a flow (one viewflow task) and how far it has escalated.

    Opened with the step by the escalation ladder (``workflows.escalation.Ladder``), closed when the
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
        ]

    def __str__(self):
        return f"{self.step} {self.due:%Y-%m-%d}"

    @property
    def is_open(self):
        return self.closed_at is None

    @property
    def current_light(self):
        """Red as soon as the due date has passed, before the 催办 goes out."""
        if self.is_open and self.due < timezone.localdate():
            return Light.RED
        return self.light

    @property
    def is_extended(self):
        return self.due != self.original_due

    def validate_extension(self, requested_due, *, reason=None, pending_allowed=False):
        """Raise a ValidationError saying why this deadline cannot move to ``requested_due``."""
        from workflows.calendar import is_working_day

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
        from workflows.calendar import working_days_between

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
            )
        ]
        indexes = [models.Index(fields=["issued_at"], condition=Q(pdf=""), name="notice_pdf_pending_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"

    def get_absolute_url(self):
        return reverse("desk:notice_detail", args=[self.pk])

    @property
    def reference(self):
        """编号, e.g. 督〔2024〕17号: a letter for the kind, the year and the record number."""
        letter = {self.Kind.REMINDER: "提", self.Kind.URGING: "催", self.Kind.SUPERVISION: "督"}[self.kind]
        return f"{letter}〔{timezone.localtime(self.issued_at).year}〕{self.pk}号"


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


class Notification(models.Model):
    """通知: one message to one person over one channel; the row is the outbox entry that sends it.

    In-product messages are delivered by being stored. E-mail and SMS rows stay pending until a
    Celery task has handed them to the channel; the idempotency key is unique, so a message is
    queued once, and it travels with the message (Message-ID, gateway request id).
    """

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In the product")
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Topic(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        URGING = "urging", _("Urging")
        SUPERVISION = "supervision", _("Supervision")
        DIGEST = "digest", _("Morning digest")
        EXTENSION = "extension", _("Extension")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    address = models.CharField(_("address"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(channel="in_app"),
                name="notification_inbox_idx",
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(channel="in_app", read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(
                fields=["created_at"], condition=Q(status="pending"), name="notification_pending_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient}: {self.subject}"

    @property
    def is_unread(self):
        return self.read_at is None
