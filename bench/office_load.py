"""Benchmark and load harness: a small office on the embedded default, as `make run` serves it.

A fresh VAR_DIR with its own SQLite file, filesystem broker and database cache; the demo data plus
OFFICERS officers of 科技局 (the lead department) and PROPOSALS proposals assigned to it; gunicorn
with deploy/gunicorn.conf.py, a Celery worker and a timer dispatcher that keeps making timers due
and firing them (the Celery task's body, mutex included). Then OFFICERS clients log in at once
(the morning rush) and work the department queue as people do: open the desk, take (领取) a
task, sign for (签收) it, until the queue is empty.

Prints `figure <name> = <value> <unit> (target <op> <value>)` lines. Usage:

    python bench/office_load.py                 # 20 officers, 200 proposals, config.settings
    python bench/office_load.py --proposals 80 --settings tests.settings

tests/load/test_office_load.py runs the same harness and asserts on what it records.
"""

import argparse
import contextlib
import http.cookiejar
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Demo@2026"
# Settings the server must take from its defaults, whatever the calling process has.
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
    "EMAIL_HOST",
}

SETUP = """
import sys
from django.contrib.auth.hashers import make_password
from accounts.models import Department, User, UserRole
from tasks.proposals import assignment, services

officers, proposals, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
kjj = Department.objects.get(code="nt-kjj")
hashed = make_password(password)  # hashed once: PBKDF2 takes a fifth of a second
for n in range(officers):
    user = User.objects.create(
        username=f"load{n:02d}", name=f"科员{n:02d}", department=kjj,
        email=f"load{n:02d}@example.cn", password=hashed,
    )
    UserRole.objects.create(user=user, role="officer")
for n in range(proposals):
    proposal = services.proposal_register(
        kind="proposal", session="十三届一次", number=str(5000 + n), title=f"压力测试提案{n}",
        content="内容", proposers=[{"name": "王一"}],
    )
    assignment.proposal_assign(proposal=proposal, lead=kjj)
"""

DISPATCHER = """
import datetime, logging, os, sys, time
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from workflows.escalation.jobs import workflow_timers_fire

stop_file, per_pass = sys.argv[1], int(sys.argv[2])
passes = fired = 0
while not os.path.exists(stop_file):
    due = list(
        Task.objects.filter(flow_task_type="TIMER", status=STATUS.SCHEDULED)
        .order_by("?").values_list("pk", flat=True)[:per_pass]
    )
    Task.objects.filter(pk__in=due).update(scheduled=timezone.now() - datetime.timedelta(minutes=1))
    fired += workflow_timers_fire()
    passes += 1
    time.sleep(1)  # a pass a second instead of every 30 s: far more contention than beat makes
print(f"dispatcher passes={passes} fired={fired}", flush=True)
"""

STATE = """
import json
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from tasks.proposals.flows import ProposalFlow
from tasks.proposals.models import Proposal

# ours, and those of the demo's proposals that waited for 科技局's 签收 (310) and were signed for here
sign_for = Task.objects.filter(flow_task=ProposalFlow.sign_for)
load = Proposal.objects.filter(session="十三届一次") | Proposal.objects.filter(
    pk__in=sign_for.filter(owner__username__startswith="load").values("process__artifact_object_id")
)
proposals = {
    p.get_absolute_url(): {"status": p.status, "signed_for_by": p.signed_for_by and p.signed_for_by.username}
    for p in load.select_related("signed_for_by")
}
numbers = {p.pk: p.get_absolute_url() for p in load}
tasks = [
    {"pk": t.pk, "status": t.status, "owner": t.owner and t.owner.username,
     "proposal": numbers[t.process.artifact_object_id]}
    for t in sign_for.filter(process__artifact_object_id__in=numbers)
    .select_related("owner", "process")
]
timers = Task.objects.filter(flow_task_type="TIMER")
print(json.dumps({
    "proposals": proposals,
    "tasks": tasks,
    "timers": {
        "due": timers.filter(status=STATUS.SCHEDULED, scheduled__lte=timezone.now()).count(),
        "error": timers.filter(status=STATUS.ERROR).count(),
        "done": timers.filter(status=STATUS.DONE).count(),
    },
}))
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def office_env(var_dir, settings_module):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST") and k not in CLEARED}
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        VAR_DIR=str(var_dir),
        # as scripts/run.sh: plain HTTP on 127.0.0.1
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
    )
    return env


def manage(env, *args, timeout=300):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args[:2])} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def python(env, script, *args, timeout=300):
    """Run ``script`` with Django set up, in the office's environment."""
    code = "import django; django.setup()\n" + script
    result = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"script failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(env, *, officers, proposals, collectstatic):
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "createcachetable")
    if collectstatic:
        manage(env, "collectstatic", "--no-input", "-v0")
    manage(env, "load_demo", "--quiet-logins")
    python(env, SETUP, officers, proposals, PASSWORD)


