from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthenticationForm

from accounts.security import client_ip, login_is_locked


class LockoutAuthenticationForm(AuthenticationForm):
    """Refuses to check a password while the user name or the address is locked out."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed logins. Try again in %(minutes)s minutes."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if login_is_locked(username=username, ip_address=client_ip(self.request)):
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
            )
        return super().clean()
