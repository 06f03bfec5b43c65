"""Login lock-out and the audit records of logins.

django-axes counts the failures and refuses logins (configured in settings: the user name, and
the pair of user name and client address, are locked after LOGIN_FAILURE_LIMIT failures; a whole
address never is). This module tells axes who the client is, answers a lock-out, records logins,
failures and lock-outs in the audit trail, lists the current lock-outs for the secretariat, and
renews an idle session's expiry without writing the session on every page view.
"""

import datetime
import ipaddress
from dataclasses import dataclass, field

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Sum
from django.dispatch import receiver
from django.forms.forms import NON_FIELD_ERRORS
from django.shortcuts import render
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, User


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


def lockout_username(request, credentials):
    """The user name failures are counted under: trimmed and in lower case, so that varying the
    letter case does not buy an attacker more attempts."""
    return ((credentials or {}).get("username") or "").strip().lower()


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


@dataclass
class LoginLockout:
    """A locked user name: from which addresses it failed, since and until when."""

    username: str
    user: User | None = None
    addresses: dict = field(default_factory=dict)  # address → failures from it
    failures: int = 0
    since: datetime.datetime | None = None  # when the lock-out began, from the audit trail
    until: datetime.datetime | None = None


def login_lockouts():
    """The user names locked out now, the latest lock-out first.

    Only user names are listed: the pair (user name, address) shares the user name's limit, so
    every locked pair belongs to a locked user name, and lifting the user name lifts its pairs.
    Three queries, whatever the number of lock-outs.
    """
    now = timezone.now()
    cool_off = get_cool_off()
    limit = settings.AXES_FAILURE_LIMIT
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - cool_off)
    locked_names = (
        recent.order_by()
        .values("username")
        .annotate(total=Sum("failures_since_start"))
        .filter(total__gte=limit)
        .values("username")
    )
    lockouts = {}
    for attempt in recent.filter(username__in=locked_names).order_by("-attempt_time"):
        lockout = lockouts.setdefault(attempt.username, LoginLockout(username=attempt.username))
        address = attempt.ip_address or "—"
        lockout.addresses[address] = lockout.addresses.get(address, 0) + attempt.failures_since_start
        lockout.failures += attempt.failures_since_start
        # the newest attempts that reach the limit hold the lock until they are too old to count
        if lockout.until is None and lockout.failures >= limit:
            lockout.until = attempt.attempt_time + cool_off
    if not lockouts:
        return []
    for user in User.objects.filter(username__in=lockouts).select_related("department"):
        lockouts[user.username].user = user
    began = (
        AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED_OUT, after__username__in=list(lockouts))
        .order_by("at")
        .values_list("after__username", "at")
    )
    for username, at in began:
        lockouts[username].since = at  # ordered by time: the latest lock-out of the name wins
    return sorted(lockouts.values(), key=lambda lockout: lockout.since or lockout.until, reverse=True)


SESSION_REFRESHED_KEY = "_refreshed_at"


def session_refresh_seconds():
    """How long a session goes unwritten while in use: a minute, or a tenth of a shorter timeout."""
    return max(1, min(60, settings.SESSION_COOKIE_AGE // 10))


class SessionRefreshMiddleware:
    """Renew a session's idle expiry at most once per ``session_refresh_seconds()``.

    Replaces SESSION_SAVE_EVERY_REQUEST, which wrote the session row on every page view: on the
    embedded SQLite database every such write queued behind the office's real work. A session
    still ends SESSION_COOKIE_AGE after the last renewal, so after 30 idle minutes at the most
    and 29 at the least (with the default minute).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # nothing to renew without a session cookie, or when the session was just flushed (logout)
        if session is None or not session.session_key:
            return response
        refreshed = session.get(SESSION_REFRESHED_KEY)
        # loading an expired or unknown session dropped its key: renewing it would create a new one
        if not session.session_key:
            return response
        now = int(timezone.now().timestamp())
        if not isinstance(refreshed, int) or not 0 <= now - refreshed < session_refresh_seconds():
            session[SESSION_REFRESHED_KEY] = now  # marks it modified: SessionMiddleware saves it
        return response
