"""The production path, as `make run` takes it: DEBUG unset (off), a generated secret key,
collectstatic, gunicorn serving the static files through WhiteNoise.

The server runs in its own process group against a fresh VAR_DIR with its own SQLite database, so
the test never touches the test database or a shared PostgreSQL; the group is always killed.
"""

import gzip
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
# Settings the production server must take from its defaults, whatever this test process has.
CLEARED = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "LANGUAGE_CODE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_env(var_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST") and k not in CLEARED}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        VAR_DIR=str(var_dir),
        # as scripts/run.sh: plain HTTP on 127.0.0.1
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
    )
    return env


def manage(env, *args, timeout=300):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode()


def get(url, headers=None, timeout=10):
    """GET without following redirects; an HTTP error status is a response like any other."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return Response(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())


def stop(process):
    """Terminate the server's whole process group (master and workers), then kill what is left."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("production") / "var"
    env = production_env(var_dir)
    prepared = {}
    for step in (("migrate", "--no-input", "-v0"), ("createcachetable",), ("collectstatic", "--no-input")):
        result = manage(env, *step)
        assert result.returncode == 0, f"{' '.join(step)} failed:\n{result.stdout}\n{result.stderr}"
        prepared[step[0]] = result
    key_after_migrate = (var_dir / "secret_key").read_text()

    port = free_port()
    log = (var_dir / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "config.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, killed as one
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}:\n{read_log(var_dir)}")
            try:
                if get(f"{base}/healthz", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer /healthz within 60 s:\n{read_log(var_dir)}")
            time.sleep(0.25)
        yield {
            "base": base,
            "env": env,
            "var_dir": var_dir,
            "prepared": prepared,
            "key_after_migrate": key_after_migrate,
        }
    finally:
        stop(process)
        log.close()


def read_log(var_dir):
    return (var_dir / "gunicorn.log").read_text()[-5000:]


def manifest(var_dir):
    return json.loads((var_dir / "static" / "staticfiles.json").read_text())["paths"]


def test_collectstatic_succeeds_with_debug_off(server):
    var_dir = server["var_dir"]
    assert server["prepared"]["collectstatic"].returncode == 0
    paths = manifest(var_dir)
    # the stylesheet viewflow's pages load, and the one whose fonts are missing from the wheel
    assert re.fullmatch(
        r"viewflow/css/viewflow\.min\.[0-9a-f]{12}\.css", paths["viewflow/css/viewflow.min.css"]
    )
    css = (var_dir / "static" / paths["viewflow/fonts/roboto/roboto-fontface.css"]).read_text()
    assert re.search(r"Roboto-Thin\.[0-9a-f]{12}\.woff2", css)
    assert (var_dir / "static" / (paths["viewflow/css/viewflow.min.css"] + ".gz")).exists()

    again = manage(server["env"], "collectstatic", "--no-input", "-v0", timeout=120)
    assert again.returncode == 0, again.stderr
    assert manifest(var_dir) == paths


def test_static_files_are_served_by_whitenoise(server):
    base, var_dir = server["base"], server["var_dir"]
    plain = get(f"{base}/static/viewflow/css/viewflow.min.css")
    assert plain.status == 200
    assert plain.headers["Content-Type"].startswith("text/css")

    hashed_name = manifest(var_dir)["viewflow/css/viewflow.min.css"]
    hashed = get(f"{base}/static/{hashed_name}", headers={"Accept-Encoding": "gzip"})
    assert hashed.status == 200
    assert hashed.headers["Content-Type"].startswith("text/css")
    assert "immutable" in hashed.headers["Cache-Control"]
    assert hashed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(hashed.body) == (var_dir / "static" / hashed_name).read_bytes()

    script = get(f"{base}/static/{manifest(var_dir)['viewflow/js/viewflow.min.js']}")
    assert script.status == 200
    assert "javascript" in script.headers["Content-Type"]


def test_the_login_page_loads_with_hashed_static_files(server):
    base = server["base"]
    page = get(f"{base}/accounts/login/")
    assert page.status == 200
    assert 'name="csrfmiddlewaretoken"' in page.text
    assert page.headers["Content-Language"] == "zh-hans"
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
    assert any(re.search(r"viewflow\.min\.[0-9a-f]{12}\.css$", asset) for asset in assets)
    for asset in assets:
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", asset), asset
        assert get(base + asset).status == 200, asset


def test_an_unknown_page_answers_the_chinese_404_page(server):
    response = get(f"{server['base']}/no-such-page/")
    assert response.status == 404
    assert "页面不存在，或属于其他部门的工作，您无权查看。" in response.text
    assert 'id="not-found"' in response.text
    # never Django's debug page
    assert "Using the URLconf" not in response.text
    assert "DEBUG = True" not in response.text


def test_healthz_answers(server):
    response = get(f"{server['base']}/healthz")
    assert response.status == 200
    assert json.loads(response.body)["status"] == "ok"


def test_the_generated_secret_key_is_private_and_reused(server):
    key_file = server["var_dir"] / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text() == server["key_after_migrate"]
    later = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DEBUG, settings.SECRET_KEY)",
        ],
        cwd=ROOT,
        env=server["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert later.returncode == 0, later.stderr
    assert later.stdout.split() == ["False", key_file.read_text().strip()]


def test_the_500_page_is_chinese_and_needs_no_request_context_nor_database():
    """Django renders 500.html with an empty context; no django_db mark: a query would fail."""
    from django.views.defaults import server_error

    with translation.override("zh-hans"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "系统出错" in page
    assert "系统内部出现错误，已记录在日志中，请稍后再试。" in page
    assert "/static/" not in page


def test_the_403_page_is_chinese():
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with translation.override("zh-hans"):
        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "您的角色无权执行此操作。" in response.content.decode()
