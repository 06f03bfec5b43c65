from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
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
    round = models.PositiveSmallIntegerField(
        _("handling round"),
        default=0,
        help_text=_("0 for the first handling, one more for each re-handling."),
    )
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
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("handled together with"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
        help_text=_("并案: a similar proposal of the session handled by the same departments"),
    )
    # the steps' deadlines, for the dashboard's joins (no column: Deadline holds the subject)
    deadlines = GenericRelation(Deadline, related_query_name="proposal")

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


class Reply(models.Model):
    """答复: what one handling department answers in one round, from draft to release.

    Each reply runs in a process of its own (``process``): the first reply of every handling
    department (the lead, or each unit under 分办), a re-handling after 不满意, a follow-up
    reply to a B or C answer. The letter itself (layout, numbering, PDF) is rendered from it by
    ``tasks.proposals.letters.reply_letter_data``.
    """

    class Kind(models.TextChoices):
        FIRST = "first", _("Reply")
        REHANDLING = "rehandling", _("Reply after re-handling")
        FOLLOW_UP = "follow_up", _("Follow-up reply")

    class Status(models.TextChoices):
        SIGN_FOR = "sign_for", _("Awaiting sign-for")
        DRAFTING = "drafting", _("Being drafted")
        SIGN_OFF = "sign_off", _("Awaiting the head's sign-off")
        REVIEW = "review", _("Awaiting the secretariat's review")
        RELEASED = "released", _("Released")

    class Category(models.TextChoices):
        """答复类别."""

        A = "A", _("A: solved or adopted")
        B = "B", _("B: being solved or planned")
        C = "C", _("C: cannot be solved for now")
        D = "D", _("D: kept for reference")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="replies")
    department = models.ForeignKey(
        Department, verbose_name=_("handling department"), on_delete=models.PROTECT, related_name="+"
    )
    process = models.OneToOneField(
        Process, on_delete=models.CASCADE, null=True, blank=True, related_name="proposal_reply"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FIRST)
    round = models.PositiveSmallIntegerField(_("handling round"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SIGN_FOR)
    due = models.DateField(_("reply deadline"))
    category = models.CharField(_("result category"), max_length=1, choices=Category.choices, blank=True)
    text = models.TextField(_("reply text"), blank=True)
    # the letter's fields; issue 12 renders the 答复函 from them
    letter_number = models.CharField(
        _("document number"),
        max_length=50,
        blank=True,
        help_text=_("Assigned when the letter is issued (issue 12's numbering); blank until then."),
    )
    letter_date = models.DateField(_("letter date"), null=True, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=30, blank=True)
    cc = models.CharField(_("copy to"), max_length=300, blank=True)
    return_comment = models.TextField(_("comments on return"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["round", "pk"]
        permissions = [
            ("handle_reply", _("Sign for and draft the reply")),
            ("sign_off_reply", _("Sign off the reply")),
            ("review_reply", _("Review and release the reply")),
        ]

    def __str__(self):
        return f"{self.proposal.number} {self.department} {self.get_kind_display()}"

    @property
    def is_released(self):
        return self.status == self.Status.RELEASED

    @property
    def may_follow_up(self):
        """B and C answers are answered again once what was planned is done."""
        return self.is_released and self.category in (self.Category.B, self.Category.C)

    def opinions_read(self):
        """The reply's opinions, with their departments and proposal, read once per reply object
        (kept as its ``opinions.all()``): 签收 tells each co-handler, then the flow opens a step
        and a deadline for each, all from one statement."""
        models.prefetch_related_objects(
            [self],
            models.Prefetch(
                "opinions", queryset=CoHandlingOpinion.objects.select_related("proposal", "department")
            ),
        )
        return list(self.opinions.all())


class CoHandlingOpinion(models.Model):
    """协办意见: a co-handler's written opinion to the lead department, within a month."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaited")
        GIVEN = "given", _("Given")
        WAIVED = "waived", _("Waived by the secretariat")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="opinions")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="opinions")
    department = models.ForeignKey(
        Department, verbose_name=_("co-handler"), on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    text = models.TextField(_("opinion"), blank=True)
    given_at = models.DateTimeField(_("given at"), null=True, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    waive_reason = models.TextField(_("reason for waiving"), blank=True)

    class Meta:
        verbose_name = _("co-handler's opinion")
        verbose_name_plural = _("co-handlers' opinions")
        ordering = ["pk"]
        permissions = [("give_opinion", _("Give the co-handler's opinion"))]
        constraints = [
            models.UniqueConstraint(fields=["reply", "department"], name="one_opinion_per_co_handler")
        ]

    def __str__(self):
        return f"{self.department} {self.get_status_display()}"


class ContactRecord(models.Model):
    """沟通联系: the handling department spoke with the proposer before replying."""

    class Way(models.TextChoices):
        VISIT = "visit", _("Visit in person")
        MEETING = "meeting", _("Meeting")
        PHONE = "phone", _("Telephone")
        LETTER = "letter", _("Letter or e-mail")

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="contacts")
    contacted_on = models.DateField(_("date"))
    way = models.CharField(_("way"), max_length=10, choices=Way.choices)
    person = models.CharField(_("person contacted"), max_length=100)
    view = models.TextField(_("the proposer's view"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("contact record")
        verbose_name_plural = _("contact records")
        ordering = ["contacted_on", "pk"]

    def __str__(self):
        return f"{self.contacted_on} {self.person}"


class Evaluation(models.Model):
    """征询意见: one proposer's rating of the handling and of the result, once per round."""

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")

    class Source(models.TextChoices):
        PAPER = "paper", _("Paper form entered by the secretariat")
        LINK = "link", _("Personal link")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="evaluations")
    proposer = models.ForeignKey(Proposer, on_delete=models.CASCADE, related_name="evaluations")
    round = models.PositiveSmallIntegerField(_("handling round"), default=0)
    attitude = models.CharField(_("handling attitude"), max_length=20, choices=Rating.choices)
    result = models.CharField(_("handling result"), max_length=20, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["round", "pk"]
        constraints = [models.UniqueConstraint(fields=["proposer", "round"], name="one_evaluation_per_round")]

    def __str__(self):
        return f"{self.proposer} {self.get_result_display()}"

    @property
    def is_dissatisfied(self):
        return self.Rating.DISSATISFIED in (self.attitude, self.result)


class EvaluationInvite(models.Model):
    """A personal link to the evaluation form: signed, single-use, expiring."""

    proposer = models.ForeignKey(Proposer, on_delete=models.CASCADE, related_name="invites")
    round = models.PositiveSmallIntegerField(_("handling round"), default=0)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation link")
        verbose_name_plural = _("evaluation links")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.proposer} {self.created_at:%Y-%m-%d}"


class ReassignmentRequest(models.Model):
    """申请调整: the lead department asks, with a reason and within the sign-for window, to be
    relieved; only the secretariat reassigns."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reassignment_requests")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    suggested = models.CharField(_("suggested department"), max_length=100, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("reassignment request")
        verbose_name_plural = _("reassignment requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reply"], condition=models.Q(status="pending"), name="one_pending_reassignment"
            )
        ]

    def __str__(self):
        return f"{self.department}: {self.reason[:20]}"
