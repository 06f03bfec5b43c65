"""Login lock-out (5 failures in 15 minutes, per user name and per client address) and the
audit records of logins."""

import datetime

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, LoginFailure


def client_ip(request):
    """The client's address; behind our own reverse proxy, the last X-Forwarded-For hop."""
    if request is None:
        return None
    if settings.USE_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or None


def login_is_locked(*, username, ip_address):
    since = timezone.now() - datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    recent = LoginFailure.objects.filter(at__gte=since)
    limit = settings.LOGIN_FAILURE_LIMIT
    if recent.filter(username=username.lower()).count() >= limit:
        return True
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() >= limit


@receiver(user_login_failed)
def _record_failed_login(sender, credentials, request=None, **kwargs):
    username = (credentials.get("username") or "")[:150]
    ip_address = client_ip(request)
    LoginFailure.objects.create(username=username.lower(), ip_address=ip_address)
    audit_record(
        action=AuditEvent.Action.LOGIN_FAILED,
        summary=f"登录失败：{username}",
        ip_address=ip_address,
    )


@receiver(user_logged_in)
def _record_login(sender, request, user, **kwargs):
    LoginFailure.objects.filter(username=user.get_username().lower()).delete()
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
