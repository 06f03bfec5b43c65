from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task

from accounts.models import Department
from workflows.escalation.models import Deadline


class Proposal(models.Model):
    """建议 (people's-congress deputies) or 提案 (CPPCC members) handled by departments."""

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", _("Suggestion (people's congress)")
        PROPOSAL = "proposal", _("Proposal (CPPCC)")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ASSIGNED = "assigned", _("Awaiting sign-for")
        HANDLING = "handling", _("Being handled")
        REPLIED = "replied", _("Replied")
        REHANDLING = "rehandling", _("Being handled again")
        CLOSED = "closed", _("Closed")

    class Mode(models.TextChoices):
        """主办/协办: one lead replies, co-handlers send it their opinions. 分办: every unit
        (the lead department and the others) replies for its own part; no opinions."""

        LEAD = "lead", _("Lead handler with co-handlers")
        SPLIT = "split", _("Split handling")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    session = models.CharField(_("session"), max_length=60, help_text=_("届次, e.g. 十六届"))
    sitting = models.CharField(_("sitting"), max_length=60, blank=True, help_text=_("会次, e.g. 一次会议"))
    number = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    content = models.TextField(_("content"))
    received_on = models.DateField(_("date received"), null=True, blank=True)
    is_public = models.BooleanField(_("to be disclosed"), default=True)
    mode = models.CharField(_("handling"), max_length=10, choices=Mode.choices, default=Mode.LEAD)
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
            models.UniqueConstraint(
                fields=["kind", "session", "sitting", "number"], name="unique_proposal_number"
            )
        ]
        # the list's default order, served page by page without sorting the whole table
        indexes = [models.Index(fields=["-registered_at", "-id"], name="proposal_registered_idx")]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("proposals:proposal_detail", args=[self.pk])

    def processes(self):
        return ProposalProcess.objects.filter(
            artifact_content_type=ContentType.objects.get_for_model(Proposal),
            artifact_object_id=self.pk,
        )

    def tasks(self):
        return Task.objects.filter(process__in=self.processes())

    @property
    def proposer_title(self):
        """How letters address the proposer: 代表 for deputies, 委员 for CPPCC members."""
        return "代表" if self.kind == self.Kind.SUGGESTION else "委员"

    @property
    def kind_word(self):
        """建议 for deputies' suggestions, 提案 for CPPCC members' proposals."""
        return "建议" if self.kind == self.Kind.SUGGESTION else "提案"

    @property
    def full_title(self):
        """How notices and messages name it: 第277号建议《关于…的建议》."""
        return f"第{self.number}号{self.kind_word}《{self.title}》"

    @property
    def session_label(self):
        """届次 and 会次 as printed: 十六届一次会议."""
        return f"{self.session}{self.sitting}"

    @property
    def is_split(self):
        return self.mode == self.Mode.SPLIT

    def handling_departments(self):
        """The departments that reply: the lead, and under 分办 every other unit too."""
        if self.is_split:
            return [self.lead_department, *self.co_departments.order_by("code")]
        return [self.lead_department]

    def extension_cap(self):
        """The latest date a deadline of this item may be extended to (months from assignment)."""
        if self.assigned_at is None:
            return None
        return timezone.localdate(self.assigned_at) + relativedelta(months=settings.PROPOSAL_MAX_MONTHS)

    def open_deadlines(self):
        return Deadline.objects.open().for_subject(self)


class Proposer(models.Model):
    """提案人: the lead proposer (领衔) and joint proposers (联名); each gets a reply."""

    TITLES = ("代表", "委员")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="proposers")
    name = models.CharField(_("name"), max_length=50)
    is_lead = models.BooleanField(_("lead proposer"), default=True)
    organisation = models.CharField(_("work unit"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=20, blank=True)
    telephone = models.CharField(_("office telephone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("postal address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("proposer")
        verbose_name_plural = _("proposers")
        ordering = ["-is_lead", "pk"]

    def __str__(self):
        return self.name

    @classmethod
    def name_without_title(cls, name):
        """ "张三代表" → "张三": letters add 代表 / 委员 by the kind, so a typed title would double."""
        name = name.strip()
        for title in cls.TITLES:
            if name.endswith(title) and len(name) > len(title) + 1:
                return name.removesuffix(title).strip()
        return name


class ProposalAttachment(models.Model):
    """附件: a file that came with the proposal (a scan of the paper original, data, photos)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="proposals/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

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
