"""deploy/nginx.conf is a site nginx accepts (`nginx -t`), where nginx is installed."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed")


def test_nginx_accepts_the_site(tmp_path):
    key, certificate = tmp_path / "dubian.key", tmp_path / "dubian.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=dubian",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("/etc/ssl/certs/dubian.pem", str(certificate))
    site = site.replace("/etc/ssl/private/dubian.key", str(key))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(
        [NGINX, "-t", "-e", "stderr", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_the_error_pages_nginx_shows_are_chinese():
    for name in ("413.html", "502.html"):
        page = (ROOT / "deploy" / "nginx-errors" / name).read_text()
        assert '<html lang="zh-CN">' in page
        assert "<script" not in page and "javascript:" not in page
    assert "上传的文件过大" in (ROOT / "deploy" / "nginx-errors" / "413.html").read_text()
