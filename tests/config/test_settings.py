"""A bad environment variable stops start-up with a message naming the variable."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def var_dir(tmp_path, monkeypatch):
    """Each start keeps its files (secret key, broker folders) in a fresh VAR_DIR."""
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    return tmp_path / "var"


def start_django(code="print('started')", **overrides):
    """Start Django in a new process as production does: no pytest variables, DEBUG unset."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST") and k != "DEBUG"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_defaults_start():
    result = start_django()
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_debug_is_off_by_default():
    result = start_django("from django.conf import settings; print(settings.DEBUG)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False"]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "notadb://x"),
        ("CACHE_URL", "memcached://127.0.0.1"),
        ("CELERY_BROKER_URL", "carrier-pigeon://coop"),
        ("DEBUG", "maybe"),
        ("SECURE_COOKIES", "sometimes"),
        ("EMAIL_PORT", "twenty-five"),
        ("TIME_ZONE", "Mars/Olympus"),
        ("LANGUAGE_CODE", "fr"),
        ("LOG_LEVEL", "LOUD"),
        ("DIGEST_TIME", "half past eight"),
        ("ESCALATION_NOTICE_TIME", "25:00"),
        ("ESCALATION_SUPERVISE_WORKING_DAYS", "0"),
        ("NOTIFICATION_RETRY_SECONDS", "soon"),
    ],
)
def test_bad_value_fails_naming_the_variable(variable, value):
    result = start_django(**{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Environment variable {variable}=" in result.stderr


PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def test_production_generates_a_secret_key_once_and_keeps_it(var_dir):
    first = start_django(PRINT_KEY, SECRET_KEY="")
    assert first.returncode == 0, first.stderr
    key_file = var_dir / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.stdout.strip() == key_file.read_text().strip()
    assert len(first.stdout.strip()) >= 50

    second = start_django(PRINT_KEY)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout


def test_processes_starting_together_agree_on_one_generated_key(var_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    code = "import sys; from config.env import read_or_create_secret_key as r; print(r(sys.argv[1]))"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(var_dir / "secret_key")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    keys = {process.communicate(timeout=60)[0] for process in processes}
    assert len(keys) == 1
    assert keys == {(var_dir / "secret_key").read_text()}
    assert [path.name for path in var_dir.iterdir()] == ["secret_key"]


def test_the_secret_key_variable_wins_over_the_file(var_dir):
    var_dir.mkdir()
    (var_dir / "secret_key").write_text("from-the-file")
    result = start_django(PRINT_KEY, SECRET_KEY="from-the-environment")
    assert result.stdout.strip() == "from-the-environment"
    result = start_django(PRINT_KEY)
    assert result.stdout.strip() == "from-the-file"


def test_development_uses_the_development_key_and_writes_no_file(var_dir):
    result = start_django(PRINT_KEY, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("development-only")
    assert not (var_dir / "secret_key").exists()


def test_an_unwritable_var_dir_without_secret_key_fails_naming_the_variable(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = start_django(VAR_DIR=str(blocker / "var"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Environment variable SECRET_KEY is not set" in result.stderr


def test_production_keeps_the_https_protections_unless_told_otherwise():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    )
    assert start_django(code).stdout.split() == ["True", "True", "True", "31536000"]
    demo = start_django(code, SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0", SECURE_HSTS_SECONDS="0")
    assert demo.stdout.split() == ["False", "False", "False", "0"]


def test_the_http_sms_gateway_needs_its_url():
    result = start_django(SMS_BACKEND="workflows.notifications.sms.HttpSmsBackend", SMS_GATEWAY_URL="")
    assert result.returncode != 0
    assert "Environment variable SMS_GATEWAY_URL is required" in result.stderr


def test_a_sentinel_broker_needs_its_master_name():
    result = start_django(CELERY_BROKER_URL="sentinel://10.0.0.1:26379;sentinel://10.0.0.2:26379")
    assert result.returncode != 0
    assert "Environment variable CELERY_BROKER_SENTINEL_MASTER is required" in result.stderr


def test_a_sentinel_broker_asks_for_the_named_primary():
    result = start_django(
        "from django.conf import settings; print(settings.CELERY_BROKER_TRANSPORT_OPTIONS['master_name'])",
        CELERY_BROKER_URL="sentinel://10.0.0.1:26379;sentinel://10.0.0.2:26379",
        CELERY_BROKER_SENTINEL_MASTER="jointmeeting",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["jointmeeting"]
