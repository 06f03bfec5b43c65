from django.db import models
from django.utils.translation import gettext_lazy as _


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
