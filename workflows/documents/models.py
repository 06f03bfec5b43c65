from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.documents.validators import number_pattern_validate, placeholders_validate

LETTER_KINDS = [("suggestion", _("Suggestion (people's congress)")), ("proposal", _("Proposal (CPPCC)"))]


class DocumentSequence(models.Model):
    """The last number issued in one series of documents in one year (e.g. 催 in 2024)."""

    key = models.CharField(_("series"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("document number series")
        verbose_name_plural = _("document number series")
        constraints = [models.UniqueConstraint(fields=["key", "year"], name="unique_document_sequence")]

    def __str__(self):
        return f"{self.key}〔{self.year}〕{self.last}"


class LetterDocument(models.Model):
    """The PDF of one reply letter: the draft preview or the issued (released) letter of a subject.

    A row is the rendering job (an outbox row): the request stores the letter's data and queues a
    Celery worker, which renders it and stores the PDF with its SHA-256. A subject (the process's
    reply) has at most one draft row, re-rendered whenever the draft changes, and at most one
    issued row, numbered at release and frozen once rendered: never re-rendered, and served only
    while the stored file still has the recorded hash.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Being rendered")
        DONE = "done", _("Rendered")
        FAILED = "failed", _("Rendering failed")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    is_draft = models.BooleanField(_("draft"))
    data = models.JSONField(_("letter data"))  # LetterData.to_dict()
    revision = models.PositiveIntegerField(_("revision"), default=1)
    number = models.CharField(_("document number"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(_("rendering error"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    pdf = models.FileField(_("PDF"), upload_to="letters/%Y/%m/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    scan = models.FileField(_("signed and sealed scan"), upload_to="letters/scans/%Y/%m/", blank=True)
    scan_sha256 = models.CharField(_("SHA-256 of the scan"), max_length=64, blank=True)
    scan_uploaded_at = models.DateTimeField(_("scan uploaded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("letter PDF")
        verbose_name_plural = _("letter PDFs")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "is_draft"], name="one_letter_draft_and_issue"
            ),
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="unique_letter_number"),
        ]
        indexes = [
            models.Index(fields=["requested_at"], condition=Q(status="pending"), name="letter_pending_idx")
        ]

    def __str__(self):
        return self.number or f"{_('draft')} {self.pk}"

    @property
    def is_issued(self):
        """Released and rendered: frozen from now on."""
        return not self.is_draft and self.status == self.Status.DONE


class LetterTemplate(models.Model):
    """A department's wording of one kind of reply letter, kept by the secretariat.

    Its texts take placeholders such as ``{proposer}`` (workflows.documents.letter_templates);
    its number pattern gives the department's document numbers (通科复〔{year}〕{n}号).
    """

    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LETTER_KINDS)
    number_pattern = models.CharField(
        _("document number pattern"),
        max_length=40,
        validators=[number_pattern_validate],
        help_text=_("For example 通科复〔{year}〕{n}号."),
    )
    opening = models.TextField(_("opening paragraph"), validators=[placeholders_validate])
    closing = models.TextField(_("closing paragraph"), blank=True, validators=[placeholders_validate])
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=30, blank=True)
    copy_to = models.TextField(_("copies to (one per line)"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        constraints = [
            models.UniqueConstraint(fields=["department", "kind"], name="one_letter_template_per_kind")
        ]

    def __str__(self):
        return f"{self.department} {self.get_kind_display()}"
