import datetime
import os
import secrets
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
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


def test_five_failures_lock_the_user_for_fifteen_minutes(client, kjj_officer):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            assert attempt(client, "kjj_officer", "wrong").status_code == 200
        response = attempt(client, "kjj_officer", PASSWORD)
        assert not logged_in(client)
        assert "登录失败次数过多，请15分钟后再试" in response.content.decode()
        # the lock follows the user to another address
        assert attempt(client, "kjj_officer", PASSWORD, address="10.0.0.2").status_code == 200
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


def test_five_failures_from_one_address_lock_that_address(client, kjj_officer, kx_officer):
    with time_machine.travel(START, tick=False):
        for number in range(5):
            attempt(client, f"guess{number}", "wrong", address="10.9.9.9")
        attempt(client, "kx_officer", PASSWORD, address="10.9.9.9")
        assert not logged_in(client)
        assert attempt(client, "kjj_officer", PASSWORD, address="10.0.0.7").status_code == 302
        assert logged_in(client)


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
        client.post(reverse("admin:login"), {"username": "root", "password": PASSWORD})
        assert not logged_in(client)
