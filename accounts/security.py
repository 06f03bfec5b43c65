"""Login lock-out and the audit records of logins.

django-axes counts the failures and refuses logins (configured in settings: the user name, and
the pair of user name and client address, are locked after LOGIN_FAILURE_LIMIT failures; a whole
address never is). This module tells axes who the client is, answers a lock-out, and records logins,
failures and lock-outs in the audit trail.
"""

import ipaddress

from axes.helpers import get_failure_limit
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.forms.forms import NON_FIELD_ERRORS
from django.shortcuts import render

from accounts.audit import audit_record
from accounts.models import AuditEvent


def client_ip(request):
    """The client's address; behind our own reverse proxy, the last X-Forwarded-For hop.

    Also axes' AXES_CLIENT_IP_CALLABLE, so the lock-out and the audit trail see the same address.
    """
    if request is None:
        return None
    if settings.USE_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        # our proxy appends the address it saw; anything else is not an address to store
        if hops and _is_ip_address(hops[-1]):
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or None


def _is_ip_address(value):
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def lockout_response(request, original_response, credentials):
    """AXES_LOCKOUT_CALLABLE: the answer to a login that is (or has just become) locked out.

    Our login form already says why (accounts.forms.LockoutAuthenticationForm), so its page
    stands; any other login form (the admin's) is replaced by a page that explains the lock-out.
    """
    form = (getattr(original_response, "context_data", None) or {}).get("form")
    if form is not None and form.has_error(NON_FIELD_ERRORS, code="locked"):
        return original_response
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": settings.LOGIN_LOCKOUT_MINUTES},
        status=429,
    )


@receiver(user_login_failed)
def _record_failed_login(sender, credentials, request=None, **kwargs):
    username = (credentials.get("username") or "")[:150]
    audit_record(
        action=AuditEvent.Action.LOGIN_FAILED,
        summary=f"登录失败：{username}",
        ip_address=client_ip(request),
    )


@receiver(user_locked_out)
def _record_lockout(sender, request, username, ip_address, **kwargs):
    # axes signals every failure at or past the limit; the lock-out begins at the failure that
    # reaches it (each failure adds one, expiry only takes away, so the count cannot skip it)
    if request.axes_failures_since_start != get_failure_limit(request, request.axes_credentials):
        return
    audit_record(
        action=AuditEvent.Action.LOCKED_OUT,
        summary=f"登录失败过多，锁定用户名{username}",
        ip_address=ip_address,
        after={"username": username},
    )


@receiver(user_logged_in)
def _record_login(sender, request, user, **kwargs):
    audit_record(
        action=AuditEvent.Action.LOGIN,
        summary=f"{user.get_full_name()}登录",
        actor=user,
        department=user.department,
        ip_address=client_ip(request),
    )


@receiver(user_logged_out)
def _record_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(
            action=AuditEvent.Action.LOGOUT,
            summary=f"{user.get_full_name()}退出登录",
            actor=user,
            department=user.department,
            ip_address=client_ip(request),
        )
