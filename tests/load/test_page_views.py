"""A page view writes nothing to the database: the session is renewed once a minute at most
(accounts.security.SessionRefreshMiddleware), not on every request, and still ends after
SESSION_IDLE_MINUTES of inactivity."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def writes(queries):
    return [
        query["sql"] for query in queries.captured_queries if query["sql"].lstrip().upper().startswith(WRITES)
    ]


@pytest.fixture
def logged_in(client, kjj_officer):
    response = client.post(reverse("login"), {"username": "kjj_officer", "password": PASSWORD})
    assert response.status_code == 302
    client.get(reverse("desk:index"))  # the first page caches the avatar's address
    return client


def test_page_views_within_a_minute_write_nothing(logged_in, settings):
    assert not settings.SESSION_SAVE_EVERY_REQUEST
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        logged_in.get(reverse("desk:index"))  # renews once
        for _ in range(3):
            traveller.shift(datetime.timedelta(seconds=15))
            with CaptureQueriesContext(connection) as queries:
                assert logged_in.get(reverse("desk:index")).status_code == 200
            assert writes(queries) == []


def test_a_page_view_a_minute_later_renews_the_session_once(logged_in):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        logged_in.get(reverse("desk:index"))
        traveller.shift(datetime.timedelta(seconds=61))
        with CaptureQueriesContext(connection) as queries:
            assert logged_in.get(reverse("desk:index")).status_code == 200
        (write,) = writes(queries)
        assert "django_session" in write


def test_a_session_in_use_does_not_end_but_an_idle_one_does(logged_in, settings):
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        logged_in.get(reverse("desk:index"))
        # an hour and a half of work, a click every twenty minutes
        for _ in range(4):
            traveller.shift(datetime.timedelta(minutes=20))
            assert logged_in.get(reverse("desk:index")).status_code == 200
        traveller.shift(idle + datetime.timedelta(seconds=1))
        response = logged_in.get(reverse("desk:index"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_stale_session_cookie_creates_no_session(client, db):
    from django.contrib.sessions.models import Session

    client.cookies["sessionid"] = "no-such-session-key-000000000000"
    client.get(reverse("login"))
    client.get(reverse("login"))
    assert not Session.objects.exists()
