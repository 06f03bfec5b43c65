"""领导驾驶舱: the dashboard, its drill-down lists and export, circulars and calendar feeds."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic
from django.views.decorators.http import require_POST

from accounts.access import is_secretariat, require_secretariat, sees_everything
from accounts.models import Role
from dashboard import charts, circulars, feeds
from dashboard.definitions import RATE_DEFINITIONS
from dashboard.export import dashboard_workbook
from dashboard.filters import DashboardFilterForm
from dashboard.models import CalendarFeed, Circular
from dashboard.stats import (
    dashboard_figures_cached,
    deadlines_with_light,
    drill_rows,
    open_deadlines,
)
from tasks.proposals import selectors as proposal_selectors
from workflows.escalation.models import Light

PAGE_SIZE = 50
LIGHTS = {
    Light.RED: gettext_lazy("Red"),
    Light.YELLOW: gettext_lazy("Yellow"),
    Light.GREEN: gettext_lazy("Green"),
}


def home(request):
    """The site's front page: a leader's is the dashboard, everyone else's the desk."""
    if request.user.is_authenticated and request.user.has_role(Role.LEADER):
        return redirect("dashboard:index")
    return redirect("desk:index")


def _filters(request):
    form = DashboardFilterForm(request.GET, user=request.user)
    return form, form.resolve(request)


def _query(request, **changes):
    """The current filters with ``changes``, as a query string (drill-down links keep them)."""
    query = request.GET.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query.pop(name, None)
        if value not in (None, ""):
            query[name] = value
    return query.urlencode()


def _charts(request, figures):
    steps = reverse("dashboard:steps")
    proposals = reverse("dashboard:proposals")
    legend = [(_("Red"), "red"), (_("Yellow"), "yellow"), (_("Green"), "green")]

    def step_link(light, **changes):
        return f"{steps}?{_query(request, light=light, **changes)}"

    result = {
        "departments": charts.stacked_bars(
            _("Open steps by department"),
            [
                (
                    row.department.short_name,
                    [
                        (getattr(row, light), step_link(light, department=row.department.pk))
                        for light in ("red", "yellow", "green")
                    ],
                )
                for row in figures.departments
            ],
            legend,
        ),
    }
    if figures.meetings:
        result["meetings"] = charts.stacked_bars(
            _("Open duty steps by joint meeting"),
            [
                (
                    row["name"],
                    [
                        (row[light], step_link(light, meeting=row["meeting_id"]))
                        for light in ("red", "yellow", "green")
                    ],
                )
                for row in figures.meetings
            ],
            legend,
        )
    if figures.stages:
        result["stages"] = charts.bar_chart(
            _("Suggestions and proposals by stage"),
            [
                (label, count, f"{proposals}?{_query(request, stage=value)}")
                for value, label, count in figures.stages
            ],
        )
        result["categories"] = charts.bar_chart(
            _("Result categories of the replies"),
            [
                (value, count, f"{proposals}?{_query(request, category=value)}")
                for value, _label, count in figures.categories
            ],
            colour="green",
            width=320,
        )
    if figures.trend:
        result["trend"] = charts.line_chart(
            _("Trend by month of assignment"),
            [f"{month:%y-%m}" for month in figures.months],
            [(str(name), values) for name, values in figures.trend],
        )
    return result


class DashboardView(LoginRequiredMixin, generic.TemplateView):
    """The figures of the user's scope (a leader's departments, everything for the secretariat)."""

    template_name = "dashboard/index.html"

    def get_context_data(self, **kwargs):
        form, filters = _filters(self.request)
        figures = dashboard_figures_cached(filters)
        return super().get_context_data(
            form=form,
            filters=filters,
            figures=figures,
            charts=_charts(self.request, figures),
            definitions=RATE_DEFINITIONS,
            query=_query(self.request),
            steps_url=reverse("dashboard:steps"),
            sees_circulars=sees_everything(self.request.user),
            **kwargs,
        )


class StepListView(LoginRequiredMixin, generic.TemplateView):
    """The open steps behind a light count, each linked to its subject's history."""

    template_name = "dashboard/steps.html"

    def get_context_data(self, **kwargs):
        form, filters = _filters(self.request)
        today = timezone.localdate()
        light = self.request.GET.get("light", "")
        if light not in LIGHTS:
            light = ""
        deadlines = deadlines_with_light(open_deadlines(filters), light, today).order_by("due", "pk")
        page = Paginator(deadlines, PAGE_SIZE).get_page(self.request.GET.get("page"))
        page.rows = drill_rows(page.object_list, today)
        return super().get_context_data(
            form=form,
            page=page,
            light=light,
            light_label=LIGHTS.get(light, _("All")),
            query=_query(self.request),
            back=_query(self.request, light=None),
            **kwargs,
        )


