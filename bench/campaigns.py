"""Benchmark: a reporting campaign at full size (DESIGN.md section 7, issue 13).

In a scratch database of its own (created and dropped here): a 30-day campaign, 60 host
departments each hosting an activity over the whole window, and 1,800 daily reports (one per
host and day, some late, some nil). Measures, as the collecting department's officer:
  - the matrix page and its JSON (p50/p95 over REQUESTS requests, target p95 < 100 ms) and their
    query count, which must equal the count at 5 hosts;
  - the daily brief of one day with 40 photos (camera-size JPEGs), rendered as the worker does
    (target < 5 s).
Prints ``figure <name> = <value> <unit> (target ...)`` lines; exits 1 when a target is missed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jm_campaigns \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/1 CACHE_URL=redis://127.0.0.1:6379/2 \\
    python bench/campaigns.py [--requests 50]
"""

import argparse
import datetime
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from accounts.models import Department, User, UserRole  # noqa: E402
from tasks.campaigns import brief, services  # noqa: E402
from tasks.campaigns.models import Campaign, CampaignBrief, DailyReport  # noqa: E402
from tasks.campaigns.photos import photo_store  # noqa: E402

DAYS = 30
HOSTS = 60
SMALL_HOSTS = 5
PHOTOS = 40
REQUESTS = 50
TARGET_MATRIX_P95_MS = 100
TARGET_BRIEF_S = 5.0
START = datetime.date(2017, 9, 1)

TEST_CLIENT_SETTINGS = {
    "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"],
    "SECURE_SSL_REDIRECT": False,
    "SESSION_COOKIE_SECURE": False,
    "CSRF_COOKIE_SECURE": False,
    "SECURE_HSTS_SECONDS": 0,
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    "WHITENOISE_USE_FINDERS": True,
}


def say(message):
    print(message, file=sys.stderr, flush=True)


def figure(name, value, unit, target):
    print(f"figure {name} = {value} {unit} ({target})", flush=True)


def build(hosts):
    organiser = Department.objects.create(
        code="bench-fgw", name="基准市发展和改革委员会", short_name="市发改委"
    )
    officer = User.objects.create_user(username="bench_fgw", password="x", name="陈莉", department=organiser)
    UserRole.objects.create(user=officer, role="officer")
    campaign = Campaign.objects.create(
        title="基准活动月",
        organiser=organiser,
        starts_on=START,
        ends_on=START + datetime.timedelta(days=DAYS - 1),
        closes_on=START + datetime.timedelta(days=DAYS + 5),
    )
    add_hosts(campaign, officer, 0, hosts)
    return campaign, officer


def add_hosts(campaign, officer, start, count):
    """Hosts with an activity over the whole window and a report for every day."""
    reports = []
    for number in range(start, start + count):
        host = Department.objects.create(
            code=f"bench-host-{number}", name=f"基准主办单位{number}", short_name=f"单位{number}"
        )
        services.activity_add(
            campaign=campaign,
            name=f"活动{number}",
            hosts=[host],
            starts_on=campaign.starts_on,
            ends_on=campaign.ends_on,
        )
        for offset in range(DAYS):
            day = campaign.starts_on + datetime.timedelta(days=offset)
            due = campaign.due_at(day)
            late = (number + offset) % 7 == 0
            reports.append(
                DailyReport(
                    campaign=campaign,
                    department=host,
                    day=day,
                    is_nil=(number + offset) % 5 == 0,
                    text=f"单位{number}第{offset + 1}天活动信息。",
                    submitted_by=officer,
                    submitted_at=due + datetime.timedelta(hours=2 if late else -3),
                    is_late=late,
                )
            )
    DailyReport.objects.bulk_create(reports, batch_size=2000)


def measure(client, url, requests):
    client.get(url)
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    # An execute wrapper sees every query, whatever the debug cursor and the query log do.
    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], len(executed)


