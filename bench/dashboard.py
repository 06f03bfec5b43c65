"""Benchmark: the leaders' dashboard over 200,000 duties and 50,000 proposals in 40 departments.

Builds a scratch PostgreSQL database of its own (created and dropped here): the demo data (its
departments, joint meetings and people), more departments up to 40, then the work inserted in
bulk with INSERT … SELECT over generate_series (minutes, not hours): duties spread over 400
tables of four joint meetings, assigned over the last 18 months, about half completed (some after
their deadline); proposals with their first reply (most released, some late, categories A–D), a
proposer and, for most released replies, an evaluation; and for every open duty and proposal an
open step (a viewflow process and task with its deadline, as the escalation ladder opens them),
about a third of them overdue. The figures are the same whatever the seed; only timings vary.

Measured with Django's test client (server time: the view, its queries, the template), p50/p95 over
REQUESTS requests after a warm-up, and the query count of a request: the dashboard as the convener
(oversees all 40 departments), as a leader over three departments, with a department filter, the
red drill-down list and the .xlsx export, each computing its figures on every request
(DASHBOARD_CACHE_SECONDS=0); then the convener's dashboard as served, its figures reused from the
cache for DASHBOARD_CACHE_SECONDS. Prints ``figure <name> = <value> <unit> (target ...)``
lines on stdout, progress on stderr. Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jm_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/13 CACHE_URL=redis://127.0.0.1:6379/12 \\
    python bench/dashboard.py [--duties 200000] [--proposals 50000] [--requests 30]
"""

import argparse
import collections
import os
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
from django.urls import reverse  # noqa: E402
from viewflow.workflow.models import Process, Task  # noqa: E402

from accounts.models import Department, User, UserRole  # noqa: E402
from bench.desk import TEST_CLIENT_SETTINGS, explain, figure, percentile, say, sql, sql_value  # noqa: E402
from config.celery import app as celery_app  # noqa: E402
from demo.loader import demo_load  # noqa: E402
from tasks.duties.flows import DutyFlow  # noqa: E402
from tasks.duties.models import Duty, JointMeeting  # noqa: E402
from tasks.proposals.flows import ProposalFlow  # noqa: E402
from tasks.proposals.models import Proposal  # noqa: E402

DUTIES = 200_000
PROPOSALS = 50_000
DEPARTMENTS = 40
MEETINGS = 4
TABLE_ROWS = 500
REQUESTS = 30
TARGET_MS = 300


def departments_up_to(count):
    """The demo's departments, and new ones up to ``count``; their ids."""
    existing = list(Department.objects.order_by("pk"))
    for number in range(len(existing), count):
        Department.objects.create(
            code=f"bench-{number}", name=f"基准市第{number}局", short_name=f"第{number}局", kind="bureau"
        )
    return list(Department.objects.order_by("pk").values_list("pk", flat=True)[:count])


def meetings_up_to(count, office):
    for number in range(JointMeeting.objects.count(), count):
        meeting = JointMeeting.objects.create(
            name=f"基准联席会议{number}", short_name=f"基准{number}", office=office
        )
        meeting.members.set(Department.objects.all())
    return list(JointMeeting.objects.order_by("pk").values_list("pk", flat=True)[:count])


