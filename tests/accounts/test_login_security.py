import datetime
import os
import secrets
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from axes.models import AccessAttempt
from django.urls import reverse

from accounts.models import AuditEvent, User
from tests.conftest import PASSWORD

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime.datetime(2024, 5, 6, 9, 0, tzinfo=SHANGHAI)
ROOT = Path(__file__).resolve().parents[2]


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client):
    return "_auth_user_id" in client.session


def test_five_failures_lock_the_user_from_every_address_for_fifteen_minutes(client, kjj_officer):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(4):
            assert attempt(client, "kjj_officer", "wrong").status_code == 200
        # the fifth failure already says why the next attempts are refused
        response = attempt(client, "kjj_officer", "wrong")
        assert response.status_code == 200
        assert "登录失败次数过多，请15分钟后再试" in response.content.decode()
        response = attempt(client, "kjj_officer", PASSWORD)
        assert not logged_in(client)
        assert "登录失败次数过多，请15分钟后再试" in response.content.decode()
        # the lock follows the user name to another address
        response = attempt(client, "kjj_officer", PASSWORD, address="10.0.0.2")
        assert response.status_code == 200
        assert "登录失败次数过多，请15分钟后再试" in response.content.decode()
        assert not logged_in(client)

        traveller.shift(datetime.timedelta(minutes=14))
        attempt(client, "kjj_officer", PASSWORD, address="10.0.0.3")
        assert not logged_in(client)
        traveller.shift(datetime.timedelta(minutes=2))
        assert attempt(client, "kjj_officer", PASSWORD, address="10.0.0.3").status_code == 302
        assert logged_in(client)
    # attempts refused by the lock-out are failed logins too: 5 + 2 at the start + 1 after 14 minutes
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count() == 8
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN, actor=kjj_officer).count() == 1
    # the successful login forgets the failures
    assert not AccessAttempt.objects.filter(username="kjj_officer").exists()


def test_trying_on_while_locked_out_keeps_the_lock_going(client, kjj_officer):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            attempt(client, "kjj_officer", "wrong")
        traveller.shift(datetime.timedelta(minutes=10))
        attempt(client, "kjj_officer", PASSWORD)
        traveller.shift(datetime.timedelta(minutes=10))
        attempt(client, "kjj_officer", PASSWORD)
        assert not logged_in(client)
        traveller.shift(datetime.timedelta(minutes=16))
        assert attempt(client, "kjj_officer", PASSWORD).status_code == 302
        assert logged_in(client)


def test_failures_at_one_office_address_never_lock_out_a_colleague_there(client, kjj_officer, kx_officer):
    # a whole bureau sits behind one NAT address: guessed user names and one person's lock-out
    # there must not keep anyone else out
    with time_machine.travel(START, tick=False):
        for number in range(5):
            attempt(client, f"guess{number}", "wrong", address="10.9.9.9")
        for _ in range(5):
            attempt(client, "kjj_officer", "wrong", address="10.9.9.9")
        assert attempt(client, "kjj_officer", PASSWORD, address="10.9.9.9").status_code == 200
        assert not logged_in(client)
        assert attempt(client, "kx_officer", PASSWORD, address="10.9.9.9").status_code == 302
        assert logged_in(client)


def test_fewer_failures_than_the_limit_do_not_lock(client, kjj_officer):
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            attempt(client, "kjj_officer", "wrong")
        assert attempt(client, "kjj_officer", PASSWORD).status_code == 302
        assert logged_in(client)


def test_failures_and_the_lock_out_are_audited(client, kjj_officer):
    with time_machine.travel(START, tick=False):
        for _ in range(7):
            attempt(client, "kjj_officer", "wrong", address="10.0.0.5")
    failures = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED)
    assert failures.count() == 7
    assert set(failures.values_list("summary", "ip_address")) == {("登录失败：kjj_officer", "10.0.0.5")}
    # one lock-out, when the fifth failure reached the limit, not one per refused attempt
    locked = AuditEvent.objects.get(action=AuditEvent.Action.LOCKED_OUT)
    assert locked.ip_address == "10.0.0.5"
    assert locked.after == {"username": "kjj_officer"}
    assert "kjj_officer" in locked.summary
    assert locked.at == START
    assert locked.actor is None


