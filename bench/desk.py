"""Benchmark: speed at city scale (the officer's desk, the lists, sign-for throughput).

Builds the 南通 data set in a scratch PostgreSQL database of its own (created and dropped here):
the demo data (the 23 member units of 南通, the demo users) plus an officer and a head for every
unit, then proposals registered and assigned through the product's services
(``proposal_register`` + ``proposal_assign``, which grant the object permissions, record the
audit trail, tell the departments and start ProposalFlow), some of their reminders fired by the
timer dispatcher and most of them signed for through the services; two of them go on to the
release of their reply (opinion, contact, draft, sign-off, review). That is the small size
(about 1,500 tasks), measured first. Then every kind of row the real flow wrote is cloned in SQL
from three real proposals of 科技局 co-handled by 科协 (open at sign-for, released, released after
a reminder): proposals, proposers, co-handlers, replies, opinions, contacts, the processes with
their tasks and ``previous`` links, deadlines, reminder notices, guardian group and user
permissions, audit events, in-product messages; up to the full size: 52,000 proposals (214,000
tasks was the target when a proposal had 4; the whole reply process has about 15, so the task
count exceeds it), 科技局 leading 1,500 open items and holding 10,500 object-permission rows for
its group. The
same pages are measured again, then sign-for completions per second through the services and
over HTTP (the one-click 签收, one POST with Django's test client) on the cloned open items of 科技局.

For each page (the desk in both its orders, oldest first and soonest deadline first), as
科技局's officer (kjj_officer) and the leader (oversees all): p50/p95 over
REQUESTS requests (fewer when a page's time budget runs out: the count is printed) and the
query count of a request. viewflow's own queue/inbox/archive and flow lists get a few requests
and a statement timeout. Prints ``figure <name> = <value> <unit> (target ...)`` lines on stdout
and progress and the EXPLAIN ANALYZE of the slowest query on stderr; exits 1 if a page's query
count grows between the small and the full size.

PostgreSQL only (the cloning is INSERT … SELECT over a plan table loaded with COPY, with ids
reserved by moving each table's sequence). Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jm_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/13 CACHE_URL=redis://127.0.0.1:6379/12 \\
    python bench/desk.py [--proposals 52000] [--tasks 214000] [--requests 50] [--completions-only]

``--completions-only`` measures only the sign-for completions, on open items of 科技局 registered
and assigned through the services (no pages, no cloning: the small data set).
"""

import argparse
import datetime
import gc
import io
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The test client speaks plain HTTP, as scripts/run.sh's demo does.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from viewflow.workflow.models import Process, Task  # noqa: E402
from viewflow.workflow.status import STATUS  # noqa: E402

from accounts.models import Department, Role, User, UserRole  # noqa: E402
from config.celery import app as celery_app  # noqa: E402
from demo import data as demo_data  # noqa: E402
from demo.loader import demo_load  # noqa: E402
from tasks.proposals import assignment, services, steps  # noqa: E402
from tasks.proposals.flows import ProposalFlow  # noqa: E402
from tasks.proposals.models import CoHandlingOpinion, ContactRecord, Proposal, Reply  # noqa: E402
from workflows.escalation import dispatcher  # noqa: E402

# The full data set of the issue "Speed at city scale".
PROPOSALS = 52_000
TASKS = 214_000
KJJ_OPEN = 1_500  # 科技局's open items
KJJ_PERMISSIONS = 10_500  # object-permission rows of 科技局's group
OTHER_OPEN = 200  # open items of each other unit
# The small size: real proposals per unit (科技局 more), all through the services.
REAL_PER_UNIT = 10
REAL_KJJ = 30
REMIND_SHARE = 0.4  # of the real proposals, whose first reminder the dispatcher fires
SIGN_SHARE = 0.6  # of the real proposals, signed for (closed history)
# Measuring.
REQUESTS = 50
PAGE_BUDGET = 75.0  # seconds per page and size; fewer requests when it runs out
VIEWFLOW_REQUESTS = 5
VIEWFLOW_BUDGET = 60.0
STATEMENT_TIMEOUT_MS = 20_000
EXPLAIN_SQL_MS = 30  # EXPLAIN ANALYZE the slowest query of every page with this much SQL time
SIGN_FOR_SERVICES = 300
SIGN_FOR_HTTP = 150
SIGN_FOR_BUDGET = 90.0
TARGET_P95_MS = 90
TARGET_SERVICES = 150
TARGET_HTTP = 80

# What the test client needs, as tests/settings.py: plain HTTP, static files from the apps.
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
    "WHITENOISE_AUTOREFRESH": True,
}


def say(message):
    print(message, file=sys.stderr, flush=True)


def figure(name, value, unit, target):
    print(f"figure {name} = {value} {unit} ({target})", flush=True)


