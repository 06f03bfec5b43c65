"""The secretariat's duty-table import (upload → preview → confirm), the template, and the
.xlsx export of the duties a user may see.

The previewed file waits server-side (``accounts.imports.upload_stash``) under a random token;
the confirm form carries that token, the file's SHA-256, the meeting and the year, signed, so a
confirm imports exactly the file that was previewed, for the meeting it was previewed for, or
nothing once the preview has expired.
"""

import hashlib

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views import generic

from accounts.access import SecretariatRequiredMixin
from accounts.fields import QueryFilterForm
from accounts.imports import STASH_HOURS, upload_stash, upload_unstash
from tasks.duties import access, exporting, importing
from tasks.duties.models import DutyTable, JointMeeting
from workflows.documents.spreadsheets import MAX_FILE_BYTES, SpreadsheetError

SIGNING_SALT = "duties.import"


class DutyImportForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Joint meeting"), queryset=JointMeeting.objects.order_by("name"))
    file = forms.FileField(label=_("Duty table (.xlsx)"))
    year = forms.IntegerField(
        label=_("Year of the deadlines"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_(
            "For deadlines written without a year (10月底), when neither the table's title nor its "
            "issue date gives one."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an .xlsx file (Excel 2007 or later)."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


class DutyExportForm(QueryFilterForm):
    table = forms.ModelChoiceField(label=_("Duty table"), queryset=DutyTable.objects.none(), required=False)

    def __init__(self, *args, tables, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["table"].queryset = tables  # another's table is an unknown choice, not a file name


def _preview(content, *, meeting, year, file_name):
    try:
        return importing.duty_table_parse(content, meeting=meeting, year=year, file_name=file_name), None
    except SpreadsheetError as error:
        return None, str(error)


class DutyImportView(SecretariatRequiredMixin, generic.View):
    """导入分解表: upload a table and see every row as it will be created (nothing is written)."""

    def get(self, request):
        return render(request, "duties/import_form.html", {"form": DutyImportForm()})

    def post(self, request):
        form = DutyImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "duties/import_form.html", {"form": form})
        upload = form.cleaned_data["file"]
        content = upload.read()
        meeting, year = form.cleaned_data["meeting"], form.cleaned_data["year"]
        preview, file_error = _preview(content, meeting=meeting, year=year, file_name=upload.name)
        if file_error:
            # the choices stay as typed; a file input cannot be refilled by the server
            return render(request, "duties/import_form.html", {"form": form, "file_error": file_error})
        context = {"form": form, "preview": preview}
        if preview.is_valid:
            token = upload_stash(content=content, actor=request.user)
            context["confirmation"] = signing.dumps(
                {
                    "token": token,
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "meeting": meeting.pk,
                    "year": year,
                    "name": upload.name,
                },
                salt=SIGNING_SALT,
            )
        return render(request, "duties/import_preview.html", context)


class DutyImportConfirmView(SecretariatRequiredMixin, generic.View):
    """确认导入: the previewed file, checked again, becomes the table and its duties (待交办)."""

    http_method_names = ["post"]

    def post(self, request):
        try:
            confirmation = signing.loads(
                request.POST.get("confirmation", ""), salt=SIGNING_SALT, max_age=STASH_HOURS * 3600
            )
        except signing.BadSignature:
            messages.error(request, _("The preview has expired or is not valid; upload the file again."))
            return redirect("duties:import")
        content = upload_unstash(token=confirmation["token"], actor=request.user)
        if content is None:
            messages.error(
                request, _("The preview has expired or was already imported; upload the file again.")
            )
            return redirect("duties:import")
        if hashlib.sha256(content).hexdigest() != confirmation["sha256"]:
            messages.error(request, _("The file changed after the preview; upload it again."))
            return redirect("duties:import")
        meeting = get_object_or_404(JointMeeting, pk=confirmation["meeting"])
        # checked again: a table or a department may have changed since the preview
        preview, file_error = _preview(
            content, meeting=meeting, year=confirmation["year"], file_name=confirmation["name"]
        )
        if file_error or not preview.is_valid:
            form = DutyImportForm(initial={"meeting": meeting, "year": confirmation["year"]})
            return render(
                request,
                "duties/import_preview.html" if preview else "duties/import_form.html",
                {"form": form, "preview": preview, "file_error": file_error},
            )
        table = importing.duty_table_import(preview=preview, actor=request.user)
        messages.success(
            request,
            _("%(title)s: %(count)s duties imported, waiting to be assigned (待交办).")
            % {"title": table.title, "count": len(preview.rows)},
        )
        return redirect("duties:import")


class DutyImportTemplateView(SecretariatRequiredMixin, generic.View):
    """The blank table to fill in, with the columns the import reads."""

    def get(self, request):
        return _xlsx(exporting.duty_table_template(), "重点任务分解表模板.xlsx")


class DutyExportView(LoginRequiredMixin, generic.View):
    """导出: the duties the user may see (one table with ?table=, else all), with their lights."""

    def get(self, request):
        filters = DutyExportForm(request.GET, tables=access.tables_for_user(request.user)).filters(request)
        table = filters.get("table")
        content = exporting.duty_export(user=request.user, table=table)
        return _xlsx(content, exporting.duty_export_filename(table))


def _xlsx(content, filename):
    response = HttpResponse(content, content_type=exporting.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
