"""The officer's desk: the inbox across every registered process, and the working-day calendar."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import generic
from django.views.decorators.http import require_POST
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS

from accounts.access import ListPaginator, SecretariatRequiredMixin, is_secretariat, require_secretariat
from workflows.desk import inbox
from workflows.desk.forms import DeskOrderForm
from workflows.engine import task_activation
from workflows.escalation.deadlines import uncovered_deadline_years
from workflows.workdays import calendar
from workflows.workdays.forms import (
    MAX_CALENDAR_YEAR,
    MIN_CALENDAR_YEAR,
    CalendarCorrectionForm,
    CalendarYearForm,
    CalendarYearShownForm,
)
from workflows.workdays.models import CalendarCorrection, CalendarYear


class HomeView(LoginRequiredMixin, generic.TemplateView):
    """The user's inbox: tasks assigned to them and their department's unclaimed tasks, each list
    a page at a time, oldest first or soonest deadline first."""

    template_name = "desk/home.html"
    paginate_by = 30

    def page(self, tasks, parameter, order):
        # the queue's permission filter reads every open task of the city's steps whatever the
        # page: its first page counts them in the same pass
        paginator = ListPaginator(
            inbox.tasks_with_rows(tasks).order_by(*order), self.paginate_by, count_with_first_page=True
        )
        page = paginator.get_page(self.request.GET.get(parameter))
        page.rows = inbox.inbox_rows(page.object_list)
        page.parameter = parameter
        query = self.request.GET.copy()
        query.pop(parameter, None)
        page.query = query.urlencode()
        return page

    def get_context_data(self, **kwargs):
        user = self.request.user
        self.filter_form = DeskOrderForm(self.request.GET)
        order = DeskOrderForm.ORDERS[self.filter_form.filters(self.request).get("sort", "created")]
        return super().get_context_data(
            order_form=self.filter_form,
            my_tasks=self.page(inbox.tasks_inbox_for_user(user), "mine", order),
            queue_tasks=self.page(inbox.tasks_queue_for_user(user), "queue", order),
            uncovered_years=uncovered_deadline_years() if is_secretariat(user) else [],
            **kwargs,
        )


@login_required
def task_take(request, pk):
    """Take a task from the department queue and open it, in one click (POST)."""
    task = inbox.tasks_queue_for_user(request.user).filter(pk=pk).first()
    if task is None:
        # taken since the page was shown: by this user (open it), by a colleague (say so), or
        # not the user's department's work at all (404, as for anything out of scope)
        task = get_object_or_404(inbox.tasks_taken_in_department(request.user), pk=pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if task.owner_id == request.user.pk:
            return redirect(task.reverse("index"))
        messages.info(
            request, _("%(name)s has already taken this task.") % {"name": task.owner.get_full_name()}
        )
        return redirect("desk:index")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        with task_activation(task) as activation:
            task = activation.task
            if task.status != STATUS.NEW or task.owner_id is not None:
                messages.error(request, _("Someone else has just taken this task."))
                return redirect("desk:index")
            activation.assign(request.user)
    except FlowLockFailed:
        messages.error(request, _("The item is being updated by someone else; please try again."))
        return redirect("desk:index")
    return redirect(task.reverse("index"))


class CalendarView(SecretariatRequiredMixin, generic.FormView):
    """工作日历: the secretariat's corrections of the official calendar, and uncovered years."""

    template_name = "desk/calendar.html"
    form_class = CalendarCorrectionForm

    def year(self):
        """The year asked for in the URL (?year=), within the calendar's range; this year otherwise."""
        this_year = timezone.localdate().year
        if "year" not in self.request.GET:
            return this_year
        form = CalendarYearShownForm(data={"year": self.request.GET["year"]})
        if form.is_valid():
            return form.cleaned_data["year"]
        messages.warning(
            self.request,
            _("The year must be a whole number from %(first)d to %(last)d; %(year)d is shown.")
            % {"first": MIN_CALENDAR_YEAR, "last": MAX_CALENDAR_YEAR, "year": this_year},
        )
        return this_year

    def get_context_data(self, **kwargs):
        year = self.year()
        return super().get_context_data(
            year=year,
            years=[year - 1, year, year + 1],
            year_is_covered=calendar.year_is_covered(year),
            corrections=CalendarCorrection.objects.filter(day__year=year).select_related("created_by"),
            confirmed_years=CalendarYear.objects.select_related("confirmed_by"),
            package_years=(calendar.PACKAGE_FIRST_YEAR, calendar.PACKAGE_LAST_YEAR),
            uncovered_years=uncovered_deadline_years(),
            year_form=CalendarYearForm(initial={"year": year}),
            **kwargs,
        )

    def form_valid(self, form):
        correction = calendar.calendar_correction_add(
            day=form.cleaned_data["day"],
            is_working_day=form.cleaned_data["is_working_day"],
            note=form.cleaned_data["note"],
            actor=self.request.user,
        )
        messages.success(self.request, _("Correction saved."))
        return redirect(f"{self.request.path}?year={correction.day.year}")


@login_required
@require_POST
def calendar_correction_delete(request, pk):
    require_secretariat(request.user)
    correction = get_object_or_404(CalendarCorrection, pk=pk)
    calendar.calendar_correction_delete(correction=correction, actor=request.user)
    messages.success(request, _("Correction deleted."))
    return redirect(f"{reverse('desk:calendar')}?year={correction.day.year}")


@login_required
@require_POST
def calendar_year_confirm(request):
    require_secretariat(request.user)
    form = CalendarYearForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("desk:calendar")
    entry = calendar.calendar_year_confirm(year=form.cleaned_data["year"], actor=request.user)
    messages.success(
        request, _("The holiday arrangement of %(year)s is recorded as complete.") % {"year": entry.year}
    )
    return redirect(f"{reverse('desk:calendar')}?year={entry.year}")