class ProposalListView(LoginRequiredMixin, generic.TemplateView):
    """The suggestions and proposals behind a stage or a result category."""

    template_name = "dashboard/proposals.html"

    def get_context_data(self, **kwargs):
        form, filters = _filters(self.request)
        stages = dict(proposal_selectors.stage_choices())
        categories = dict(proposal_selectors.category_choices())
        stage = self.request.GET.get("stage", "")
        category = self.request.GET.get("category", "")
        stage = stage if stage in stages else ""
        category = category if category in categories else ""
        proposals = proposal_selectors.proposals_list(
            **filters.proposal_filters(), status=stage or None, category=category or None
        )
        if not filters.shows_proposals:
            proposals = proposals.none()
        page = Paginator(proposals, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            form=form,
            page=page,
            stage_label=stages.get(stage, ""),
            category_label=categories.get(category, ""),
            query=_query(self.request),
            back=_query(self.request, stage=None, category=None),
            **kwargs,
        )


@login_required
def dashboard_export(request):
    """The dashboard's tables as .xlsx, with the same filters and scope as the page."""
    _form, filters = _filters(request)
    figures = dashboard_figures_cached(filters)
    heading = _("Dashboard as of %(date)s") % {"date": f"{figures.today:%Y-%m-%d}"}
    response = HttpResponse(
        dashboard_workbook(figures, heading=heading),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="dashboard-{figures.today:%Y%m%d}.xlsx"'
    return response


def _require_circular_reader(user):
    """Circulars cover every department: the secretariat and the leaders who oversee all."""
    if not sees_everything(user):
        raise Http404


class CircularListView(LoginRequiredMixin, generic.TemplateView):
    template_name = "dashboard/circulars.html"

    def get_context_data(self, **kwargs):
        _require_circular_reader(self.request.user)
        page = Paginator(Circular.objects.all(), PAGE_SIZE).get_page(self.request.GET.get("page"))
        today = timezone.localdate()
        return super().get_context_data(
            page=page,
            may_request=is_secretariat(self.request.user),
            this_month=f"{today:%Y-%m}",
            **kwargs,
        )


@login_required
@require_POST
def circular_request(request):
    """On demand: the secretariat asks the worker for a month's circular as of today."""
    require_secretariat(request.user)
    try:
        month = datetime.datetime.strptime(request.POST.get("month", ""), "%Y-%m").date()
    except ValueError:
        messages.error(request, _("Choose the month of the circular (year and month)."))
        return redirect("dashboard:circulars")
    if month > timezone.localdate():
        messages.error(request, _("A circular cannot report on a month that has not begun."))
        return redirect("dashboard:circulars")
    circulars.circular_request(month=month, user=request.user)
    messages.success(request, _("The circular is being prepared; it appears here in a minute."))
    return redirect("dashboard:circulars")


@login_required
def circular_pdf(request, pk):
    _require_circular_reader(request.user)
    circular = get_object_or_404(Circular.objects.exclude(pdf=""), pk=pk)
    response = FileResponse(circular.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="circular-{circular.month:%Y%m}.pdf"'
    return response


class CalendarFeedSettingsView(LoginRequiredMixin, generic.TemplateView):
    """The user's calendar feed: create one (its URL shown once) or revoke it."""

    template_name = "dashboard/calendar_feed.html"

    def get_context_data(self, **kwargs):
        token = self.request.session.pop("calendar_feed_token", None)
        url = (
            self.request.build_absolute_uri(reverse("dashboard:calendar_feed", args=[token])) if token else ""
        )
        return super().get_context_data(
            feed=CalendarFeed.objects.filter(user=self.request.user, revoked_at__isnull=True).first(),
            feed_url=url,
            **kwargs,
        )


@login_required
@require_POST
def calendar_feed_create(request):
    _feed, token = feeds.calendar_feed_create(user=request.user)
    request.session["calendar_feed_token"] = token  # shown once, on the next page
    messages.success(request, _("Your calendar feed is ready. Copy its address now: it is shown only once."))
    return redirect("dashboard:calendar_feed_settings")


@login_required
@require_POST
def calendar_feed_revoke(request):
    if feeds.calendar_feeds_revoke(user=request.user):
        messages.success(request, _("The calendar feed was revoked; its address no longer works."))
    return redirect("dashboard:calendar_feed_settings")


def calendar_feed(request, token):
    """The feed itself: no login, the secret token is the key; unknown or revoked → 404."""
    feed = feeds.calendar_feed_for_token(token)
    if feed is None:
        raise Http404
    response = HttpResponse(feeds.calendar_ical(feed.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
