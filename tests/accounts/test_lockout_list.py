"""The secretariat's page of login lock-outs and its 解除锁定 button."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent
from tests.conftest import PASSWORD

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime.datetime(2024, 5, 6, 9, 0, tzinfo=SHANGHAI)


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def lock_out(username, address):
    """A user name locked out as five failures leave it, without going through the login page."""
    AccessAttempt.objects.create(
        username=username,
        ip_address=address,
        user_agent="<unknown>",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    AuditEvent.objects.create(
        action=AuditEvent.Action.LOCKED_OUT, summary=f"锁定{username}", after={"username": username}
    )


def test_secretariat_sees_a_lock_out_and_lifting_it_lets_the_user_in(client, secretariat, kjj_officer):
    officer = Client()
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(4):
            attempt(officer, "kjj_officer", "wrong", address="10.0.0.1")
        attempt(officer, "kjj_officer", "wrong", address="10.0.0.2")
        traveller.shift(datetime.timedelta(minutes=1))
        client.force_login(secretariat)
        response = client.get(reverse("manage:lockout_list"))
        assert response.status_code == 200
        page = response.content.decode()
        assert "kjj_officer" in page
        assert "张敏" in page
        assert "科技局" in page
        assert "10.0.0.1（4）" in page
        assert "10.0.0.2（1）" in page
        assert "2024-05-06 09:00:00" in page  # locked since the fifth failure
        assert "2024-05-06 09:15:00" in page  # until it is fifteen minutes old
        assert "解除锁定" in page
        [lockout] = response.context["lockouts"]
        assert lockout.failures == 5

        response = client.post(reverse("manage:lockout_lift"), {"username": "kjj_officer"})
        assert response.status_code == 302
        assert response["Location"] == reverse("manage:lockout_list")
        assert not AccessAttempt.objects.filter(username="kjj_officer").exists()
        lifted = AuditEvent.objects.get(action=AuditEvent.Action.LOCKOUT_LIFTED)
        assert lifted.actor == secretariat
        assert lifted.department == kjj_officer.department
        assert (lifted.content_type.model, lifted.object_id) == ("user", str(kjj_officer.pk))
        assert "已解除kjj_officer的登录锁定" in client.get(reverse("manage:lockout_list")).content.decode()

        assert attempt(officer, "kjj_officer", PASSWORD, address="10.0.0.1").status_code == 302
        assert "_auth_user_id" in officer.session


def test_lifting_a_user_name_that_is_not_locked_records_nothing(client, secretariat):
    client.force_login(secretariat)
    response = client.post(reverse("manage:lockout_lift"), {"username": "nobody"})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOCKOUT_LIFTED).exists()


def test_lift_without_a_user_name_is_a_bad_request(client, secretariat):
    client.force_login(secretariat)
    assert client.post(reverse("manage:lockout_lift"), {}).status_code == 400


def test_a_lock_out_that_has_run_out_is_not_listed(client, secretariat):
    with time_machine.travel(START, tick=False) as traveller:
        lock_out("kjj_officer", "10.0.0.1")
        traveller.shift(datetime.timedelta(minutes=16))
        client.force_login(secretariat)
        response = client.get(reverse("manage:lockout_list"))
    assert response.status_code == 200
    assert response.context["lockouts"] == []
    assert "kjj_officer" not in response.content.decode()


def test_failures_below_the_limit_are_not_listed(client, secretariat, kjj_officer):
    for _ in range(4):
        attempt(Client(), "kjj_officer", "wrong")
    client.force_login(secretariat)
    assert client.get(reverse("manage:lockout_list")).context["lockouts"] == []


def test_officer_cannot_see_or_lift_lock_outs(client, kjj_officer, kx_officer):
    lock_out("kx_officer", "10.0.0.1")
    client.force_login(kjj_officer)
    assert client.get(reverse("manage:lockout_list")).status_code == 403
    assert client.post(reverse("manage:lockout_lift"), {"username": "kx_officer"}).status_code == 403
    assert AccessAttempt.objects.filter(username="kx_officer").exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOCKOUT_LIFTED).exists()


def test_anonymous_visitor_is_refused(client, db):
    lock_out("kjj_officer", "10.0.0.1")
    # the management application refuses anyone who is not the secretariat, as for its other pages
    assert client.get(reverse("manage:lockout_list")).status_code == 403
    assert client.post(reverse("manage:lockout_lift"), {"username": "kjj_officer"}).status_code == 403
    assert AccessAttempt.objects.filter(username="kjj_officer").exists()


def test_get_on_lift_is_not_allowed(client, secretariat):
    client.force_login(secretariat)
    assert client.get(reverse("manage:lockout_lift")).status_code == 405


def test_lock_out_list_queries_do_not_grow_with_rows(client, secretariat, django_assert_num_queries):
    from tests.conftest import make_user

    client.force_login(secretariat)

    def lock_out_people(numbers):
        for number in numbers:
            make_user(f"person{number}", f"人员{number}", secretariat.department, "officer")
            lock_out(f"person{number}", f"10.0.{number}.1")

    lock_out_people(range(5))
    client.get(reverse("manage:lockout_list"))  # warms the per-process caches (content types, menu)
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("manage:lockout_list"))
    assert len(response.context["lockouts"]) == 5
    lock_out_people(range(5, 50))
    with django_assert_num_queries(len(five)):
        response = client.get(reverse("manage:lockout_list"))
    assert response.status_code == 200
    assert len(response.context["lockouts"]) == 50
    assert response.content.decode().count("解除锁定</button>") == 50