def duties_insert(count, departments, meetings):
    tables = (count + TABLE_ROWS - 1) // TABLE_ROWS
    first_table = sql_value("SELECT COALESCE(MAX(id), 0) + 1 FROM duties_dutytable")
    sql(
        "INSERT INTO duties_dutytable (id, meeting_id, title, source, issued_on) "
        "SELECT %s + n, (%s::bigint[])[1 + n %% %s], '基准分解表' || n, '', NULL "
        "FROM generate_series(0, %s - 1) n",
        [first_table, meetings, len(meetings), tables],
    )
    sql("SELECT setval(pg_get_serial_sequence('duties_dutytable', 'id'), %s)", [first_table + tables])
    # age: days since assignment (up to 18 months); span: days given; took: days it took when done
    sql(
        """
        INSERT INTO duties_duty (table_id, status, assigned_at, sequence, title, measures, lead_leader,
            lead_id, deadline, deadline_text, cycle, report_day, leader_confirmation, completed_at)
        SELECT %(first)s + n / %(rows)s,
            CASE WHEN done THEN 'done' ELSE 'in_progress' END,
            now() - make_interval(days => age), n %% %(rows)s + 1, '基准重点任务' || n, '', '',
            (%(departments)s::bigint[])[1 + (n::bigint * 7919) %% %(count)s],
            (now() - make_interval(days => age) + make_interval(days => span))::date, '', 'once', NULL,
            false,
            CASE WHEN done
                THEN LEAST(now(), now() - make_interval(days => age) + make_interval(days => took)) END
        FROM (
            SELECT n, (random() * 540)::int AS age, 30 + (random() * 180)::int AS span,
                (random() * 220)::int AS took, random() < 0.5 AS done
            FROM generate_series(0, %(total)s - 1) n
        ) plan
        """,
        {
            "first": first_table,
            "rows": TABLE_ROWS,
            "departments": departments,
            "count": len(departments),
            "total": count,
        },
    )


def proposals_insert(count, departments):
    first = sql_value("SELECT COALESCE(MAX(id), 0) + 1 FROM proposals_proposal")
    sql(
        """
        INSERT INTO proposals_proposal (id, kind, session, sitting, number, title, content, is_public, mode,
            lead_department_id, status, registered_at, assigned_at, round)
        SELECT %(first)s + n, CASE WHEN n %% 2 = 0 THEN 'suggestion' ELSE 'proposal' END, '基准届', '',
            'B' || n, '基准建议' || n, '内容', true, 'lead',
            (%(departments)s::bigint[])[1 + (n::bigint * 104729) %% %(count)s],
            CASE WHEN r < 0.05 THEN 'assigned' WHEN r < 0.3 THEN 'handling' WHEN r < 0.7 THEN 'replied'
                WHEN r < 0.75 THEN 'rehandling' ELSE 'closed' END,
            now() - make_interval(days => age + 3), now() - make_interval(days => age), 0
        FROM (SELECT n, random() AS r, (random() * 540)::int AS age
            FROM generate_series(0, %(total)s - 1) n) plan
        """,
        {"first": first, "departments": departments, "count": len(departments), "total": count},
    )
    sql("SELECT setval(pg_get_serial_sequence('proposals_proposal', 'id'), %s)", [first + count])
    sql(
        """
        INSERT INTO proposals_reply (proposal_id, department_id, kind, round, status, due, category, text,
            letter_number, contact_person, contact_phone, cc, return_comment, released_at)
        SELECT p.id, p.lead_department_id, 'first', 0,
            CASE WHEN p.status IN ('replied', 'rehandling', 'closed') THEN 'released'
                WHEN p.status = 'assigned' THEN 'sign_for' ELSE 'drafting' END,
            (p.assigned_at + interval '90 days')::date,
            CASE WHEN p.status IN ('replied', 'rehandling', 'closed')
                THEN (ARRAY['A', 'B', 'C', 'D'])[1 + (p.id %% 4)] ELSE '' END,
            '', '', '', '', '', '',
            CASE WHEN p.status IN ('replied', 'rehandling', 'closed')
                THEN LEAST(now(), p.assigned_at + make_interval(days => (random() * 110)::int)) END
        FROM proposals_proposal p WHERE p.id >= %(first)s
        """,
        {"first": first},
    )
    sql(
        "INSERT INTO proposals_proposer (proposal_id, name, is_lead, organisation, mobile, telephone, email, "
        "address, postcode) SELECT id, '基准代表' || id, true, '', '', '', '', '', '' "
        "FROM proposals_proposal WHERE id >= %s",
        [first],
    )
    ratings = "(ARRAY['satisfied', 'satisfied', 'basically', 'dissatisfied'])[1 + floor(random() * 4)::int]"
    sql(
        f"""
        INSERT INTO proposals_evaluation (proposal_id, proposer_id, round, attitude, result, comment, source,
            recorded_at)
        SELECT p.id, pr.id, 0, {ratings}, {ratings}, '', 'paper', now()
        FROM proposals_proposal p JOIN proposals_proposer pr ON pr.proposal_id = p.id
        WHERE p.id >= %s AND p.status IN ('replied', 'rehandling', 'closed') AND random() < 0.8
        """,
        [first],
    )


