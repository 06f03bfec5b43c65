import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task

from accounts.models import Department
from workflows.escalation.models import Deadline


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
    # 涉及单位: the departments leading or cooperating on an assigned duty of the table, so a
    # department's tables are found without reading its duties (kept by tasks/duties/holders.py)
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments concerned"), blank=True, editable=False, related_name="+"
    )

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
    leader_confirmation = models.BooleanField(
        _("leader confirms completion"),
        default=False,
        help_text=_("After the secretariat accepts the completion report, a leader confirms it."),
    )
    sign_for_deadline = models.DateField(_("sign-for deadline"), null=True, blank=True, editable=False)
    signed_for_at = models.DateTimeField(_("signed for at"), null=True, blank=True, editable=False)
    signed_for_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed for by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)
    # the steps' deadlines, for the dashboard's joins (no column: Deadline holds the subject)
    deadlines = GenericRelation(Deadline, related_query_name="duty")

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["table", "sequence"]
        permissions = [
            ("handle_duty", _("Handle the duty")),
            ("sign_off_duty", _("Sign off the duty's reports as department head")),
            ("review_duty", _("Review the duty's reports for the secretariat")),
            ("confirm_duty", _("Confirm the duty's completion as leader")),
        ]
        constraints = [models.UniqueConstraint(fields=["table", "sequence"], name="unique_duty_sequence")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("duties:duty_detail", args=[self.pk])

    @property
    def full_title(self):
        """How notices and messages name it: 重点任务第3项《…》."""
        return f"重点任务第{self.sequence}项《{self.title}》"

    @property
    def is_open(self):
        return self.status not in (self.Status.DRAFT, self.Status.DONE)

    def processes(self):
        return Process.objects.filter(
            artifact_content_type=ContentType.objects.get_for_model(Duty), artifact_object_id=self.pk
        )

    def tasks(self):
        return Task.objects.filter(process__in=self.processes())

    def inputs_pending(self):
        """The cooperating departments' inputs (配合意见) not yet given."""
        return self.cooperation_inputs.filter(submitted_at__isnull=True)


class ReassignmentRequest(models.Model):
    """申请调整: the lead department asks, with a reason, to be relieved; the secretariat decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="reassignment_requests")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    suggested_lead = models.CharField(_("suggested lead department"), max_length=100, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("reassignment request")
        verbose_name_plural = _("reassignment requests")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["duty"], condition=Q(status="pending"), name="one_pending_reassignment_per_duty"
            )
        ]

    def __str__(self):
        return f"{self.department}：{self.reason[:30]}"


class CooperationInput(models.Model):
    """配合意见: one cooperating department's input to the lead department, by its own deadline."""

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="cooperation_inputs")
    department = models.ForeignKey(
        Department, verbose_name=_("cooperating department"), on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField(_("deadline"))
    content = models.TextField(_("input"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("cooperating department's input")
        verbose_name_plural = _("cooperating departments' inputs")
        ordering = ["department__code"]
        permissions = [("give_input", _("Give the cooperating department's input"))]
        constraints = [
            models.UniqueConstraint(fields=["duty", "department"], name="unique_cooperation_input")
        ]

    def __str__(self):
        return f"{self.department}：{self.duty}"


class ProgressReport(models.Model):
    """进展报告 for one period of the duty's cycle, or its 办结报告 (completion report).

    Written by the lead department, signed off by its head (单位负责人审核), then reviewed by the
    secretariat; either may return it, and the lead revises the same report.
    """

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Progress report")
        COMPLETION = "completion", _("Completion report")

    class Status(models.TextChoices):
        OPEN = "open", _("To be written")
        SUBMITTED = "submitted", _("Awaiting the head's sign-off")
        SIGNED_OFF = "signed_off", _("Awaiting the secretariat's review")
        RETURNED = "returned", _("Returned for revision")
        ACCEPTED = "accepted", _("Accepted")

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROGRESS)
    period_label = models.CharField(_("period"), max_length=40, blank=True)
    period_start = models.DateField(_("period starts"), null=True, blank=True)
    period_end = models.DateField(_("period ends"), null=True, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    progress = models.TextField(_("progress"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    percentage = models.PositiveSmallIntegerField(
        _("percentage done"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    head_decision = models.CharField(
        _("head's decision"), max_length=20, choices=Decision.choices, blank=True
    )
    head_comment = models.TextField(_("head's comment"), blank=True)
    head_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    head_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    decision = models.CharField(
        _("secretariat's decision"), max_length=20, choices=Decision.choices, blank=True
    )
    decision_note = models.TextField(_("secretariat's note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["duty", "period_start", "pk"]
        constraints = [
            # the cycle job opens each period once, however often it runs
            models.UniqueConstraint(
                fields=["duty", "period_start"], condition=Q(kind="progress"), name="one_report_per_period"
            ),
            models.UniqueConstraint(
                fields=["duty"], condition=Q(kind="completion"), name="one_completion_report"
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.COMPLETION:
            return f"{self.duty.full_title}办结报告"
        return f"{self.duty.full_title}{self.period_label}进展报告"

    def get_absolute_url(self):
        return f"{self.duty.get_absolute_url()}#report-{self.pk}"

    @property
    def title(self):
        if self.kind == self.Kind.COMPLETION:
            return _("Completion report")
        return self.period_label


def _attachment_path(attachment, filename):
    """A name we choose (the type read from the content): the uploaded name is only shown."""
    day = timezone.localdate()
    return f"duties/{day:%Y/%m}/{uuid.uuid4().hex}.{attachment.kind}"


class Attachment(models.Model):
    """An attachment of a report or of a cooperating department's input; downloaded only through
    the duty's access check."""

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="attachments")
    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    cooperation_input = models.ForeignKey(
        CooperationInput, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    kind = models.CharField(_("file type"), max_length=10)
    file = models.FileField(_("file"), upload_to=_attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("duties:attachment_download", args=[self.pk])


class DutyProcess(Process):
    """The viewflow process of one duty's supervision or of one of its reports: the duty is the
    process artifact (so one scope serves both), a report process has the report as its seed."""

    class Meta:
        proxy = True
        verbose_name = _("duty supervision")
        verbose_name_plural = _("duty supervision")

    @property
    def duty(self):
        return self.artifact

    @property
    def report(self):
        return self.seed
