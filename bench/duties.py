"""Benchmark: duty tables at city scale (the import of a 500-row table, the duty grid).

Builds the 南通 data set in a scratch PostgreSQL database of its own (created and dropped here):
the demo data, then duty tables of 500 generated rows imported through the same code path as
the import page's confirm (``duty_table_parse`` + ``duty_table_import``) and timed, their duties
assigned through the service (``duty_assign``: access, audit trail, messages). That is the small
size (about 1,000 duties), measured first. Then duties are cloned in SQL from those real ones
(duties, their cooperating departments and their object permissions, spread over the 23 member
units and new tables, whose departments are then derived) up to the full size, and the duty grid
is measured again.

The grid is the URL ``duties:duty_list`` (``duties:index`` while the list has that name), as
科技局's officer: p50/p95 over REQUESTS requests and the query count of a request. Prints
``figure <name> = <value> <unit> (target ...)`` lines on stdout and progress on stderr; exits 1
if the grid's query count grows between the small and the full size. Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jm_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/13 CACHE_URL=redis://127.0.0.1:6379/12 \\
    python bench/duties.py [--duties 200000] [--rows 500] [--requests 50]
"""

import argparse
import collections
import gc
import io
import os
import random
import sys
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
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.desk import (  # noqa: E402
    TEST_CLIENT_SETTINGS,
    figure,
    percentile,
    queries_summary,
    say,
    scratch_end,
    sql,
    sql_rows,
    sql_value,
    units,
)
from demo.loader import demo_load  # noqa: E402
from tasks.duties.assignment import duty_assign  # noqa: E402
from tasks.duties.holders import table_departments_rebuild  # noqa: E402
from tasks.duties.importing import duty_table_import, duty_table_parse  # noqa: E402
from tasks.duties.models import Duty, JointMeeting  # noqa: E402

DUTIES = 200_000
ROWS = 500
REAL_TABLES = 2  # tables imported and assigned through the services: the small size
REQUESTS = 50
TABLE_ROWS_CLONED = 500
TARGET_IMPORT_S = 5
TARGET_P95_MS = 100
DEADLINES = [
    "2018年10月15日",
    "2018-12-31",
    "10月底",
    "2018年10月9日—15日",
    "年底前",
    "每季度末",
    "每月28日前",
    "长期坚持",
    "2018年6月底前完成，每季度末报送进展",
    "每周五",
]


