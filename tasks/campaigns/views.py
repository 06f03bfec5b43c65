import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import generic

from accounts import imports as account_imports
from accounts.access import SecretariatRequiredMixin
from accounts.forms import UserImportForm
from accounts.models import Department
from tasks.campaigns import access, export, imports, matrix, services
from tasks.campaigns.forms import (
    OFFICIAL_SUMMARY_TABLES,
    ActivityForm,
    CampaignForm,
    DailyReportForm,
    SummaryRowForm,
)
from tasks.campaigns.models import CampaignActivity, ReportPhoto, SummaryRow, SummaryTable
from tasks.campaigns.photos import photo_store

MATRIX_ROWS = 50
LIST_ROWS = 30


def _page(request, items, parameter="page", per_page=LIST_ROWS):
    page = Paginator(items, per_page).get_page(request.GET.get(parameter))
    query = request.GET.copy()
    query.pop(parameter, None)
    page.parameter, page.query = parameter, query.urlencode()
    return page


def _campaign(request, pk):
    """The campaign (404 outside the user's) with its activities and their hosts."""
    return access.campaign_get_for_user(request.user, pk)


def _activities(campaign):
    return list(
        CampaignActivity.objects.filter(campaign=campaign)
        .prefetch_related(
            Prefetch("hosts", queryset=Department.objects.order_by("code")),
            Prefetch("co_hosts", queryset=Department.objects.order_by("code")),
        )
        .order_by("sequence")
    )


class CampaignListView(LoginRequiredMixin, generic.TemplateView):
    template_name = "campaigns/campaign_list.html"

    def get_context_data(self, **kwargs):
        campaigns = (
            access.campaigns_for_user(self.request.user)
            .select_related("organiser")
            .order_by("-starts_on", "pk")
        )
        return super().get_context_data(
            page=_page(self.request, campaigns),
            reports_due=services.reports_due_today(self.request.user),
            **kwargs,
        )


class CampaignCreateView(SecretariatRequiredMixin, generic.FormView):
    template_name = "campaigns/campaign_form.html"
    form_class = CampaignForm

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        with_tables = data.pop("with_summary_tables")
        participants = data.pop("participants")
        campaign = services.campaign_create(actor=self.request.user, participants=participants, **data)
        if with_tables:
            SummaryTable.objects.bulk_create(
                [
                    SummaryTable(
                        campaign=campaign, sequence=sequence, title=title, columns=columns, note=note
                    )
                    for sequence, title, columns, note in OFFICIAL_SUMMARY_TABLES
                ]
            )
        messages.success(self.request, _("The campaign is set up; add its activities."))
        return redirect(campaign)


class CampaignDetailView(LoginRequiredMixin, generic.TemplateView):
    template_name = "campaigns/campaign_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        campaign = _campaign(self.request, self.kwargs["pk"])
        activities = (
            CampaignActivity.objects.filter(campaign=campaign)
            .prefetch_related("hosts", "co_hosts")
            .order_by("sequence")
        )
        whole = access.sees_whole_campaign(user, campaign)
        return super().get_context_data(
            campaign=campaign,
            activities=_page(self.request, activities, per_page=MATRIX_ROWS),
            sees_whole=whole,
            manages=access.campaign_manages(user, campaign),
            briefs=_page(self.request, campaign.briefs.order_by("-day"), "briefs") if whole else None,
            my_due=[
                day for due_campaign, day in services.reports_due_today(user) if due_campaign == campaign
            ],
            is_host=access.host_departments(campaign).filter(pk=user.department_id).exists(),
            closed=campaign.is_closed(),
            brief_base=reverse("campaigns:brief_pdf", args=[0])[:-2],
            **kwargs,
        )


def _require_manager(request, campaign):
    if not access.campaign_manages(request.user, campaign):
        raise PermissionDenied


