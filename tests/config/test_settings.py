"""A bad environment variable stops start-up with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def start_django(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
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


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "notadb://x"),
        ("CACHE_URL", "memcached://127.0.0.1"),
        ("CELERY_BROKER_URL", "carrier-pigeon://coop"),
        ("DEBUG", "maybe"),
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


def test_production_requires_a_secret_key():
    env = {"DEBUG": "0", "SECRET_KEY": ""}
    result = start_django(**env)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_the_http_sms_gateway_needs_its_url():
    result = start_django(SMS_BACKEND="workflows.notifications.sms.HttpSmsBackend", SMS_GATEWAY_URL="")
    assert result.returncode != 0
    assert "Environment variable SMS_GATEWAY_URL is required" in result.stderr