def table_workbook(title, departments, rows, rng):
    """A duty table as the secretariat receives it: document number, title, header, ``rows``
    duties whose key task spans three rows (merged cells), departments by their full names and
    aliases, several per cell, deadlines in every form the import reads."""
    book = Workbook()
    sheet = book.active
    sheet.append(["通政发〔2018〕12号"])
    sheet.append([title])
    sheet.append(["序号", "重点任务", "具体措施", "牵头领导", "牵头单位", "配合单位", "完成时限"])
    for n in range(1, rows + 1):
        lead = departments[n % len(departments)]
        others = rng.sample([d for d in departments if d != lead], 2)
        written = rng.choice([lead.name, lead.short_name, f"市{lead.short_name}"])
        sheet.append(
            [
                n,
                f"重点任务{(n - 1) // 3 + 1}",  # merged over its three rows below
                f"具体措施{n}：按计划推进并按时报送进展情况",
                "分管副市长" if n % 5 == 0 else "",
                written,
                "、".join(d.short_name for d in others),
                DEADLINES[n % len(DEADLINES)],
            ]
        )
        if n % 3 == 1 and n + 2 <= rows:
            line = sheet.max_row
            sheet.merge_cells(start_row=line, start_column=2, end_row=line + 2, end_column=2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_table(content, meeting, secretariat):
    preview = duty_table_parse(content, meeting=meeting, file_name="bench.xlsx")
    if not preview.is_valid:
        raise SystemExit("the generated table does not import: " + "; ".join(preview.messages()[:5]))
    return duty_table_import(preview=preview, actor=secretariat)


def assign_table(table, secretariat):
    """交办 through the service, as the table page does; the status as the flow sets it."""
    for duty in table.duties.select_related("lead").prefetch_related("cooperating"):
        duty_assign(duty=duty, lead=duty.lead, cooperating=list(duty.cooperating.all()), actor=secretariat)
    table.duties.update(status=Duty.Status.IN_PROGRESS, assigned_at=timezone.now())


def clone(target, departments, meeting, rng):
    """Duties, their cooperating departments and their object permissions, copied in SQL from
    the imported ones, over new tables of TABLE_ROWS_CLONED rows each, up to ``target`` duties."""
    existing = Duty.objects.count()
    count = target - existing
    if count <= 0:
        return
    tables = (count + TABLE_ROWS_CLONED - 1) // TABLE_ROWS_CLONED
    first_table = sql_value("SELECT COALESCE(MAX(id), 0) + 1 FROM duties_dutytable")
    sql(
        "INSERT INTO duties_dutytable (id, meeting_id, title, source, issued_on) "
        "SELECT %s + n, %s, '基准克隆分解表' || n, '', NULL FROM generate_series(0, %s - 1) n",
        [first_table, meeting.pk, tables],
    )
    sql("SELECT setval(pg_get_serial_sequence('duties_dutytable', 'id'), %s)", [first_table + tables])
    # the plan: one row per cloned duty, its lead and one cooperating unit, and a template duty
    templates = list(Duty.objects.order_by("pk").values_list("pk", flat=True)[:500])
    first_duty = sql_value("SELECT COALESCE(MAX(id), 0) + 1 FROM duties_duty")
    sql("SELECT setval(pg_get_serial_sequence('duties_duty', 'id'), %s)", [first_duty + count])
    sql(
        "CREATE TEMP TABLE bench_duty_plan (id bigint, template bigint, table_id bigint, sequence int, "
        "lead_id bigint, lead_group int, co_id bigint, co_group int)"
    )
    buffer = io.StringIO()
    for n in range(count):
        lead = departments[rng.randrange(len(departments))]
        co = departments[rng.randrange(len(departments))]
        if co == lead:
            co = departments[(departments.index(lead) + 1) % len(departments)]
        fields = [
            first_duty + n,
            templates[n % len(templates)],
            first_table + n // TABLE_ROWS_CLONED,
            n % TABLE_ROWS_CLONED + 1,
            lead.pk,
            lead.group_id,
            co.pk,
            co.group_id,
        ]
        buffer.write("\t".join(str(field) for field in fields) + "\n")
    with connection.cursor() as cursor, cursor.cursor.copy("COPY bench_duty_plan FROM STDIN") as copy:
        copy.write(buffer.getvalue())
    # every other column copied from the template duty, so new columns need no change here
    planned = {"id": "p.id", "table_id": "p.table_id", "sequence": "p.sequence", "lead_id": "p.lead_id"}
    columns = [field.column for field in Duty._meta.concrete_fields]
    sql(
        f"INSERT INTO duties_duty ({', '.join(columns)}) "
        f"SELECT {', '.join(planned.get(column, f't.{column}') for column in columns)} "
        "FROM bench_duty_plan p JOIN duties_duty t ON t.id = p.template"
    )
    sql("INSERT INTO duties_duty_cooperating (duty_id, department_id) SELECT id, co_id FROM bench_duty_plan")
    duty_type = ContentType.objects.get_for_model(Duty)
    permissions = dict(
        sql_rows(
            "SELECT codename, id FROM auth_permission WHERE content_type_id = %s AND codename = ANY(%s)",
            [duty_type.pk, ["view_duty", "handle_duty"]],
        )
    )
    sql(
        "INSERT INTO guardian_groupobjectpermission (object_pk, content_type_id, group_id, permission_id) "
        "SELECT id::text, %s, lead_group, %s FROM bench_duty_plan "
        "UNION ALL SELECT id::text, %s, lead_group, %s FROM bench_duty_plan "
        "UNION ALL SELECT id::text, %s, co_group, %s FROM bench_duty_plan",
        [
            duty_type.pk,
            permissions["view_duty"],
            duty_type.pk,
            permissions["handle_duty"],
            duty_type.pk,
            permissions["view_duty"],
        ],
    )
    sql("DROP TABLE bench_duty_plan")
    table_departments_rebuild()  # the cloned tables' departments, as the signals keep them


def grid_url():
    try:
        return reverse("duties:duty_list")
    except NoReverseMatch:
        return reverse("duties:index")


def grid_measure(client, url, requests):
    """(seconds of each timed request, queries of a request)."""
    # A web worker holds its code and little else; this process also holds everything it built,
    # which full collections would walk again and again (a 165 ms pause every 15 requests).
    # Freeze it, as a server does its preloaded code, so each request pays only for itself.
    gc.collect()
    gc.freeze()
    times, queries = [], []
    for n in range(requests + 1):  # the first is a warm-up, not timed
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - began
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries.append(queries_summary(captured.captured_queries)[0])
        if n:
            times.append(elapsed)
    return times, min(queries)


def slowest_queries(client, url, shown=3):
    """Say the slowest queries of one request, to show where the grid's time goes."""
    timed = []

    def timer(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((time.perf_counter() - began, sql))

    with connection.execute_wrapper(timer):
        client.get(url)
    for seconds, statement in sorted(timed, reverse=True)[:shown]:
        say(f"  {seconds * 1000:6.1f} ms  {statement[:300]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duties", type=int, default=DUTIES)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database to study it")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/duties.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    rng = random.Random(2026)
    settings.DATABASES["default"].setdefault("TEST", {})
    settings.DATABASES["default"]["TEST"]["NAME"] = f"bench_duties_{settings.DATABASES['default']['NAME']}"
    say(f"Creating the scratch database {settings.DATABASES['default']['TEST']['NAME']}")
    run_started = time.perf_counter()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    connection.queries_limit = 1_000_000
    connection.queries_log = collections.deque(maxlen=connection.queries_limit)
    overrides = override_settings(**TEST_CLIENT_SETTINGS)
    overrides.enable()
    cache.clear()
    try:
        say("Loading the demo data")
        demo_load()
        departments = units()
        meeting = JointMeeting.objects.get(name="南通市大众创业万众创新联席会议")
        secretariat = User.objects.get(username="secretariat")
        officer = User.objects.get(username="kjj_officer")

        say(f"Importing {REAL_TABLES} tables of {args.rows} rows through the confirm's code path")
        seconds = []
        for n in range(REAL_TABLES):
            content = table_workbook(f"2018年重点任务分解表（基准{n + 1}）", departments, args.rows, rng)
            began = time.perf_counter()
            table = import_table(content, meeting, secretariat)
            seconds.append(time.perf_counter() - began)
            say(f"  {table.title}: {table.duties.count()} duties in {seconds[-1]:.2f} s; assigning")
            assign_table(table, secretariat)
        sql("ANALYZE")

        url = grid_url()
        client = Client()
        client.force_login(officer)
        small_count = Duty.objects.count()
        say(f"Measuring {url} at {small_count:,} duties")
        small_times, small_queries = grid_measure(client, url, args.requests)

        say(f"Cloning duties in SQL up to {args.duties:,}")
        began = time.perf_counter()
        clone(args.duties, departments, meeting, rng)
        sql("VACUUM ANALYZE")
        full_count = Duty.objects.count()
        say(f"  {full_count:,} duties in {time.perf_counter() - began:.0f} s")
        say(f"Measuring {url} at {full_count:,} duties")
        full_times, full_queries = grid_measure(client, url, args.requests)
        say("  request times (ms): " + " ".join(f"{t * 1000:.0f}" for t in full_times))
        slowest_queries(client, url)

        figure(
            f"duty_import_{args.rows}",
            f"{max(seconds):.2f}",
            "s",
            f"target < {TARGET_IMPORT_S}; slowest of {REAL_TABLES} imports, parse and create",
        )
        figure(
            "duty_grid_p50",
            f"{percentile(full_times, 0.5) * 1000:.0f}",
            "ms",
            f"at {full_count:,} duties; n={len(full_times)}",
        )
        figure(
            "duty_grid_p95",
            f"{percentile(full_times, 0.95) * 1000:.0f}",
            "ms",
            f"target < {TARGET_P95_MS}; at {full_count:,} duties; n={len(full_times)}; "
            f"at {small_count:,}: {percentile(small_times, 0.95) * 1000:.0f} ms",
        )
        figure(
            "duty_grid_queries",
            full_queries,
            "queries",
            f"at {small_count:,}: {small_queries}; target = same at both sizes",
        )
        say(f"\nThe whole run took {time.perf_counter() - run_started:.0f} s")
        if full_queries > small_queries:
            say(f"The grid's query count grew with the data: {small_queries} → {full_queries}")
            sys.exit(1)
    finally:
        overrides.disable()
        cache.clear()
        scratch_end(old_name, keep=args.keep)


if __name__ == "__main__":
    main()