def open_steps_insert():
    """An open step (process, task, deadline) for every open duty and proposal; a duty's step holds
    its joint meeting, as the ladder stores it."""
    duty_meeting = "(SELECT meeting_id FROM duties_dutytable WHERE id = duties_duty.table_id)"
    for model, flow_class, node, department, meeting, open_statuses in (
        (Duty, DutyFlow, DutyFlow.sign_for, "lead_id", duty_meeting, ["in_progress"]),
        (
            Proposal,
            ProposalFlow,
            ProposalFlow.sign_for,
            "lead_department_id",
            "NULL::bigint",
            ["assigned", "handling", "rehandling"],
        ),
    ):
        content_type = ContentType.objects.get_for_model(model).pk
        table = model._meta.db_table
        first_process = sql_value("SELECT COALESCE(MAX(id), 0) + 1 FROM viewflow_process")
        sql(
            f"INSERT INTO viewflow_process (flow_class, status, created, artifact_content_type_id, "
            f"artifact_object_id, data) SELECT %s, 'NEW', now(), %s, id, '{{}}' FROM {table} "
            f"WHERE status = ANY(%s)",
            [Process._meta.get_field("flow_class").get_prep_value(flow_class), content_type, open_statuses],
        )
        first_task = sql_value("SELECT COALESCE(MAX(id), 0) + 1 FROM viewflow_task")
        sql(
            "INSERT INTO viewflow_task (flow_task, flow_task_type, status, created, token, process_id, data) "
            "SELECT %s, 'HUMAN', 'NEW', now(), 'start', id, '{}' FROM viewflow_process WHERE id >= %s",
            [Task._meta.get_field("flow_task").get_prep_value(node), first_process],
        )
        sql(
            f"""
            INSERT INTO escalation_deadline (task_id, content_type_id, object_id, department_id, original_due,
                due, round, light, opened_at, meeting_id)
            SELECT t.id, %s, p.artifact_object_id, s.{department}, s.due, s.due, 0,
                CASE WHEN s.due < current_date THEN 'red' WHEN s.due < current_date + 5 THEN 'yellow'
                    ELSE 'green' END, now(), s.meeting
            FROM viewflow_task t JOIN viewflow_process p ON p.id = t.process_id
            JOIN (SELECT id, {department}, current_date + (random() * 90)::int - 30 AS due,
                {meeting} AS meeting FROM {table}) s ON s.id = p.artifact_object_id
            WHERE t.id >= %s
            """,
            [content_type, first_task],
        )


def leader_over(departments, username):
    user = User.objects.create(username=username, name="基准分管领导", department_id=departments[0])
    UserRole.objects.create(user=user, role="leader")
    user.oversees.set(departments[1:4])
    return user