class ActivityCreateView(LoginRequiredMixin, generic.FormView):
    template_name = "campaigns/activity_form.html"
    form_class = ActivityForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.campaign = _campaign(request, kwargs["pk"])
            _require_manager(request, self.campaign)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(campaign=self.campaign, **kwargs)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        services.activity_add(
            campaign=self.campaign,
            hosts=data.pop("hosts"),
            co_hosts=data.pop("co_hosts"),
            actor=self.request.user,
            **data,
        )
        messages.success(self.request, _("Activity added."))
        return redirect(self.campaign)


class ActivityImportView(LoginRequiredMixin, generic.View):
    """Upload → preview (dry run, row errors) → confirm, as the user import does."""

    template_name = "campaigns/activity_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.campaign = _campaign(request, kwargs["pk"])
            _require_manager(request, self.campaign)
        return super().dispatch(request, *args, **kwargs)

    def render(self, context):
        return render(self.request, self.template_name, {"campaign": self.campaign, **context})

    def get(self, request, pk):
        return self.render({"form": UserImportForm()})

    def _parse(self, content):
        try:
            rows = imports.activities_import_parse(io.BytesIO(content), self.campaign)
        except account_imports.ImportFileError as error:
            return {"file_error": str(error)}
        return {"rows": rows, "error_count": sum(1 for row in rows if row.errors)}

    def post(self, request, pk):
        if "confirm" in request.POST:
            content = account_imports.upload_unstash(token=request.POST.get("token", ""), actor=request.user)
            if content is None:
                messages.error(request, _("The preview has expired; upload the file again."))
                return redirect(reverse("campaigns:activity_import", args=[pk]))
            context = self._parse(content)
            if "file_error" in context or context["error_count"]:
                return self.render({"form": UserImportForm(), **context})
            created = imports.activities_import_apply(
                rows=context["rows"], campaign=self.campaign, actor=request.user
            )
            messages.success(request, _("%(count)d activities imported.") % {"count": len(created)})
            return redirect(self.campaign)
        form = UserImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render({"form": form})
        content = form.cleaned_data["file"].read()
        context = self._parse(content)
        if context.get("rows") and not context.get("error_count"):
            context["token"] = account_imports.upload_stash(content=content, actor=request.user)
        return self.render({"form": UserImportForm(), **context})


def _matrix(request, campaign):
    hosts = access.visible_departments(request.user, campaign, access.host_departments(campaign)).order_by(
        "code"
    )
    page = _page(request, hosts, per_page=MATRIX_ROWS)
    days, rows = matrix.matrix_rows(campaign, list(page.object_list), activities=_activities(campaign))
    return page, days, rows


class MatrixView(LoginRequiredMixin, generic.TemplateView):
    """The department × day matrix; static/campaigns/matrix.js refreshes it from matrix_data."""

    template_name = "campaigns/matrix.html"

    def get_context_data(self, **kwargs):
        campaign = _campaign(self.request, self.kwargs["pk"])
        page, days, rows = _matrix(self.request, campaign)
        report_url = reverse("campaigns:report_detail", args=[0])[:-2]
        file_url = reverse("campaigns:report_file", args=[campaign.pk])
        own_department = self.request.user.department_id
        return super().get_context_data(
            campaign=campaign,
            page=page,
            days=days,
            rows=matrix.matrix_cells_html(
                rows, report_url=report_url, file_url=file_url, own_department=own_department
            ),
            legend=matrix.matrix_legend(rows),
            labels={state: str(label) for state, label in matrix.STATES.items()},
            report_url=report_url,
            file_url=file_url,
            own_department=own_department,
            **kwargs,
        )


@login_required
def matrix_data(request, pk):
    """The states of the matrix page as JSON: {"cells": [[department, "YYYY-MM-DD", state, report]]}."""
    campaign = _campaign(request, pk)
    _shown, _days, rows = _matrix(request, campaign)
    cells = [
        [department.pk, cell.day.isoformat(), cell.state, cell.report_id]
        for department, row in rows
        for cell in row
        if cell.state != "off"
    ]
    return JsonResponse(
        {"cells": cells, "counts": matrix.matrix_counts(rows), "at": timezone.now().isoformat()}
    )


