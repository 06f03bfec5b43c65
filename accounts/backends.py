from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from accounts.security import client_ip, login_is_locked


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing to check any password while the user name or the client
    address is locked out: every login form (ours and the admin's) goes through it."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and login_is_locked(username=username, ip_address=client_ip(request)):
            # PermissionDenied stops the other backends and is recorded as a failed login
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)
