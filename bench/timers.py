"""Benchmark: the escalation timer dispatcher (DESIGN.md section 7).

Creates 10,000 due ladder timers (proposals whose sign-for deadline passed yesterday) among
1,000,000 timers due later, then measures
  - the time to fire the 10,000 and queue their notifications (target < 30 s), and
  - one dispatcher pass when nothing is due (target < 50 ms).

Runs against DATABASE_URL in a scratch database of its own (created and dropped here), and
queues to CELERY_BROKER_URL, whose queue it purges afterwards. Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jointmeeting python bench/timers.py
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from viewflow.workflow.fields import get_flow_ref, get_task_ref  # noqa: E402
from viewflow.workflow.models import Process, Task  # noqa: E402
from viewflow.workflow.status import STATUS  # noqa: E402

from accounts.models import Department, Role, User, UserRole  # noqa: E402
from config.celery import app as celery_app  # noqa: E402
from tasks.proposals.flows import ProposalFlow  # noqa: E402
from tasks.proposals.models import Proposal  # noqa: E402
from workflows.escalation import dispatcher  # noqa: E402
from workflows.escalation.models import Deadline, Notice  # noqa: E402
from workflows.notifications.models import Notification  # noqa: E402
from workflows.workdays.calendar import previous_working_day  # noqa: E402

DUE = 10_000
FUTURE = 1_000_000
DEPARTMENTS = 50
IDLE_PASSES = 21


def say(message):
    print(message, file=sys.stderr, flush=True)


def people():
    departments = [
        Department.objects.create(code=f"bench-{n}", name=f"基准测试单位{n}", short_name=f"单位{n}")
        for n in range(DEPARTMENTS)
    ]
    users = []
    for department in departments:
        for role in (Role.OFFICER, Role.HEAD):
            users.append(
                User(
                    username=f"{department.code}-{role}",
                    name=f"{department.short_name}{role}",
                    department=department,
                    email=f"{department.code}-{role}@bench.example.cn",
                    mobile="13800000000",
                    password="!",
                )
            )
    users.append(User(username="bench-leader", name="领导", email="leader@bench.example.cn", password="!"))
    User.objects.bulk_create(users)
    roles = [UserRole(user=user, role=user.username.rsplit("-", 1)[1]) for user in users[:-1]]
    UserRole.objects.bulk_create([*roles, UserRole(user=users[-1], role=Role.LEADER)])
    return departments


def due_items(departments, now):
    """10,000 proposals whose sign-for deadline was the last working day: their 催办 is due."""
    today = timezone.localdate(now)
    due = previous_working_day(today)
    proposals = Proposal.objects.bulk_create(
        [
            Proposal(
                kind=Proposal.Kind.SUGGESTION,
                session="基准",
                number=str(n),
                title=f"基准测试建议{n}",
                content="内容",
                lead_department=departments[n % DEPARTMENTS],
                status=Proposal.Status.ASSIGNED,
                assigned_at=now - datetime.timedelta(days=10),
                sign_for_deadline=due,
            )
            for n in range(DUE)
        ],
        batch_size=2000,
    )
    proposal_type = ContentType.objects.get_for_model(Proposal)
    processes = Process.objects.bulk_create(
        [
            Process(
                flow_class=ProposalFlow,
                artifact_content_type=proposal_type,
                artifact_object_id=proposal.pk,
            )
            for proposal in proposals
        ],
        batch_size=2000,
    )
    hosts = Task.objects.bulk_create(
        [
            Task(
                process=process,
                flow_task=ProposalFlow.sign_for,
                flow_task_type="HUMAN",
                status=STATUS.NEW,
                owner_permission="workflows.handle_proposal",
                owner_permission_content_type=proposal_type,
                owner_permission_obj_pk=str(proposal.pk),
            )
            for process, proposal in zip(processes, proposals, strict=True)
        ],
        batch_size=2000,
    )
    deadlines = Deadline.objects.bulk_create(
        [
            Deadline(
                task=host,
                content_type=proposal_type,
                object_id=proposal.pk,
                department_id=proposal.lead_department_id,
                original_due=due,
                due=due,
                light="yellow",
            )
            for host, proposal in zip(hosts, proposals, strict=True)
        ],
        batch_size=2000,
    )
    ladder = ProposalFlow.sign_for__timeout
    timers = Task.objects.bulk_create(
        [
            Task(
                process_id=host.process_id,
                flow_task=ladder,
                flow_task_type="TIMER",
                status=STATUS.SCHEDULED,
                scheduled=now - datetime.timedelta(minutes=5),
                data={"deadline": deadline.pk, "round": 0, "kind": Notice.Kind.URGING, "sequence": 0},
            )
            for host, deadline in zip(hosts, deadlines, strict=True)
        ],
        batch_size=2000,
    )
    Task.previous.through.objects.bulk_create(
        [
            Task.previous.through(from_task_id=timer.pk, to_task_id=host.pk)
            for timer, host in zip(timers, hosts, strict=True)
        ],
        batch_size=5000,
    )


def future_timers():
    """1,000,000 ladder timers due over the next 90 days, each in a process of its own."""
    flow = get_flow_ref(ProposalFlow)
    node = get_task_ref(ProposalFlow.sign_for__timeout)
    first = (Process.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    if connection.vendor == "postgresql":
        later = "now() + (id %% 90 + 1) * interval '1 day' + (id %% 600) * interval '1 minute'"
        stamp = "now()"
    else:
        later = "datetime('now', '+' || (id %% 90 + 1) || ' days', '+' || (id %% 600) || ' minutes')"
        stamp = "datetime('now')"
    series = f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {FUTURE})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO viewflow_process (flow_class, status, created, data) "
            f"{series} SELECT %s, 'NEW', {stamp}, '{{}}' FROM seq",
            [flow],
        )
        cursor.execute(
            f"INSERT INTO viewflow_task (process_id, flow_task, flow_task_type, status, created, scheduled, "
            f"token, data) SELECT id, %s, 'TIMER', 'SCHEDULED', {stamp}, {later}, "
            f"'start', '{{}}' FROM viewflow_process WHERE id >= %s",
            [node, first],
        )
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE viewflow_task")
            cursor.execute("ANALYZE viewflow_process")


def main():
    settings.DATABASES["default"].setdefault("TEST", {})
    if connection.vendor != "sqlite":
        settings.DATABASES["default"]["TEST"]["NAME"] = (
            f"bench_timers_{settings.DATABASES['default']['NAME']}"
        )
    say(f"Creating a scratch database on {connection.vendor}")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        now = timezone.now()
        say("Creating people")
        departments = people()
        say(f"Creating {FUTURE:,} future timers")
        future_timers()
        say(f"Creating {DUE:,} due timers")
        with transaction.atomic():
            due_items(departments, now)

        say("Firing")
        started = time.perf_counter()
        fired = dispatcher.timers_fire()
        fire_seconds = time.perf_counter() - started

        notices = Notice.objects.count()
        queued = Notification.objects.filter(status=Notification.Status.PENDING).count()
        in_app = Notification.objects.filter(channel=Notification.Channel.IN_APP).count()
        say(
            f"fired {fired:,} timers: {notices:,} notices, "
            f"{in_app:,} in-app messages, {queued:,} e-mail/SMS queued"
        )
        if fired != DUE or notices != DUE:
            raise SystemExit(f"expected {DUE} timers fired and notices issued")

        idle = []
        for _pass in range(IDLE_PASSES):
            started = time.perf_counter()
            if dispatcher.timers_fire() != 0:
                raise SystemExit("a timer fired on an idle pass")
            idle.append(time.perf_counter() - started)

        print(f"figure timers_fire_10k = {fire_seconds:.1f} s (target < 30)")
        print(f"figure timers_idle_pass = {statistics.median(idle) * 1000:.1f} ms (target < 50)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        purged = celery_app.control.purge()
        say(f"Dropped the scratch database; purged {purged} queued messages")


if __name__ == "__main__":
    main()
