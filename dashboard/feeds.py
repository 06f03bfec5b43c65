"""Calendar feeds (iCalendar, RFC 5545): each user's open deadlines as all-day events."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.access import departments_of
from dashboard.models import CalendarFeed, token_digest
from dashboard.stats import drill_rows
from workflows.escalation.access import deadlines_for_user

FEED_LIMIT = 500
PAST_DAYS = 90


def calendar_feed_create(*, user):
    """A new feed for ``user`` (any live one is revoked): returns (feed, token); the token is
    shown this once and only its digest is kept."""
    token = CalendarFeed.new_token()
    with transaction.atomic():
        calendar_feeds_revoke(user=user)
        feed = CalendarFeed.objects.create(user=user, token_sha256=token_digest(token))
    return feed, token


def calendar_feeds_revoke(*, user):
    """Revoke the user's live feed: its URL is refused from now on."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def calendar_feed_for_token(token):
    """The live feed of a token, or None (unknown or revoked); its owner must still be active."""
    if not token:
        return None
    feed = (
        CalendarFeed.objects.filter(
            token_sha256=token_digest(token), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if feed is not None:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed


def feed_deadlines(user, today):
    """The open deadlines of the user's own steps and of their departments' (a leader's: those
    they oversee), from three months back, soonest first."""
    mine = Q(task__owner=user) | Q(department_id__in=departments_of(user))
    return (
        deadlines_for_user(user)
        .filter(mine, closed_at__isnull=True, due__gte=today - datetime.timedelta(days=PAST_DAYS))
        .order_by("due", "pk")[:FEED_LIMIT]
    )


def _escape(text):
    return str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line):
    """Lines of at most 75 octets, continued with a space (RFC 5545 3.1), never splitting a character."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def calendar_ical(user, *, now=None):
    """The feed's text."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    host = settings.SITE_URL.split("//")[-1].split("/")[0]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//joint-meeting//deadlines//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape('督办期限 · ' + user.get_short_name())}",
        f"X-WR-TIMEZONE:{settings.TIME_ZONE}",
    ]
    for row in drill_rows(feed_deadlines(user, today), today):
        deadline = row["deadline"]
        summary = f"{row['step']}截止：{row['title']}（{deadline.department.short_name}）"
        lines += [
            "BEGIN:VEVENT",
            f"UID:deadline-{deadline.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{deadline.due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{deadline.due + datetime.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(summary)}",
            f"URL:{settings.SITE_URL.rstrip('/')}{row['url']}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