class ReportFileView(LoginRequiredMixin, generic.View):
    """A host files its report of one day: text, photos, video links, leaders, or 零报送.

    Photos are checked and kept as soon as they arrive: when something else in the form is
    wrong, the page comes back with the text as typed and the photos already kept, so nothing
    is uploaded twice."""

    template_name = "campaigns/report_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.campaign = _campaign(request, kwargs["pk"])
            department = request.user.department
            if (
                department is None
                or not access.host_departments(self.campaign).filter(pk=department.pk).exists()
            ):
                raise PermissionDenied
            self.department = department
        return super().dispatch(request, *args, **kwargs)

    def render(self, form, kept=(), photo_errors=()):
        day = form["day"].value()
        return render(
            self.request,
            self.template_name,
            {
                "campaign": self.campaign,
                "department": self.department,
                "form": form,
                "kept": kept,
                "photo_errors": photo_errors,
                "day": day,
                "closed": self.campaign.is_closed(),
            },
        )

    def get(self, request, pk):
        day = request.GET.get("day") or timezone.localdate().isoformat()
        return self.render(DailyReportForm(initial={"day": day}))

    def post(self, request, pk):
        form = DailyReportForm(request.POST, request.FILES)
        kept_ids = [value for value in request.POST.getlist("kept") if value.isdigit()]
        kept = list(
            ReportPhoto.objects.filter(
                pk__in=kept_ids, uploaded_by=request.user, report__isnull=True
            ).order_by("pk")
        )
        photo_errors = []
        for upload in request.FILES.getlist("photos"):
            try:
                kept.append(photo_store(upload=upload, user=request.user, department=self.department))
            except ValidationError as error:
                photo_errors.extend(error.messages)
        if not form.is_valid() or photo_errors:
            return self.render(form, kept, photo_errors)
        data = form.cleaned_data
        try:
            report = services.daily_report_file(
                campaign=self.campaign,
                department=self.department,
                day=data["day"],
                user=request.user,
                is_nil=data["is_nil"],
                text=data["text"],
                video_links=data["video_links"],
                leaders_attended=data["leaders_attended"],
                leaders=data["leaders"],
                photo_ids=[photo.pk for photo in kept],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render(form, kept, photo_errors)
        if report.is_late:
            messages.warning(request, _("Report filed after the cut-off: it is marked late."))
        else:
            messages.success(request, _("Report filed."))
        return redirect(report)


class ReportDetailView(LoginRequiredMixin, generic.TemplateView):
    template_name = "campaigns/report_detail.html"

    def get_context_data(self, **kwargs):
        report = access.report_get_for_user(self.request.user, self.kwargs["pk"])
        return super().get_context_data(
            report=report,
            campaign=report.campaign,
            photos=report.photos.order_by("pk"),
            due_at=report.campaign.due_at(report.day),
            **kwargs,
        )


@login_required
def photo_original(request, pk):
    photo = access.photo_get_for_user(request.user, pk)
    return FileResponse(photo.original.open("rb"), filename=photo.original_name, as_attachment=False)


@login_required
def photo_thumbnail(request, pk):
    photo = access.photo_get_for_user(request.user, pk)
    return FileResponse(photo.thumbnail.open("rb"), content_type="image/jpeg")


@login_required
def brief_pdf(request, pk):
    brief = access.brief_get_for_user(request.user, pk)
    if not brief.pdf:
        raise Http404(_("The brief is still being prepared."))
    return FileResponse(
        brief.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"活动周简报第{brief.issue}期（{brief.day:%Y-%m-%d}）.pdf",
    )


class SummaryView(LoginRequiredMixin, generic.TemplateView):
    """情况汇总表: the rows the user may see, a page per table, and the forms of their own department."""

    template_name = "campaigns/summary.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.campaign = _campaign(request, kwargs["pk"])
            self.tables = list(self.campaign.summary_tables.all())
            self.files = (
                access.summary_departments(self.campaign).filter(pk=request.user.department_id).exists()
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, forms=None, **kwargs):
        departments = access.visible_departments(
            self.request.user, self.campaign, access.summary_departments(self.campaign)
        )
        sections = []
        for table in self.tables:
            rows = (
                SummaryRow.objects.filter(table=table, department__in=departments)
                .select_related("department")
                .order_by("department__code", "pk")
            )
            form = (forms or {}).get(table.pk) or SummaryRowForm(table=table)
            sections.append(
                {
                    "table": table,
                    "page": _page(self.request, rows, f"t{table.sequence}", per_page=MATRIX_ROWS),
                    "form": form if self.files else None,
                }
            )
        return super().get_context_data(
            campaign=self.campaign,
            sections=sections,
            files=self.files,
            closed=self.campaign.is_closed(),
            own_department=self.request.user.department_id,
            delete_base=reverse("campaigns:summary_row_delete", args=[0])[: -len("0/delete/")],
            **kwargs,
        )

    def post(self, request, pk):
        if not self.files:
            raise PermissionDenied
        table = next((t for t in self.tables if str(t.pk) == request.POST.get("table")), None)
        if table is None:
            raise Http404
        form = SummaryRowForm(request.POST, table=table)
        if form.is_valid():
            try:
                services.summary_row_add(
                    table=table,
                    department=request.user.department,
                    cells=form.cleaned_data["cells"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Row added to %(table)s.") % {"table": table.title})
                return redirect("campaigns:summary", pk=pk)
        return self.render_to_response(self.get_context_data(forms={table.pk: form}))


@login_required
def summary_row_delete(request, pk):
    row = access.summary_row_get_for_user(request.user, pk)  # others' rows: 404 before 405
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.campaign_check_open(row.table.campaign)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        row.delete()
        messages.success(request, _("Row deleted."))
    return redirect("campaigns:summary", pk=row.table.campaign_id)


class SummaryImportView(LoginRequiredMixin, generic.View):
    """A department uploads its summary tables (.xlsx in the export's layout): preview, confirm."""

    template_name = "campaigns/summary_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.campaign = _campaign(request, kwargs["pk"])
            if not access.summary_departments(self.campaign).filter(pk=request.user.department_id).exists():
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, context):
        return render(self.request, self.template_name, {"campaign": self.campaign, **context})

    def get(self, request, pk):
        return self.render({"form": UserImportForm()})

    def _parse(self, content):
        try:
            tables, rows = imports.summary_import_parse(io.BytesIO(content), self.campaign)
        except account_imports.ImportFileError as error:
            return {"file_error": str(error)}
        return {"tables": tables, "rows": rows, "error_count": sum(1 for row in rows if row.errors)}

    def post(self, request, pk):
        if "confirm" in request.POST:
            content = account_imports.upload_unstash(token=request.POST.get("token", ""), actor=request.user)
            if content is None:
                messages.error(request, _("The preview has expired; upload the file again."))
                return redirect(reverse("campaigns:summary_import", args=[pk]))
            context = self._parse(content)
            if "file_error" in context or context["error_count"]:
                return self.render({"form": UserImportForm(), **context})
            try:
                imports.summary_import_apply(
                    campaign=self.campaign,
                    department=request.user.department,
                    tables=context["tables"],
                    rows=context["rows"],
                    user=request.user,
                )
            except ValidationError as error:
                return self.render({"form": UserImportForm(), "file_error": error.messages[0]})
            messages.success(request, _("%(count)d rows imported.") % {"count": len(context["rows"])})
            return redirect("campaigns:summary", pk=pk)
        form = UserImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render({"form": form})
        content = form.cleaned_data["file"].read()
        context = self._parse(content)
        if context.get("rows") is not None and not context.get("error_count") and "file_error" not in context:
            context["token"] = account_imports.upload_stash(content=content, actor=request.user)
        return self.render({"form": UserImportForm(), **context})


@login_required
def summary_export(request, pk):
    campaign = _campaign(request, pk)
    departments = access.visible_departments(request.user, campaign, access.summary_departments(campaign))
    response = HttpResponse(
        export.summary_workbook(campaign, departments),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(
        f"{campaign.summary_heading()}.xlsx"
    )
    return response
