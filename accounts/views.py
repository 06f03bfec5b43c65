import io

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.contrib.auth import AuthViewset

from accounts import imports, services
from accounts.access import SecretariatRequiredMixin
from accounts.audit import audit_timeline
from accounts.forms import (
    AuditFilterForm,
    DepartmentForm,
    LockoutAuthenticationForm,
    LoginLockoutLiftForm,
    UserFilterForm,
    UserForm,
    UserImportForm,
)
from accounts.models import AuditEvent, Department, User
from accounts.security import login_lockouts


class AccountViewset(AuthViewset):
    """Log in / log out / password pages, with the lock-out form."""

    def get_login_view_kwargs(self, **kwargs):
        return super().get_login_view_kwargs(form_class=LockoutAuthenticationForm, **kwargs)


def _manageable_users(actor):
    """The secretariat manages department staff; system accounts only a superuser touches."""
    users = User.objects.all()
    if not actor.is_superuser:
        users = users.filter(is_superuser=False, is_staff=False)
    return users


class DepartmentListView(SecretariatRequiredMixin, generic.ListView):
    template_name = "accounts/department_list.html"
    context_object_name = "departments"

    def get_queryset(self):
        return Department.objects.select_related("parent").annotate(
            member_count=Count("members", filter=Q(members__is_active=True))
        )


class DepartmentEditView(SecretariatRequiredMixin, generic.UpdateView):
    template_name = "accounts/object_form.html"
    form_class = DepartmentForm
    model = Department
    extra_context = {"new_title": _("New department")}

    def get_object(self, queryset=None):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(Department, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        timeline = audit_timeline(self.object, self.request.user) if self.object else None
        return super().get_context_data(timeline=timeline, **kwargs)

    def form_valid(self, form):
        services.department_save(form=form, actor=self.request.user)
        messages.success(self.request, _("Department saved."))
        return redirect("manage:index")


class UserListView(SecretariatRequiredMixin, generic.ListView):
    template_name = "accounts/user_list.html"
    context_object_name = "users"
    paginate_by = 100

    def get_queryset(self):
        users = (  # people: system accounts are on the API-account page
            User.objects.filter(is_system_account=False)
            .select_related("department")
            .prefetch_related("roles")
            .order_by("department__code", "username")
        )
        filters = UserFilterForm(self.request.GET).filters(self.request)
        if "department" in filters:
            users = users.filter(department=filters["department"])
        return users

    def get_context_data(self, **kwargs):
        return super().get_context_data(departments=Department.objects.all(), **kwargs)


class UserEditView(SecretariatRequiredMixin, generic.UpdateView):
    template_name = "accounts/object_form.html"
    form_class = UserForm
    model = User
    extra_context = {"new_title": _("New user")}

    def get_object(self, queryset=None):
        if "pk" not in self.kwargs:
            return None
        # a system account is never given a password: it is managed on the API-account page
        users = _manageable_users(self.request.user).filter(is_system_account=False)
        return get_object_or_404(users, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        timeline = audit_timeline(self.object, self.request.user) if self.object else None
        return super().get_context_data(timeline=timeline, **kwargs)

    def form_valid(self, form):
        services.user_save(form=form, actor=self.request.user)
        messages.success(self.request, _("User saved."))
        return redirect("manage:user_list")


class UserDeactivateView(SecretariatRequiredMixin, generic.View):
    http_method_names = ["post"]

    def post(self, request, pk):
        user = get_object_or_404(_manageable_users(request.user), pk=pk, is_active=True)
        returned = services.user_deactivate(user=user, actor=request.user)
        messages.success(
            request,
            _("%(name)s is deactivated; %(count)s claimed tasks went back to the department queue.")
            % {"name": user.get_full_name(), "count": returned},
        )
        return redirect("manage:user_list")


class UserImportView(SecretariatRequiredMixin, generic.View):
    """Upload → preview (dry run, row errors) → confirm: all rows are created or none.

    The previewed file waits in VAR_DIR/imports under a random token that the confirm form
    carries, so the rows confirmed are exactly the rows previewed.
    """

    template_name = "accounts/user_import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": UserImportForm()})

    def post(self, request):
        if "confirm" in request.POST:
            return self._confirm(request)
        form = UserImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        content = form.cleaned_data["file"].read()
        context = self._parse(content)
        if context.get("rows") and not context.get("error_count"):
            context["token"] = imports.upload_stash(content=content, actor=request.user)
        return render(request, self.template_name, {"form": UserImportForm(), **context})

    def _parse(self, content):
        try:
            rows = imports.user_import_parse(io.BytesIO(content))
        except imports.ImportFileError as error:
            return {"file_error": str(error)}
        return {"rows": rows, "error_count": sum(1 for row in rows if row.errors)}

    def _confirm(self, request):
        content = imports.upload_unstash(token=request.POST.get("token", ""), actor=request.user)
        if content is None:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect(reverse("manage:user_import"))
        # validate again: users may have been added since the preview
        context = self._parse(content)
        if "file_error" in context or context["error_count"]:
            return render(request, self.template_name, {"form": UserImportForm(), **context})
        created = imports.user_import_apply(rows=context["rows"], actor=request.user)
        return render(request, self.template_name, {"created": created})


class LoginLockoutListView(SecretariatRequiredMixin, generic.TemplateView):
    """登录锁定: the user names locked out now, each with a button that lifts the lock-out."""

    template_name = "accounts/lockout_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            lockouts=login_lockouts(),
            limit=settings.LOGIN_FAILURE_LIMIT,
            minutes=settings.LOGIN_LOCKOUT_MINUTES,
            **kwargs,
        )


class LoginLockoutLiftView(SecretariatRequiredMixin, generic.View):
    http_method_names = ["post"]

    def post(self, request):
        form = LoginLockoutLiftForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest()
        username = form.cleaned_data["username"]
        if services.login_lockout_lift(username=username, actor=request.user):
            messages.success(request, _("The lock-out of %(username)s is lifted.") % {"username": username})
        else:
            messages.info(request, _("%(username)s is not locked out.") % {"username": username})
        return redirect("manage:lockout_list")


class AuditListView(SecretariatRequiredMixin, generic.ListView):
    """操作留痕: the whole audit trail, read-only, filtered by action, department and date."""

    template_name = "accounts/audit_list.html"
    context_object_name = "events"
    paginate_by = 100

    def get_queryset(self):
        events = AuditEvent.objects.select_related("department").order_by("-at", "-pk")
        filters = AuditFilterForm(self.request.GET).filters(self.request)
        if "action" in filters:
            events = events.filter(action=filters["action"])
        if "department" in filters:
            events = events.filter(department=filters["department"])
        if "q" in filters:
            events = events.filter(Q(actor_name__contains=filters["q"]) | Q(summary__contains=filters["q"]))
        if "day" in filters:
            events = events.filter(at__date=filters["day"])
        return events

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            actions=AuditEvent.Action.choices, departments=Department.objects.all(), **kwargs
        )