def test_session_ends_after_thirty_idle_minutes(client, kjj_officer):
    with time_machine.travel(START, tick=False) as traveller:
        assert attempt(client, "kjj_officer", PASSWORD).status_code == 302
        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("desk:index")).status_code == 200  # activity renews the session
        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("desk:index")).status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("desk:index"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_weak_password_is_refused_when_the_secretariat_creates_a_user(client, secretariat, kjj):
    client.force_login(secretariat)
    response = client.post(
        reverse("manage:user_create"),
        {
            "username": "newbie",
            "name": "新人",
            "department": kjj.pk,
            "roles": ["officer"],
            "password": "12345678",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="newbie").exists()


def test_check_deploy_reports_nothing_with_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW_ASYNC"))},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "dubian.example.gov.cn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_admin_login_respects_the_lock_out(client, db):
    from tests.conftest import make_user

    admin = make_user("root", "管理员", None)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            client.post(reverse("admin:login"), {"username": "root", "password": "wrong"})
        response = client.post(reverse("admin:login"), {"username": "root", "password": PASSWORD})
        assert not logged_in(client)
        # a page that explains the lock-out rather than a bare refusal
        assert response.status_code == 429
        assert "登录失败次数过多，请15分钟后再试" in response.content.decode()
        # and the lock holds on our own login page too
        attempt(client, "root", PASSWORD)
        assert not logged_in(client)


def test_x_forwarded_for_is_ignored_unless_we_are_behind_our_proxy(client, kjj_officer, settings):
    settings.USE_X_FORWARDED_FOR = False
    client.post(
        reverse("login"),
        {"username": "kjj_officer", "password": "wrong"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="10.6.6.6",
    )
    assert AccessAttempt.objects.get().ip_address == "10.0.0.1"
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED).ip_address == "10.0.0.1"


def test_behind_our_proxy_the_client_is_the_last_forwarded_hop(client, kjj_officer, kx_officer, settings):
    settings.USE_X_FORWARDED_FOR = True
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            client.post(
                reverse("login"),
                {"username": "kjj_officer", "password": "wrong"},
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR="10.6.6.6, 10.0.0.8",  # the first hop is whatever the client sent
            )
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.8"}
        locked = AuditEvent.objects.get(action=AuditEvent.Action.LOCKED_OUT)
        assert locked.ip_address == "10.0.0.8"
        # everyone arrives from the proxy's address, and nobody else is locked out by it
        response = client.post(
            reverse("login"),
            {"username": "kx_officer", "password": PASSWORD},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="10.0.0.8",
        )
        assert response.status_code == 302
        assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN).ip_address == "10.0.0.8"


def test_a_forwarded_hop_that_is_no_address_falls_back_to_the_peer(client, kjj_officer, settings):
    settings.USE_X_FORWARDED_FOR = True
    client.post(
        reverse("login"),
        {"username": "kjj_officer", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="not-an-address",
    )
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"


def test_failures_from_five_different_addresses_lock_the_user_name(client, kjj_officer):
    with time_machine.travel(START, tick=False):
        for number in range(5):
            attempt(client, "kjj_officer", "wrong", address=f"10.0.1.{number}")
        response = attempt(client, "kjj_officer", PASSWORD, address="10.0.9.9")
        assert "登录失败次数过多" in response.content.decode()
        assert not logged_in(client)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED_OUT).count() == 1


def test_user_names_differing_only_in_letter_case_count_together(client, kjj_officer):
    with time_machine.travel(START, tick=False):
        for username in ("KJJ_OFFICER", "Kjj_Officer", "kjj_Officer", " kjj_officer ", "kjj_officeR"):
            attempt(client, username, "wrong")
        response = attempt(client, "kjj_officer", PASSWORD, address="10.0.0.2")
        assert "登录失败次数过多" in response.content.decode()
        assert not logged_in(client)


def test_four_failures_spread_over_addresses_do_not_lock(client, kjj_officer):
    with time_machine.travel(START, tick=False):
        for number in range(4):
            attempt(client, "kjj_officer", "wrong", address=f"10.0.1.{number}")
        assert attempt(client, "kjj_officer", PASSWORD, address="10.0.9.9").status_code == 302
        assert logged_in(client)