def sql(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def sql_rows(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def sql_value(statement, params=None):
    return sql_rows(statement, params)[0][0]


# ---------------------------------------------------------------------------------------------
# People and the real flow (the small size)


def units():
    """The 23 member units of 南通, 科技局 first."""
    codes = [row[0] for row in demo_data.NANTONG_MEMBERS]
    codes.remove("nt-kjj")
    by_code = Department.objects.in_bulk(["nt-kjj", *codes], field_name="code")
    return [by_code["nt-kjj"], *(by_code[code] for code in codes)]


def people(departments):
    """An officer and a head for every unit that has none in the demo data."""
    for department in departments:
        for role in (Role.OFFICER, Role.HEAD):
            if User.objects.filter(department=department, roles__role=role).exists():
                continue
            user = User.objects.create(
                username=f"{department.code}-{role}",
                name=f"{department.short_name}{'科员' if role == Role.OFFICER else '负责人'}",
                department=department,
                email=f"{department.code}-{role}@bench.example.cn",
                mobile="13900000000",
                password="!",
            )
            UserRole.objects.create(user=user, role=role)


def unit_person(department, role):
    return User.objects.filter(department=department, roles__role=role, is_active=True).order_by("pk").first()


def sign_for_through_services(task, user):
    """签收 through the service the one-click view calls: take and complete in one transaction."""
    steps.sign_for_complete(task=task, user=user)


def real_flow(departments, rng):
    """Proposals through the product's services: register, assign (co-handlers for some), the
    dispatcher fires the first reminder of some, the lead officer signs for most.

    Returns the templates the cloning copies: for 科技局 with 科协 as co-handler, one proposal
    of each kind (open at sign-for; closed: released; closed after a reminder)."""
    kjj = departments[0]
    kx = Department.objects.get(code="nt-kx")
    secretariat = User.objects.get(username="secretariat")
    made = []
    number = 0
    for index, department in enumerate(departments):
        count = REAL_KJJ if index == 0 else REAL_PER_UNIT
        for n in range(count):
            number += 1
            if index == 0:
                co = [kx] if n < 10 else []
            else:
                co = [departments[(index % (len(departments) - 1)) + 1]] if n % 2 == 0 else []
            proposal = services.proposal_register(
                kind=Proposal.Kind.PROPOSAL if n % 3 else Proposal.Kind.SUGGESTION,
                session="基准实测",
                number=str(number),
                title=f"关于{department.short_name}基准测试事项{n}的提案",
                content="基准测试内容。",
                proposers=[{"name": "王一"}, {"name": "李二"}][: 1 + n % 2],
                actor=secretariat,
            )
            assignment.proposal_assign(proposal=proposal, lead=department, co_handlers=co, actor=secretariat)
            made.append(proposal)
    # templates: the first three of 科技局 with 科协 (reminded: #1; signed: #1 and #2)
    templates = {"closed_reminded": made[1], "closed": made[2], "open": made[0]}
    reminded = {made[1].pk} | {p.pk for p in made if rng.random() < REMIND_SHARE}
    reminded -= {made[0].pk, made[2].pk}
    signed = {made[1].pk, made[2].pk} | {p.pk for p in made if rng.random() < SIGN_SHARE}
    signed -= {made[0].pk}
    proposal_type = ContentType.objects.get_for_model(Proposal)
    processes = Process.objects.filter(artifact_content_type=proposal_type, artifact_object_id__in=reminded)
    Task.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED, process__in=processes).update(
        scheduled=timezone.now() - datetime.timedelta(minutes=1)
    )
    fired = dispatcher.timers_fire()
    say(f"  the dispatcher fired {fired} reminders")
    officers = {d.pk: unit_person(d, Role.OFFICER) for d in departments}
    for proposal in made:
        if proposal.pk not in signed:
            continue
        task = proposal.tasks().select_related("process").get(flow_task=ProposalFlow.sign_for)
        sign_for_through_services(task, officers[proposal.lead_department_id])
    for kind in ("closed", "closed_reminded"):
        release_through_services(templates[kind], secretariat)
    templates = {kind: Proposal.objects.get(pk=proposal.pk) for kind, proposal in templates.items()}
    return templates, kjj, kx


def release_through_services(proposal, secretariat):
    """The rest of a signed-for proposal's reply through the services: the co-handlers'
    opinions, the contact with the proposer, the draft, the head's sign-off, the release."""

    def open_task(node):
        return Task.objects.select_related("process").get(
            process__flow_class=ProposalFlow,
            process__artifact_object_id=proposal.pk,
            flow_task=node,
            status=STATUS.NEW,
        )

    reply = proposal.replies.get()
    officer = unit_person(reply.department, Role.OFFICER)
    for opinion in reply.opinions.all():
        task = Task.objects.select_related("process").get(
            flow_task=ProposalFlow.opinion, status=STATUS.NEW, data__opinion=opinion.pk
        )
        steps.opinion_complete(task=task, user=unit_person(opinion.department, Role.OFFICER), text="同意。")
    services.contact_record(
        reply=reply,
        contacted_on=timezone.localdate(),
        way=ContactRecord.Way.PHONE,
        person="王一",
        view="满意",
        user=officer,
    )
    steps.draft_complete(
        task=open_task(ProposalFlow.draft), user=officer, text="基准测试答复。", category="A"
    )
    steps.sign_off_complete(
        task=open_task(ProposalFlow.sign_off), user=unit_person(reply.department, Role.HEAD)
    )
    steps.review_complete(task=open_task(ProposalFlow.review), user=secretariat)


# ---------------------------------------------------------------------------------------------
# Cloning in SQL


def columns(table):
    return sql_rows(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )


# The columns that name a cloned row, by the table of that row (the same name in every table).
REFERENCES = {
    "proposal_id": "proposals_proposal",
    "reply_id": "proposals_reply",
    "process_id": "viewflow_process",
    "task_id": "viewflow_task",
    "from_task_id": "viewflow_task",
    "to_task_id": "viewflow_task",
    "parent_task_id": "viewflow_task",
    "deadline_id": "escalation_deadline",
}
# (content type, object id) column pairs: the object may be a cloned proposal, reply or opinion.
OBJECTS = {
    "artifact_object_id": "artifact_content_type_id",
    "seed_object_id": "seed_content_type_id",
    "owner_permission_obj_pk": "owner_permission_content_type_id",
    "object_id": "content_type_id",
    "object_pk": "content_type_id",
}
# The ids the task's data names (its deadline, a co-handler's opinion).
DATA_KEYS = {"deadline": "escalation_deadline", "opinion": "proposals_cohandlingopinion"}
UNITS = ("department_id", "lead_department_id")
PEOPLE = (
    "owner_id",
    "signed_for_by_id",
    "submitted_by_id",
    "signed_off_by_id",
    "released_by_id",
    "given_by_id",
    "recorded_by_id",
    "actor_id",
    "recipient_id",
    "user_id",
)


def reserve(table, count):
    """Move ``table``'s id sequence past ``count`` new ids; returns the first."""
    first = sql_value(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
    sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [first + count])
    return first


def template_rows(proposal):
    """The ids of every row the real flow wrote for one proposal, by table, in pk order: the
    proposal, its proposers, co-handlers, replies, opinions and contacts, its processes (one per
    reply) with their tasks, links, deadlines and notices, the object permissions on the
    proposal, its replies and opinions, its audit events and in-product messages."""
    types = {
        ContentType.objects.get_for_model(model).pk: table
        for model, table in (
            (Proposal, "proposals_proposal"),
            (Reply, "proposals_reply"),
            (CoHandlingOpinion, "proposals_cohandlingopinion"),
        )
    }
    found = {}

    def find(table, where, *params):
        found[table] = [
            row[0] for row in sql_rows(f"SELECT id FROM {table} WHERE {where} ORDER BY id", params)
        ]

    find("proposals_proposal", "id = %s", proposal.pk)
    for table in ("proposals_proposer", "proposals_proposal_co_departments", "proposals_reply"):
        find(table, "proposal_id = %s", proposal.pk)
    find("proposals_cohandlingopinion", "proposal_id = %s", proposal.pk)
    find("proposals_contactrecord", "reply_id = ANY(%s)", found["proposals_reply"])
    proposal_type = next(pk for pk, table in types.items() if table == "proposals_proposal")
    find(
        "viewflow_process",
        "artifact_content_type_id = %s AND artifact_object_id = %s",
        proposal_type,
        proposal.pk,
    )
    find("viewflow_task", "process_id = ANY(%s)", found["viewflow_process"])
    find("viewflow_task_previous", "from_task_id = ANY(%s)", found["viewflow_task"])
    find("escalation_deadline", "task_id = ANY(%s)", found["viewflow_task"])
    find("escalation_notice", "deadline_id = ANY(%s)", found["escalation_deadline"])
    objects = " OR ".join(
        f"(content_type_id = {pk} AND object_pk = ANY(ARRAY{[str(i) for i in found[table]]}::text[]))"
        for pk, table in types.items()
    )
    find("guardian_groupobjectpermission", objects)
    find("guardian_userobjectpermission", objects)
    find("accounts_auditevent", "content_type_id = %s AND object_id = %s", proposal_type, str(proposal.pk))
    find("notifications_notification", "channel = 'in_app' AND url = %s", proposal.get_absolute_url())
    return found, types


def plan(departments, kx, sizes, target_proposals, target_tasks, found, rng):
    """The cloned proposals: lead unit, co-handler (every template has 科协 co-handling),
    kind (open, closed, closed after a reminder) and how far back in time each lies. Returns
    the plan rows."""
    kjj, others = departments[0], departments[1:]
    total = max(0, target_proposals - sizes["proposals"])

    def group_rows(kind, group_id):
        return sql_value(
            "SELECT COUNT(*) FROM guardian_groupobjectpermission WHERE id = ANY(%s) AND group_id = %s",
            [found[kind]["guardian_groupobjectpermission"], group_id],
        )

    # 科技局's object-permission rows: as many per proposal it leads or co-handles as a template's
    kjj_co = 500
    co_rows = group_rows("closed", kx.group_id) * kjj_co
    kjj_lead = max(
        0, (KJJ_PERMISSIONS - sizes["kjj_permissions"] - co_rows) // group_rows("closed", kjj.group_id)
    )
    kjj_open = max(0, KJJ_OPEN - sizes["kjj_open"])
    tasks = {kind: len(ids["viewflow_task"]) for kind, ids in found.items()}
    rows = []
    # (lead, kind) for every cloned proposal; history spread over two years
    leads = [(kjj, "open")] * kjj_open + [(kjj, "closed")] * max(0, kjj_lead - kjj_open)
    for department in others:
        leads += [(department, "open")] * OTHER_OPEN
    rest = total - len(leads)
    if rest < 0:
        leads = leads[:total]
        rest = 0
    leads += [(others[n % len(others)], "closed") for n in range(rest)]
    opened = sum(1 for _lead, kind in leads if kind == "open")
    closed = len(leads) - opened
    # closed after a reminder: a share of them, more if their extra TIMER rows reach the task
    # count (the whole reply process has more tasks than that count allows: it is exceeded)
    extra = target_tasks - sizes["tasks"] - tasks["open"] * opened - tasks["closed"] * closed
    more = tasks["closed_reminded"] - tasks["closed"]
    reminded = min(closed, max(int(closed * REMIND_SHARE), extra // more if more > 0 else 0))
    closed_indexes = [n for n, (_lead, kind) in enumerate(leads) if kind == "closed"]
    reminded_indexes = set(rng.sample(closed_indexes, reminded))
    co_candidates = [n for n, (lead, _kind) in enumerate(leads) if lead != kjj]
    kjj_co_indexes = set(rng.sample(co_candidates, min(kjj_co, len(co_candidates))))
    unit_index = {d.pk: n for n, d in enumerate(departments)}
    for n, (lead, kind) in enumerate(leads):
        if n in reminded_indexes:
            kind = "closed_reminded"
        if n in kjj_co_indexes:
            co = kjj
        elif lead == kjj:
            co = kx
        else:
            co = others[unit_index[lead.pk] % len(others)]  # the next unit
        if kind == "open":
            back = datetime.timedelta(days=rng.uniform(0, 12))
        else:
            back = datetime.timedelta(days=rng.uniform(14, 730))
        rows.append((n, lead, co, kind, back))
    say(
        f"  plan: {len(rows):,} proposals ({opened:,} open, {closed - reminded:,} closed, "
        f"{reminded:,} closed after a reminder); 科技局 leads {sum(1 for r in rows if r[1] == kjj):,} "
        f"({kjj_open:,} open) and co-handles {len(kjj_co_indexes):,}; tasks of each: {tasks}"
    )
    return rows


def clone(rows, found, types, kjj, kx):
    """Copy the templates' rows once per plan row, with fresh ids and consistent keys: the row
    at position i among a template's rows of a table gets the id base + n × stride + i (n, the
    plan row; stride, the most rows of that table in any template), and every column naming a
    cloned row, unit, person or group is mapped the same way."""
    count = len(rows)
    if not count:
        return
    tables = list(next(iter(found.values())))
    strides = {table: max(1, *(len(ids[table]) for ids in found.values())) for table in tables}
    bases = {table: reserve(table, count * strides[table]) for table in tables}
    notice_number = sql_value("SELECT COALESCE(MAX(number), 0) + 1 FROM escalation_notice") + 100_000
    staff = {}
    for department in {row[1] for row in rows} | {row[2] for row in rows}:
        staff[department.pk] = people_of(department)
    sql(
        "CREATE TABLE bench_plan (n int PRIMARY KEY, kind text, lead_id bigint, lead_group int, "
        "lead_officer bigint, lead_head bigint, lead_name text, co_id bigint, co_group int, "
        "co_officer bigint, co_head bigint, shift interval, shift_days int)"
    )
    buffer = io.StringIO()
    for n, lead, co, kind, back in rows:
        fields = [n, kind, lead.pk, lead.group_id, *(p.pk for p in staff[lead.pk]), lead.name]
        fields += [co.pk, co.group_id, *(p.pk for p in staff[co.pk])]
        fields += [f"-{back.total_seconds():.0f} seconds", -back.days]
        buffer.write("\t".join(str(f) for f in fields) + "\n")
    with connection.cursor() as cursor, cursor.cursor.copy("COPY bench_plan FROM STDIN") as copy:
        copy.write(buffer.getvalue())
    sql("ANALYZE bench_plan")

    (kjj_officer, kjj_head), (kx_officer, kx_head) = people_of(kjj), people_of(kx)
    maps = {
        UNITS: {kjj.pk: "p.lead_id", kx.pk: "p.co_id"},
        PEOPLE: {
            kjj_officer.pk: "p.lead_officer",
            kjj_head.pk: "p.lead_head",
            kx_officer.pk: "p.co_officer",
            kx_head.pk: "p.co_head",
        },
        ("group_id",): {kjj.group_id: "p.lead_group", kx.group_id: "p.co_group"},
    }
    for kind, ids in found.items():

        def ref(expr, table, ids=ids):
            """The clone's id of the template row ``expr`` names in ``table`` (NULL if none)."""
            if not ids[table]:
                return "NULL"
            whens = " ".join(f"WHEN '{old}' THEN {index}" for index, old in enumerate(ids[table]))
            return f"({bases[table]} + p.n * {strides[table]} + CASE ({expr})::text {whens} END)"

        def mapped(name, data_type, table):
            keep = f"t.{name}"
            text = "::text" if data_type == "character varying" else ""
            if name == "id":
                return ref("t.id", table)
            if name in REFERENCES:
                return f"COALESCE({ref(keep, REFERENCES[name])}, {keep})"
            if name in OBJECTS:
                type_column = OBJECTS[name]
                whens = " ".join(f"WHEN {pk} THEN {ref(keep, other)}{text}" for pk, other in types.items())
                return f"COALESCE(CASE t.{type_column} {whens} END, {keep})"
            for names, values in maps.items():
                if name in names:
                    whens = " ".join(f"WHEN {old} THEN {new}" for old, new in values.items())
                    return f"CASE {keep} {whens} ELSE {keep} END"
            if name == "data" and table == "viewflow_task":
                data = keep
                for key, other in DATA_KEYS.items():
                    new = f"COALESCE({ref(f't.data ->> {key!r}', other)}, (t.data ->> {key!r})::bigint)"
                    data = (
                        f"CASE WHEN t.data ? '{key}' THEN jsonb_set({data}, '{{{key}}}', to_jsonb({new})) "
                        f"ELSE {data} END"
                    )
                return data
            if data_type == "timestamp with time zone":
                return f"t.{name} + p.shift"
            if data_type == "date":
                return f"t.{name} + p.shift_days"
            return keep

        overrides = {
            "proposals_proposal": {
                "session": "'基准克隆'",
                "number": "p.n::text",
                "title": "'关于基准测试克隆事项' || p.n || '的建议'",
            },
            "escalation_notice": {
                "number": f"{notice_number} + {ref('t.id', 'escalation_notice')}",
                "year": "EXTRACT(YEAR FROM t.issued_at + p.shift)::int",
                "subject_title": "'第' || p.n || '号建议《关于基准测试克隆事项' || p.n || '的建议》'",
                "department_name": "p.lead_name",
                # rendered long ago, as history is
                "pdf": "'notices/bench/clone.pdf'",
                "pdf_sha256": "repeat('0', 64)",
                "pdf_rendered_at": "t.issued_at + p.shift",
            },
            # the in-product messages (e-mail and SMS rows are outbox history the pages never read)
            "notifications_notification": {
                "idempotency_key": f"'bench:' || {ref('t.id', 'notifications_notification')}",
                "url": f"'/proposals/' || {ref(ids['proposals_proposal'][0], 'proposals_proposal')} || '/'",
                # old messages have been read; those of the open items mostly not
                "read_at": "CASE WHEN p.kind = 'open' AND mod(p.n, 4) <> 0 THEN NULL "
                "ELSE t.created_at + p.shift END",
            },
        }
        with transaction.atomic():  # the foreign keys are checked at the end
            for table in tables:
                if not ids[table]:
                    continue
                names, values = [], []
                for name, data_type in columns(table):
                    names.append(name)
                    values.append(overrides.get(table, {}).get(name) or mapped(name, data_type, table))
                sql(
                    f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)} "
                    f"FROM {table} t JOIN bench_plan p ON p.kind = %s WHERE t.id = ANY(%s)",
                    [kind, ids[table]],
                )
    sql("DROP TABLE bench_plan")
    for table in tables:
        sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        sql(f"ANALYZE {table}")


def people_of(department):
    return unit_person(department, Role.OFFICER), unit_person(department, Role.HEAD)


def shape(proposal_pk):
    """What a proposal's rows look like, ids aside: to check a clone against a real one."""
    return sql_rows(
        "SELECT t.flow_task, t.flow_task_type, t.status, t.owner_id IS NOT NULL, "
        "t.owner_permission_obj_pk IN (SELECT id::text FROM proposals_reply r WHERE r.proposal_id = %s "
        " UNION SELECT id::text FROM proposals_cohandlingopinion o WHERE o.proposal_id = %s), "
        "t.data - 'deadline' - 'opinion', "
        "(SELECT COUNT(*) FROM viewflow_task_previous e WHERE e.from_task_id = t.id), "
        "(SELECT COUNT(*) FROM escalation_deadline d "
        " WHERE d.task_id = t.id AND d.object_id = p.artifact_object_id), "
        "(t.data ->> 'deadline')::bigint IN "
        " (SELECT id FROM escalation_deadline d WHERE d.object_id = p.artifact_object_id) "
        "FROM viewflow_task t JOIN viewflow_process p ON p.id = t.process_id "
        "WHERE p.artifact_content_type_id = %s AND p.artifact_object_id = %s ORDER BY t.id",
        [proposal_pk, proposal_pk, ContentType.objects.get_for_model(Proposal).pk, proposal_pk],
    )


def clones_check(templates):
    for kind, proposal in templates.items():
        clone_pk = sql_value(
            "SELECT MIN(p.id) FROM proposals_proposal p WHERE p.session = '基准克隆' AND p.status = %s "
            "AND EXISTS (SELECT 1 FROM escalation_notice n "
            " JOIN escalation_deadline d ON d.id = n.deadline_id WHERE d.object_id = p.id) = %s",
            [proposal.status, kind == "closed_reminded"],
        )
        if clone_pk is None:
            continue
        if shape(clone_pk) != shape(proposal.pk):
            raise SystemExit(
                f"a cloned {kind} proposal ({clone_pk}) differs from the real one ({proposal.pk}):\n"
                f"{shape(clone_pk)}\n{shape(proposal.pk)}"
            )


def census(kjj):
    return {
        "proposals": Proposal.objects.count(),
        "tasks": Task.objects.count(),
        "kjj_open": Task.objects.filter(
            flow_task=ProposalFlow.sign_for,
            status=STATUS.NEW,
            process__in=Process.objects.filter(
                artifact_object_id__in=Proposal.objects.filter(lead_department=kjj).values("pk")
            ),
        ).count(),
        "kjj_permissions": sql_value(
            "SELECT COUNT(*) FROM guardian_groupobjectpermission WHERE group_id = %s", [kjj.group_id]
        ),
    }


# ---------------------------------------------------------------------------------------------
# Measuring


def pages():
    """(name, user, url, viewflow?) of every page measured."""
    listed = [
        ("desk", reverse("desk:index"), False),
        ("desk_by_deadline", reverse("desk:index") + "?sort=due", False),
        ("proposals", reverse("proposals:index"), False),
        ("duties", reverse("duties:index"), False),
        ("notifications", reverse("desk:notification_list"), False),
        ("vf_queue", reverse("workflow:queue"), True),
        ("vf_inbox", reverse("workflow:inbox"), True),
        ("vf_archive", reverse("workflow:archive"), True),
        ("vf_processes", reverse("workflow:flows:proposal:process_list"), True),
    ]
    result = []
    for who in ("officer", "leader"):
        for name, url, viewflow in listed:
            result.append((f"{who}_{name}", who, url, viewflow))
    result.insert(
        result.index(("leader_duties", "leader", reverse("duties:index"), False)),
        ("leader_proposals_last_page", "leader", reverse("proposals:index") + "?page=last", False),
    )
    return result


NUMBERS = re.compile(r"'[^']*'|\b\d+\b")
CURSOR = re.compile(r"^DECLARE \S+ NO SCROLL CURSOR WITH(?:OUT)? HOLD FOR ", re.S)


def query_pattern(statement):
    """A query with its literals taken out, to group the repeats of one query."""
    return NUMBERS.sub("?", CURSOR.sub("", statement))


def queries_summary(captured):
    """(count, SQL ms, the pattern that took the most time: (pattern, repeats, ms), slowest query)."""
    groups = {}
    for query in captured:
        key = query_pattern(query["sql"])
        repeats, ms = groups.get(key, (0, 0.0))
        groups[key] = (repeats + 1, ms + float(query["time"]) * 1000)
    total = sum(ms for _repeats, ms in groups.values())
    top = max(groups.items(), key=lambda item: item[1][1], default=None)
    readable = [
        query for query in captured if query["sql"].lstrip().upper().startswith(("SELECT", "DECLARE"))
    ]
    slowest = max(readable, key=lambda query: float(query["time"]), default=None)
    return len(captured), total, top, slowest


class QueriesCaptured:
    """Every statement run inside, with its time, as ``{"sql", "time"}`` like Django's query log.

    An execute wrapper sees every statement whatever the debug cursor does (Django's
    ``CaptureQueriesContext`` reads 0 on PostgreSQL in these scripts)."""

    def __init__(self):
        self.captured_queries = []
        self._wrapper = None

    def _record(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.captured_queries.append(
                {"sql": sql, "params": params, "time": f"{time.perf_counter() - started:.6f}"}
            )

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self._record)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


class Page:
    def __init__(self, name):
        self.name = name
        self.times = []
        self.queries = []
        self.sql_ms = []
        self.top = None  # (pattern, repeats, ms) of the query that took the most time in a request
        self.slowest = None  # (ms, sql, params) of the slowest single query seen
        self.error = None


def page_measure(client, name, url, *, requests, budget, viewflow):
    page = Page(name)
    if viewflow:
        sql(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
    started = time.perf_counter()
    try:
        for _n in range(requests + 1):  # the first is a warm-up, not timed
            with QueriesCaptured() as captured:
                began = time.perf_counter()
                try:
                    response = client.get(url)
                except Exception as exc:  # a statement timeout, reported and not retried
                    page.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
                    break
                elapsed = time.perf_counter() - began
            if response.status_code != 200:
                page.error = f"HTTP {response.status_code}"
                break
            count, sql_ms, top, slow = queries_summary(captured.captured_queries)
            page.queries.append(count)
            page.sql_ms.append(sql_ms)
            if top and (page.top is None or top[1][1] > page.top[2]):
                page.top = (top[0], *top[1])
            if slow and (page.slowest is None or float(slow["time"]) * 1000 > page.slowest[0]):
                page.slowest = (float(slow["time"]) * 1000, CURSOR.sub("", slow["sql"]), slow["params"])
            if _n:
                page.times.append(elapsed)
            if time.perf_counter() - started > budget:
                break
    finally:
        if viewflow:
            sql("SET statement_timeout = 0")
    return page


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def settle():
    """A web worker holds its code and little else; this process also holds everything it built
    and cloned, which full collections would walk again and again mid-request. Freeze it, as a
    server does its preloaded code (and as bench/duties.py does), so each request or completion
    pays only for itself."""
    gc.collect()
    gc.freeze()


def pages_measure(users, requests, label):
    settle()
    results = {}
    clients = {}
    for who, user in users.items():
        clients[who] = Client()
        clients[who].force_login(user)
    for name, who, url, viewflow in pages():
        page = page_measure(
            clients[who],
            name,
            url,
            requests=VIEWFLOW_REQUESTS if viewflow else requests,
            budget=VIEWFLOW_BUDGET if viewflow else PAGE_BUDGET,
            viewflow=viewflow,
        )
        results[name] = page
        if page.times:
            say(
                f"  [{label}] {name:32} p50 {percentile(page.times, 0.5) * 1000:8.1f} ms  "
                f"p95 {percentile(page.times, 0.95) * 1000:8.1f} ms  n={len(page.times):3}  "
                f"queries {min(page.queries)}..{max(page.queries)}  "
                f"SQL {statistics.median(page.sql_ms):.1f} ms" + (f"  ({page.error})" if page.error else "")
            )
        else:
            say(f"  [{label}] {name:32} no measurement: {page.error}")
    return results


def sign_for_services(officer, tasks):
    """Completions through the services; the queries of the first one, counted apart."""
    with QueriesCaptured() as captured:
        sign_for_through_services(tasks[0], officer)
    done = 1
    started = time.perf_counter()
    for task in tasks[1:]:
        sign_for_through_services(task, officer)
        done += 1
        if time.perf_counter() - started > SIGN_FOR_BUDGET:
            break
    return done - 1, time.perf_counter() - started, queries_summary(captured.captured_queries)


def sign_for_http(officer, tasks):
    """Completions over HTTP: one POST of the one-click 签收; the queries of the first one apart."""
    client = Client()
    client.force_login(officer)
    client.get(reverse("desk:index"))  # the session is renewed on a first request
    done = 0
    summary = None
    started = time.perf_counter()
    for task in tasks:
        captured = QueriesCaptured()
        if not done:
            captured.__enter__()
        signed = client.post(reverse("proposals:sign_for", args=[task.pk]))
        if signed.status_code != 302 or task.process.artifact.get_absolute_url() != signed["Location"]:
            raise SystemExit(f"signing for task {task.pk} answered {signed.status_code}")
        if not done:
            captured.__exit__(None, None, None)
            summary = queries_summary(captured.captured_queries)
            started = time.perf_counter()  # the first, counted, is not timed
        done += 1
        if time.perf_counter() - started > SIGN_FOR_BUDGET:
            break
    return done - 1, time.perf_counter() - started, summary


def open_items(kjj, kx, count):
    """``count`` proposals 科技局 leads, registered and assigned through the services, every
    other one with 科协 co-handling: open sign-for tasks for ``--completions-only``."""
    secretariat = User.objects.get(username="secretariat")
    for n in range(count):
        proposal = services.proposal_register(
            kind=Proposal.Kind.PROPOSAL,
            session="基准签收",
            number=str(n + 1),
            title=f"关于签收基准测试事项{n}的提案",
            content="基准测试内容。",
            proposers=[{"name": "王一"}],
            actor=secretariat,
        )
        co_handlers = [kx] if n % 2 == 0 else []
        assignment.proposal_assign(proposal=proposal, lead=kjj, co_handlers=co_handlers, actor=secretariat)


def open_kjj_tasks(kjj, count, *, session):
    """Open sign-for tasks of 科技局's proposals of ``session`` (the process's artifact is the
    proposal; the task's permission object is the reply)."""
    proposals = Proposal.objects.filter(lead_department=kjj, status=Proposal.Status.ASSIGNED, session=session)
    return list(
        Task.objects.filter(
            flow_task=ProposalFlow.sign_for,
            status=STATUS.NEW,
            process__artifact_object_id__in=proposals.values("pk"),
        )
        .select_related("process")
        .order_by("?")[:count]
    )


def explain(query, params=None):
    try:
        rows = sql_rows(f"EXPLAIN (ANALYZE, BUFFERS) {query}", params)
    except Exception as exc:  # a statement the cursor cannot replay as text
        return [f"(EXPLAIN failed: {exc})"]
    return [row[0] for row in rows]


def slow_spots(pages, completions):
    """On stderr: what each page's time goes to at full size, and the EXPLAIN ANALYZE of the
    slowest query of the slowest product and viewflow pages and of every page with much SQL."""
    say("\nWhere the time goes at full size (median SQL time; the query pattern that took most):")
    for page in pages.values():
        if not page.times:
            continue
        p95 = percentile(page.times, 0.95) * 1000
        sql_ms = statistics.median(page.sql_ms)
        say(f"  {page.name}: p95 {p95:.0f} ms, {min(page.queries)} queries, SQL {sql_ms:.0f} ms")
        if page.top:
            pattern, repeats, ms = page.top
            say(f"      top: {repeats} × {ms / repeats:.1f} ms  {pattern[:240]}")
    for name, (count, sql_ms, top, _slowest) in completions.items():
        say(f"  {name}: {count} queries, SQL {sql_ms:.0f} ms per completion")
        if top:
            say(f"      top: {top[1][0]} × {top[1][1] / top[1][0]:.1f} ms  {top[0][:240]}")
    measured = [page for page in pages.values() if page.times and page.slowest]
    product = [page for page in measured if "_vf_" not in page.name]
    viewflow = [page for page in measured if "_vf_" in page.name]
    chosen = {page.name: page for page in product if statistics.median(page.sql_ms) > EXPLAIN_SQL_MS}
    for group in (product, viewflow):
        if group:
            slowest = max(group, key=lambda page: percentile(page.times, 0.95))
            chosen.setdefault(slowest.name, slowest)
    for page in chosen.values():
        ms, statement, params = page.slowest
        say(f"\n{page.name}: its slowest query ({ms:.0f} ms):\n  {statement[:600]}")
        say("EXPLAIN (ANALYZE, BUFFERS):")
        for line in explain(statement, params):
            say(f"  {line[:300]}")


def report(small, full, sizes):
    grew = []
    for name, page in full.items():
        before = small.get(name)
        if page.times:
            p50 = percentile(page.times, 0.5) * 1000
            p95 = percentile(page.times, 0.95) * 1000
            note = f"; n={len(page.times)}" + (f", stopped: {page.error}" if page.error else "")
            figure(f"{name}_p50", f"{p50:.0f}", "ms", f"at {sizes['tasks']:,} tasks{note}")
            figure(f"{name}_p95", f"{p95:.0f}", "ms", f"target < {TARGET_P95_MS}{note}")
        else:
            figure(f"{name}_p95", "none", "ms", f"target < {TARGET_P95_MS}; not measured: {page.error}")
        if page.queries and before and before.queries:
            small_count, full_count = min(before.queries), min(page.queries)
            figure(
                f"{name}_queries",
                full_count,
                "queries",
                f"at 1k: {small_count}; target = same at 1k and 200k",
            )
            if full_count > small_count:
                grew.append(f"{name}: {small_count} → {full_count}")
        elif page.queries:
            figure(f"{name}_queries", min(page.queries), "queries", "at 1k: not measured; target = same")
    return grew


def scratch_end(old_name, *, keep):
    """Drop the scratch database (or with ``keep``, leave it to study) and purge the messages
    the run queued."""
    if keep:
        connection.close()
        connection.settings_dict["NAME"] = old_name
        say(f"Kept the scratch database {settings.DATABASES['default']['TEST']['NAME']}")
    else:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        say("Dropped the scratch database")
    say(f"Purged {celery_app.control.purge()} queued messages")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=PROPOSALS)
    parser.add_argument("--tasks", type=int, default=TASKS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument(
        "--completions-only",
        action="store_true",
        help="measure only the sign-for completions, at the small size (no pages, no cloning)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database to study it")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/desk.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    rng = random.Random(2026)
    settings.DATABASES["default"].setdefault("TEST", {})
    settings.DATABASES["default"]["TEST"]["NAME"] = f"bench_desk_{settings.DATABASES['default']['NAME']}"
    say(f"Creating the scratch database {settings.DATABASES['default']['TEST']['NAME']}")
    run_started = time.perf_counter()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    overrides = override_settings(**TEST_CLIENT_SETTINGS)
    overrides.enable()
    cache.clear()
    try:
        say("Loading the demo data and people")
        demo_load()
        departments = units()
        people(departments)
        users = {
            "officer": User.objects.get(username="kjj_officer"),
            "leader": User.objects.get(username="leader"),
        }
        say("Registering, assigning, reminding and signing for through the services")
        started = time.perf_counter()
        templates, kjj, kx = real_flow(departments, rng)
        small_sizes = census(kjj)
        say(f"  {small_sizes} in {time.perf_counter() - started:.0f} s")
        sql("ANALYZE")

        if args.completions_only:
            small, full = {}, {}
            say("Registering and assigning 科技局's open items for the completions (untimed)")
            open_items(kjj, kx, SIGN_FOR_SERVICES + SIGN_FOR_HTTP)
            full_sizes = census(kjj)
            tasks = open_kjj_tasks(kjj, SIGN_FOR_SERVICES + SIGN_FOR_HTTP, session="基准签收")
        else:
            say(f"Measuring at {small_sizes['tasks']:,} tasks")
            small = pages_measure(users, args.requests, "small")

            say("Cloning the real rows in SQL")
            started = time.perf_counter()
            found = {}
            for kind, proposal in templates.items():
                found[kind], types = template_rows(proposal)
            rows = plan(departments, kx, small_sizes, args.proposals, args.tasks, found, rng)
            clone(rows, found, types, kjj, kx)
            clones_check(templates)
            sql("VACUUM ANALYZE")
            full_sizes = census(kjj)
            say(f"  {full_sizes} in {time.perf_counter() - started:.0f} s")
            figure(
                "data_set",
                f"{full_sizes['tasks']:,}",
                "tasks",
                f"{full_sizes['proposals']:,} proposals; 科技局 {full_sizes['kjj_open']:,} open, "
                f"{full_sizes['kjj_permissions']:,} object permissions; "
                "target 214,000 / 52,000 / 1,500 / 10,500",
            )

            say(f"Measuring at {full_sizes['tasks']:,} tasks")
            full = pages_measure(users, args.requests, "full")
            tasks = open_kjj_tasks(kjj, SIGN_FOR_SERVICES + SIGN_FOR_HTTP, session="基准克隆")

        say("Signing for: through the services, then over HTTP")
        officer = users["officer"]
        settle()
        done, seconds, services_queries = sign_for_services(officer, tasks[:SIGN_FOR_SERVICES])
        services_rate = done / seconds
        http_done, http_seconds, http_queries = sign_for_http(officer, tasks[SIGN_FOR_SERVICES:])
        http_rate = http_done / http_seconds
        done_tasks = tasks[: done + 1] + tasks[SIGN_FOR_SERVICES : SIGN_FOR_SERVICES + http_done + 1]
        signed = Proposal.objects.filter(
            pk__in=[int(task.process.artifact_object_id) for task in done_tasks],
            status=Proposal.Status.HANDLING,
            signed_for_by=officer,
        ).count()
        if signed != len(done_tasks):
            raise SystemExit(f"{len(done_tasks)} sign-fors made, {signed} proposals signed for")

        grew = report(small, full, full_sizes)
        figure(
            "sign_for_services",
            f"{services_rate:.0f}",
            "/s",
            f"target > {TARGET_SERVICES}; {done} completions at {full_sizes['tasks']:,} tasks",
        )
        figure(
            "sign_for_http",
            f"{http_rate:.0f}",
            "/s",
            f"target > {TARGET_HTTP}; {http_done} one-click completions",
        )
        for name, (count, sql_ms, _top, _slowest) in (
            ("sign_for_services", services_queries),
            ("sign_for_http", http_queries),
        ):
            figure(f"{name}_queries", count, "queries", f"per completion, {sql_ms:.0f} ms of SQL")
        slow_spots(full, {"sign_for_services": services_queries, "sign_for_http": http_queries})
        say(f"\nThe whole run took {time.perf_counter() - run_started:.0f} s")
        if grew:
            say("Query counts grew with the data: " + "; ".join(grew))
            sys.exit(1)
    finally:
        overrides.disable()
        cache.clear()
        scratch_end(old_name, keep=args.keep)


if __name__ == "__main__":
    main()
