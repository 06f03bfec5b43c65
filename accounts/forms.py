from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthenticationForm

from accounts.fields import LimitedCharField, QueryFilterForm, SingleLineFieldsMixin
from accounts.models import AuditEvent, Department, Role, User


class LockoutAuthenticationForm(AuthenticationForm):
    """Tells a locked-out user why the login is refused (django-axes refuses it)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed logins. Try again in %(minutes)s minutes."),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            # axes flags the request when this failure reached the limit or met a lock-out
            if getattr(self.request, "axes_locked_out", False):
                raise forms.ValidationError(
                    self.error_messages["locked"],
                    code="locked",
                    params={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
                ) from None
            raise


class LoginLockoutLiftForm(forms.Form):
    username = forms.CharField(max_length=255)


class DepartmentForm(SingleLineFieldsMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "short_name", "code", "kind", "parent", "is_active"]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        node = parent
        while node is not None:
            if self.instance.pk and node.pk == self.instance.pk:
                raise forms.ValidationError(_("A department cannot sit under itself."))
            node = node.parent
        return parent


class UserForm(SingleLineFieldsMixin, forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=True),
        required=False,
        help_text=_("Required for a new user; leave empty to keep the current password."),
    )

    class Meta:
        model = User
        fields = ["username", "name", "department", "mobile", "email", "oversees_all", "oversees"]
        widgets = {"oversees": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        self.fields["oversees"].queryset = Department.objects.filter(is_active=True)
        self.fields["department"].required = True
        self.fields["name"].required = True
        if self.instance.pk:
            self.initial["roles"] = list(self.instance.role_set)

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"]
        if mobile and User.objects.filter(mobile=mobile).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another user already has this mobile number."))
        return mobile

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if not self.instance.pk and not password:
            self.add_error("password", _("Set an initial password for the new user."))
        if password:
            candidate = User(
                username=cleaned.get("username", ""),
                name=cleaned.get("name", ""),
                email=cleaned.get("email", ""),
            )
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class UserImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an .xlsx file (Excel 2007 or later)."))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class UserFilterForm(QueryFilterForm):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False
    )


class AuditFilterForm(QueryFilterForm):
    action = forms.ChoiceField(label=_("Action"), choices=AuditEvent.Action.choices, required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False
    )
    day = forms.DateField(label=_("Date"), required=False)
    q = forms.CharField(label=_("Person or text"), max_length=100, required=False)


class SystemAccountForm(SingleLineFieldsMixin, forms.Form):
    """A system account for another system, and its first API token."""

    name = LimitedCharField(
        label=_("System"), max_length=50, help_text=_("The system that calls the API, e.g. 市政务办公系统.")
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        empty_label=_("None: sees everything, as the secretariat"),
        help_text=_("The account sees and does the work of this department only."),
    )
    label = LimitedCharField(
        label=_("Token label"),
        max_length=100,
        help_text=_("To tell tokens apart, e.g. the server that uses it."),
    )


class ApiTokenForm(SingleLineFieldsMixin, forms.Form):
    label = LimitedCharField(label=_("Token label"), max_length=100)
