"""System accounts and their API tokens: the secretariat creates an account for another system
(tied to one department, or to none for an account that sees everything), issues and revokes its
tokens; every change is audited. A token is a random key shown once; only its SHA-256 is stored."""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import ApiToken, AuditEvent, Role, User, UserRole

KEY_PREFIX = "jm_"
# a token's use is written at most this often (an API call otherwise writes nothing)
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def _key_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def system_account_create(*, name, department, actor):
    """A system account: an officer of ``department`` (its scope is the department's), or, with no
    department, of the secretariat (its scope is everything). It has no usable password."""
    username = f"api-{secrets.token_hex(4)}"
    while User.objects.filter(username=username).exists():
        username = f"api-{secrets.token_hex(4)}"
    account = User(username=username, name=name, department=department, is_system_account=True)
    account.set_unusable_password()
    account.save()
    UserRole.objects.create(user=account, role=Role.OFFICER if department else Role.SECRETARIAT)
    audit_record(
        action=AuditEvent.Action.USER_CHANGE,
        summary=f"创建系统账号：{name}（{department or '联席会议办公室'}）",
        actor=actor,
        obj=account,
        department=department,
        after={"username": username, "name": name, "department": department.code if department else None},
    )
    return account


@transaction.atomic
def api_token_issue(*, account, label, actor):
    """Issue a token to a system account. Returns (token, key): the key is shown once."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        account=account,
        label=label,
        prefix=key[: len(KEY_PREFIX) + 6],
        key_hash=_key_hash(key),
        created_by=actor,
    )
    audit_record(
        action=AuditEvent.Action.API_TOKEN_ISSUE,
        summary=f"为系统账号{account.name}签发接口令牌“{label}”（{token.prefix}…）",
        actor=actor,
        obj=account,
        department=account.department,
        after={"token": token.pk, "prefix": token.prefix},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token, actor):
    """Revoke a token at once; revoking a revoked token changes nothing."""
    token = ApiToken.objects.select_for_update().select_related("account").get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at, token.revoked_by = timezone.now(), actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        action=AuditEvent.Action.API_TOKEN_REVOKE,
        summary=f"收回系统账号{token.account.name}的接口令牌“{token.label}”（{token.prefix}…）",
        actor=actor,
        obj=token.account,
        department=token.account.department,
        before={"token": token.pk, "prefix": token.prefix},
    )
    return token


def api_token_account(key):
    """The active system account holding ``key``, or None (unknown, revoked, account disabled)."""
    if not key.startswith(KEY_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("account__department")
        .filter(key_hash=_key_hash(key), revoked_at__isnull=True, account__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.account
