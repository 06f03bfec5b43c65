"""Calendar feeds: the user's deadlines as iCalendar events, by a secret token that can be revoked."""

import re

import pytest
from django.urls import reverse

from dashboard import feeds
from dashboard.models import CalendarFeed, token_digest

pytestmark = pytest.mark.django_db


def unfold(text):
    return text.replace("\r\n ", "")


def events(text):
    return re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", unfold(text), re.S)


def test_the_feed_holds_the_users_departments_open_deadlines(client, world):
    _feed, token = feeds.calendar_feed_create(user=world["people"]["kjj_officer"])
    response = client.get(reverse("dashboard:calendar_feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    found = events(text)
    # 科技局's four open steps, soonest first; not 科协's input nor 教育局's, not the closed one
    assert [re.search(r"DTSTART;VALUE=DATE:(\d+)", event).group(1) for event in found] == [
        "20260309",
        "20260312",
        "20260318",
        "20260410",
    ]
    deadline = world["deadlines"]["red"]
    assert f"UID:deadline-{deadline.pk}@" in found[0] and "DTEND;VALUE=DATE:20260310" in found[0]
    assert "SUMMARY:" in found[0] and "科技局红灯任务" in found[0] and "（科技局）" in found[0]
    assert world["duties"]["red"].get_absolute_url() + "#timeline" in found[0]
    assert "教育局保密红灯任务" not in text


def test_a_leaders_feed_holds_the_departments_they_oversee(client, world):
    _feed, token = feeds.calendar_feed_create(user=world["people"]["kjj_leader"])
    text = client.get(reverse("dashboard:calendar_feed", args=[token])).content.decode()
    assert len(events(text)) == 4 and "教育局" not in text


def test_a_revoked_or_replaced_token_is_refused(client, world):
    user = world["people"]["kjj_officer"]
    client.force_login(user)
    response = client.post(reverse("dashboard:calendar_feed_create"))
    assert response.status_code == 302
    page = client.get(reverse("dashboard:calendar_feed_settings")).content.decode()
    token = re.search(r"/dashboard/calendar/([\w-]+)\.ics", page).group(1)
    assert CalendarFeed.objects.get().token_sha256 == token_digest(token)  # only the digest is kept
    assert token not in client.get(reverse("dashboard:calendar_feed_settings")).content.decode()  # shown once
    client.logout()
    url = reverse("dashboard:calendar_feed", args=[token])
    assert client.get(url).status_code == 200  # no login: the token is the key
    client.force_login(user)
    assert client.post(reverse("dashboard:calendar_feed_revoke")).status_code == 302
    client.logout()
    assert client.get(url).status_code == 404
    _feed, second = feeds.calendar_feed_create(user=user)
    _feed, third = feeds.calendar_feed_create(user=user)  # a new address replaces the old one
    assert client.get(reverse("dashboard:calendar_feed", args=[second])).status_code == 404
    assert client.get(reverse("dashboard:calendar_feed", args=[third])).status_code == 200
    assert client.get(reverse("dashboard:calendar_feed", args=["guessed-token"])).status_code == 404


def test_a_deactivated_users_feed_is_refused(client, world):
    user = world["people"]["kjj_officer"]
    _feed, token = feeds.calendar_feed_create(user=user)
    user.is_active = False
    user.save()
    assert client.get(reverse("dashboard:calendar_feed", args=[token])).status_code == 404


def test_creating_and_revoking_take_a_post(client, world):
    client.force_login(world["people"]["kjj_officer"])
    assert client.get(reverse("dashboard:calendar_feed_create")).status_code == 405
    assert client.get(reverse("dashboard:calendar_feed_revoke")).status_code == 405
    assert not CalendarFeed.objects.exists()