def photo(number):
    image = Image.new("RGB", (4000, 3000), (number * 5 % 255, 120, 200 - number * 3 % 200))
    draw = ImageDraw.Draw(image)
    for line in range(0, 4000, 40):
        draw.line((line, 0, 4000 - line, 3000), fill=(255, (line * 7) % 255, 0), width=3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return SimpleUploadedFile(f"现场{number}.jpg", out.getvalue(), content_type="image/jpeg")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=REQUESTS)
    args = parser.parse_args()
    settings.DATABASES["default"].setdefault("TEST", {})
    settings.DATABASES["default"]["TEST"]["NAME"] = f"bench_campaigns_{settings.DATABASES['default']['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    media = tempfile.TemporaryDirectory()
    overrides = override_settings(**TEST_CLIENT_SETTINGS, MEDIA_ROOT=media.name)
    overrides.enable()
    cache.clear()
    missed = []
    try:
        say(f"Building a {DAYS}-day campaign with {SMALL_HOSTS} hosts")
        campaign, officer = build(SMALL_HOSTS)
        client = Client()
        client.force_login(officer)
        pages = {
            "matrix": reverse("campaigns:matrix", args=[campaign.pk]),
            "matrix_data": reverse("campaigns:matrix_data", args=[campaign.pk]),
        }
        small = {name: measure(client, url, 5) for name, url in pages.items()}
        say(f"Adding hosts up to {HOSTS}")
        add_hosts(campaign, officer, SMALL_HOSTS, HOSTS - SMALL_HOSTS)
        connection.cursor().execute("ANALYZE")
        figure(
            "campaign_reports",
            DailyReport.objects.filter(campaign=campaign).count(),
            "reports",
            f"{HOSTS} hosts × {DAYS} days",
        )
        for name, url in pages.items():
            p50, p95, queries = measure(client, url, args.requests)
            figure(f"{name}_p50", f"{p50:.1f}", "ms", f"{args.requests} requests")
            figure(f"{name}_p95", f"{p95:.1f}", "ms", f"target < {TARGET_MATRIX_P95_MS}")
            figure(
                f"{name}_queries",
                queries,
                "queries",
                f"at {SMALL_HOSTS} hosts: {small[name][2]}; target = same",
            )
            if p95 >= TARGET_MATRIX_P95_MS:
                missed.append(f"{name} p95 {p95:.0f} ms")
            if queries != small[name][2]:
                missed.append(f"{name} queries {small[name][2]} → {queries}")

        say(f"Storing {PHOTOS} camera-size photos (4000×3000 JPEG) with one report")
        day = campaign.starts_on + datetime.timedelta(days=DAYS - 1)
        host = Department.objects.get(code="bench-host-0")
        DailyReport.objects.filter(campaign=campaign, department=host, day=day).delete()
        started = time.perf_counter()
        photos = [photo_store(upload=photo(n), user=officer, department=host) for n in range(PHOTOS)]
        store_seconds = time.perf_counter() - started
        report = DailyReport.objects.create(
            campaign=campaign, department=host, day=day, text="带照片的活动信息。", submitted_by=officer
        )
        for item in photos:
            item.report = report
            item.save(update_fields=["report"])
        figure(
            "photo_store_each",
            f"{store_seconds / PHOTOS * 1000:.0f}",
            "ms",
            "check + thumbnail + print copy, per photo",
        )
        day_brief = CampaignBrief.objects.create(
            campaign=campaign, day=day, issue=DAYS, created_at=timezone.now()
        )
        started = time.perf_counter()
        assert brief.brief_render(brief_id=day_brief.pk)
        seconds = time.perf_counter() - started
        day_brief.refresh_from_db()
        figure(
            "brief_40_photos",
            f"{seconds:.2f}",
            "s",
            f"target < {TARGET_BRIEF_S}; {HOSTS} reports, {PHOTOS} photos, "
            f"{day_brief.pdf.size / 1024 / 1024:.1f} MB PDF",
        )
        if seconds >= TARGET_BRIEF_S:
            missed.append(f"brief {seconds:.1f} s")
    finally:
        overrides.disable()
        cache.clear()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        media.cleanup()
    if missed:
        say("Missed: " + "; ".join(missed))
        sys.exit(1)


if __name__ == "__main__":
    main()