def stop(process, timeout=20):
    """Terminate a process group started with start_new_session, then kill what is left."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


@contextlib.contextmanager
def office(var_dir, env):
    """gunicorn (as scripts/run.sh starts it) and a Celery worker; yields the base URL."""
    port = free_port()
    logs = {name: (var_dir / f"{name}.log").open("w") for name in ("gunicorn", "worker")}
    started = []

    def start(name, *command):
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=logs[name],
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one
        )
        started.append(process)
        return process

    try:
        gunicorn = start(
            "gunicorn",
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "config.wsgi",
        )
        start(
            "worker",
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            if gunicorn.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{log_tail(var_dir, 'gunicorn')}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer /healthz:\n{log_tail(var_dir, 'gunicorn')}")
            time.sleep(0.25)
        yield base
    finally:
        for process in started:
            stop(process)
        for log in logs.values():
            log.close()


def log_tail(var_dir, name, size=5000):
    return (var_dir / f"{name}.log").read_text()[-size:]


@dataclass
class Record:
    """What the clients saw."""

    logins: list = field(default_factory=list)  # seconds
    takes: list = field(default_factory=list)  # seconds of successful take clicks
    sign_fors: list = field(default_factory=list)  # seconds of successful sign-for clicks
    signed: list = field(default_factory=list)  # (proposal path, username) per successful sign-for
    lost_races: int = 0  # took a task a colleague had just taken
    statuses: dict = field(default_factory=dict)  # status code -> count
    failures: list = field(default_factory=list)  # unexpected answers, described
    lock = threading.Lock()

    def count(self, status):
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def fail(self, message):
        with self.lock:
            self.failures.append(message)


class Officer:
    """One person at a browser: a cookie jar, following redirects as a browser does."""

    def __init__(self, base, username, record):
        self.base, self.username, self.record = base, username, record
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path, data=None):
        url = path if path.startswith("http") else self.base + path
        if data is not None:
            data = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        try:
            with self.opener.open(urllib.request.Request(url, data=data), timeout=60) as response:
                body = response.read().decode()
                self.record.count(response.status)
                return response.status, response.geturl(), body
        except urllib.error.HTTPError as error:
            body = error.read().decode(errors="replace")
            self.record.count(error.code)
            return error.code, error.geturl(), body

    def csrf(self):
        return next((cookie.value for cookie in self.jar if cookie.name == "csrftoken"), "")

    def log_in(self):
        self.request("/accounts/login/")
        started = time.monotonic()
        status, url, _ = self.request("/accounts/login/", {"username": self.username, "password": PASSWORD})
        if status != 200 or "/accounts/login/" in url:
            self.record.fail(f"{self.username}: login answered {status} at {url}")
            return False
        self.record.logins.append(time.monotonic() - started)
        return True

    def work(self, deadline):
        """Take and sign for tasks from the department queue until it is empty."""
        while time.monotonic() < deadline:
            status, _, desk = self.request("/desk/")
            if status != 200:
                self.record.fail(f"{self.username}: desk answered {status}")
                return
            queue = desk.split('id="department-queue"', 1)[-1]
            # the proposals' sign-for rows (their one-click 签收 form): the demo's duties, and the
            # drafting step each 签收 opens, wait in the same queue
            rows = [
                row for row in re.findall(r"<tr>(.*?)</tr>", queue, re.S) if "/proposals/sign-for/" in row
            ]
            takes = [take for row in rows for take in re.findall(r'action="(/desk/tasks/\d+/take/)"', row)]
            if not takes:
                return
            take = random.choice(takes)
            started = time.monotonic()
            status, url, page = self.request(take, {})
            taken = time.monotonic() - started
            if status == 404 or (status == 200 and urllib.parse.urlparse(url).path == "/desk/"):
                with self.record.lock:
                    self.record.lost_races += 1  # a colleague took it first
                continue
            if status != 200 or 'id="sign-for"' not in page:
                self.record.fail(f"{self.username}: take {take} answered {status} at {url}")
                continue
            self.record.takes.append(taken)
            started = time.monotonic()
            status, after, _ = self.request(url, {})
            if status != 200 or after == url:
                self.record.fail(f"{self.username}: sign-for at {url} answered {status} at {after}")
                continue
            self.record.sign_fors.append(time.monotonic() - started)
            with self.record.lock:
                self.record.signed.append((urllib.parse.urlparse(after).path, self.username))


def rush(base, usernames, *, seconds):
    """Everyone logs in at once, then works the queue; returns the Record."""
    record = Record()
    barrier = threading.Barrier(len(usernames))
    deadline = time.monotonic() + seconds

    def person(username):
        officer = Officer(base, username, record)
        try:
            barrier.wait(30)
            if officer.log_in():
                officer.work(deadline)
        except Exception as exc:  # a refused connection, a time-out: reported, never hidden
            record.fail(f"{username}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=person, args=(name,)) for name in usernames]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return record


@contextlib.contextmanager
def dispatcher(var_dir, env, per_pass=5):
    """The timer dispatcher, pass after pass, in its own process; yields its output file."""
    stop_file = var_dir / "dispatcher.stop"
    output = var_dir / "dispatcher.log"
    with output.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import django; django.setup()\n" + DISPATCHER,
                str(stop_file),
                str(per_pass),
            ],
            cwd=ROOT,
            env={**env, "LOG_LEVEL": "INFO"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield output
        finally:
            stop_file.touch()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                stop(process)


def state(env):
    return json.loads(python(env, STATE).strip().splitlines()[-1])


def p95(values):
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20)[-1]


def run(var_dir, *, officers=20, proposals=200, settings_module="config.settings", seconds=45):
    """Prepare, serve, rush; returns (record, final state, dispatcher output, gunicorn log, worker log)."""
    env = office_env(var_dir, settings_module)
    prepare(env, officers=officers, proposals=proposals, collectstatic=settings_module == "config.settings")
    usernames = [f"load{n:02d}" for n in range(officers)]
    with office(var_dir, env) as base, dispatcher(var_dir, env) as dispatcher_log:
        record = rush(base, usernames, seconds=seconds)
    return {
        "record": record,
        "state": state(env),
        "dispatcher": dispatcher_log.read_text(),
        "gunicorn": (var_dir / "gunicorn.log").read_text(),
        "worker": (var_dir / "worker.log").read_text(),
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--proposals", type=int, default=200)
    parser.add_argument("--settings", default="config.settings")
    parser.add_argument("--seconds", type=int, default=120)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="office-load-") as scratch:
        var_dir = Path(scratch) / "var"
        started = time.monotonic()
        result = run(
            var_dir,
            officers=options.officers,
            proposals=options.proposals,
            settings_module=options.settings,
            seconds=options.seconds,
        )
        record, final = result["record"], result["state"]
        errors = sum(count for status, count in record.statuses.items() if status >= 500)
        unsigned = sum(1 for p in final["proposals"].values() if p["signed_for_by"] is None)
        elapsed = time.monotonic() - started
        print(f"# {options.officers} officers, {options.proposals} proposals, {elapsed:.0f} s")
        print(f"# answers by status: {dict(sorted(record.statuses.items()))}")
        print(f"# lost races (a colleague took the task first): {record.lost_races}")
        print(f"# {result['dispatcher'].strip().splitlines()[-1] if result['dispatcher'].strip() else ''}")
        for failure in record.failures[:10]:
            print(f"# failure: {failure}")
        print(f"figure server_errors = {errors} responses (target = 0)")
        print(f"figure failed_clicks = {len(record.failures)} clicks (target = 0)")
        print(f"figure login_rush_max = {max(record.logins, default=float('nan')):.2f} s (target < 5)")
        print(f"figure login_p95 = {p95(record.logins):.2f} s (target < 3)")
        print(f"figure take_p95 = {p95(record.takes):.2f} s (target < 1)")
        print(f"figure sign_for_p95 = {p95(record.sign_fors):.2f} s (target < 1)")
        print(f"figure sign_for_median = {statistics.median(record.sign_fors or [float('nan')]):.2f} s")
        print(f"figure unsigned_proposals = {unsigned} proposals (target = 0)")
        print(f"figure timers_in_error = {final['timers']['error']} timers (target = 0)")


if __name__ == "__main__":
    main()
