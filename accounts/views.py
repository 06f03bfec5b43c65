from viewflow.contrib.auth import AuthViewset

from accounts.forms import LockoutAuthenticationForm


class AccountViewset(AuthViewset):
    """Log in / log out / password pages, with the lock-out form."""

    def get_login_view_kwargs(self, **kwargs):
        return super().get_login_view_kwargs(form_class=LockoutAuthenticationForm, **kwargs)
