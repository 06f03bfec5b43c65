"""Attachments: what an uploaded file is, read from its content, never from its name.

Accepted: PDF, Word/Excel/PowerPoint (OOXML .docx/.xlsx/.pptx, and the older OLE2 formats .doc/.xls,
which WPS also writes as .wps/.et), JPEG and PNG, up to ``ATTACHMENT_MAX_BYTES`` each. Any process
(duties, proposals) validates its uploads here and stores them under a name we choose.
"""

import zipfile

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
)
# the part of an Office Open XML package that says which application wrote it
_OOXML_PARTS = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))
# an OLE2 compound file: the old Office and WPS formats; the name may tell which one it is
_OLE2_EXTENSIONS = {"doc", "xls", "ppt", "wps", "et", "dps"}


def _ooxml_kind(upload):
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in _OOXML_PARTS:
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def attachment_kind(upload):
    """The file type of ``upload`` by its content (an extension without the dot), or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head.startswith(_OLE2):
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        return extension if extension in _OLE2_EXTENSIONS else "doc"
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(upload)
    return None


def attachment_validate(upload):
    """Return the file's type, or raise a ValidationError naming the file and what is wrong."""
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)d MB."),
            code="too_large",
            params={"name": upload.name, "limit": ATTACHMENT_MAX_BYTES // (1024 * 1024)},
        )
    kind = attachment_kind(upload)
    if kind is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF, Office document or JPG/PNG image (its content was checked, "
                "not its name)."
            ),
            code="bad_type",
            params={"name": upload.name},
        )
    return kind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several attachments at once; each checked by its content. Cleans to (file, type) pairs."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault(
            "help_text",
            _("PDF, Word, Excel, WPS or JPG/PNG, at most %(limit)d MB each.")
            % {"limit": ATTACHMENT_MAX_BYTES // (1024 * 1024)},
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if self.required and not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        cleaned, errors = [], []
        for upload in uploads:
            try:
                cleaned.append((super().clean(upload, initial), attachment_validate(upload)))
            except ValidationError as error:
                errors += error.error_list
        if errors:
            raise ValidationError(errors)
        return cleaned