class QueryTimer:
    """An ``execute_wrapper`` that times every query of a request (server side, as the driver sees it)."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, statement, params, many, context):
        began = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - began, statement, params))


def measure(client, url, requests):
    """(seconds of each timed request, queries of a request); the last request's queries, each with
    its time, and how much of the request they took, go to stderr."""
    times, queries = [], 0
    for n in range(requests + 1):  # the first is a warm-up, not timed
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            began = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            elapsed = time.perf_counter() - began
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries = len(timer.queries)
        if n:
            times.append(elapsed)
    spent = sum(seconds for seconds, _statement, _params in timer.queries)
    total_ms, sql_ms = elapsed * 1000, spent * 1000
    say(
        f"  request {total_ms:.0f} ms: {queries} queries {sql_ms:.0f} ms, the rest {total_ms - sql_ms:.0f} ms"
    )
    slowest = sorted(timer.queries, key=lambda query: -query[0])
    for seconds, statement, _params in slowest:
        say(f"  {seconds * 1000:6.1f} ms: {' '.join(statement.split())[:160]}")
    if os.environ.get("BENCH_EXPLAIN"):
        _seconds, statement, params = slowest[0]
        say("\n".join(explain(connection.ops.compose_sql(statement, params))))
    return times, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duties", type=int, default=DUTIES)
    parser.add_argument("--proposals", type=int, default=PROPOSALS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch database (to EXPLAIN queries in it)"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/dashboard.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    settings.DATABASES["default"].setdefault("TEST", {})
    settings.DATABASES["default"]["TEST"]["NAME"] = f"bench_dashboard_{settings.DATABASES['default']['NAME']}"
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
        departments = departments_up_to(DEPARTMENTS)
        meetings = meetings_up_to(MEETINGS, Department.objects.get(pk=departments[0]))
        began = time.perf_counter()
        sql("SELECT setseed(0.2026)")
        say(f"Inserting {args.duties:,} duties")
        duties_insert(args.duties, departments, meetings)
        say(f"Inserting {args.proposals:,} proposals, their replies, proposers and evaluations")
        proposals_insert(args.proposals, departments)
        say("Opening a step with its deadline for every open duty and proposal")
        open_steps_insert()
        sql("VACUUM ANALYZE")
        counts = {
            "duties": Duty.objects.count(),
            "proposals": Proposal.objects.count(),
            "open steps": sql_value("SELECT COUNT(*) FROM escalation_deadline WHERE closed_at IS NULL"),
            "departments": Department.objects.count(),
        }
        say(f"  {counts} in {time.perf_counter() - began:.0f} s")

        convener = User.objects.get(username="leader")
        scoped = leader_over(departments, "bench_leader")
        index = reverse("dashboard:index")
        pages = [
            ("dashboard_all", convener, index),
            ("dashboard_three_departments", scoped, index),
            ("dashboard_one_department", convener, f"{index}?department={departments[5]}"),
            ("dashboard_red_steps", convener, f"{reverse('dashboard:steps')}?light=red"),
            ("dashboard_export", convener, reverse("dashboard:export")),
        ]
        results = {}
        with override_settings(DASHBOARD_CACHE_SECONDS=0):  # every request computes its figures
            for name, user, url in pages:
                client = Client()
                client.force_login(user)
                say(f"Measuring {name}: {url}")
                results[name] = measure(client, url, args.requests)
        # as served: the figures are reused DASHBOARD_CACHE_SECONDS for the same scope and filters
        client = Client()
        client.force_login(convener)
        say(f"Measuring dashboard_all_cached ({settings.DASHBOARD_CACHE_SECONDS} s): {index}")
        results["dashboard_all_cached"] = measure(client, index, args.requests)

        scale = (
            f"{counts['duties']:,} duties, {counts['proposals']:,} proposals, "
            f"{counts['open steps']:,} open steps"
        )
        for name, (times, queries) in results.items():
            target = (
                f"target < {TARGET_MS}"
                if name.startswith("dashboard_") and "export" not in name
                else "no target"
            )
            figure(f"{name}_p50", f"{percentile(times, 0.5) * 1000:.0f}", "ms", f"{scale}; n={len(times)}")
            figure(f"{name}_p95", f"{percentile(times, 0.95) * 1000:.0f}", "ms", f"{target}; n={len(times)}")
            figure(f"{name}_queries", queries, "queries", "a dozen or so, whatever the size")
        say(f"\nThe whole run took {time.perf_counter() - run_started:.0f} s")
    finally:
        overrides.disable()
        cache.clear()
        if args.keep:
            say(f"Kept the scratch database {connection.settings_dict['NAME']}")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            say("Dropped the scratch database")
        purged = celery_app.control.purge()
        say(f"Purged {purged} queued messages")


if __name__ == "__main__":
    main()
