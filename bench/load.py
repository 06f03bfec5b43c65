"""Load benchmark: 200 officers and 20 leaders doing their daily work against the production stack.

The stack as deployed, on this machine: gunicorn with 2 workers (deploy/gunicorn.conf.py, DEBUG
off, collected static files), a Celery worker and beat, PostgreSQL and Redis. A database of its
own (LOAD_DATABASE, default jm_load, on the server of DATABASE_URL; dropped and created afresh,
dropped again at the end; Redis databases LOAD_BROKER_URL and LOAD_CACHE_URL, default 8 and 9,
flushed) holds the demo data plus what the scenario needs: OFFICERS officers
spread over the 南通 joint meeting's member departments, a proposal assigned to each of those
departments, LEADERS leaders, and a reporting campaign hosted by every department over the past
weeks (so that each officer has days left to report). bench/locustfile.py is the scenario; locust
runs it headless, the statistics start once everyone has logged in, and this prints

    figure load_rps = ... requests/s
    figure load_p50 / load_p95 / load_p99 = ... ms (target p95 < 300)
    figure load_errors = N (target = 0)

and the p95 of each page, slowest first, to find the slow ones. Usage (PostgreSQL and Redis):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python bench/load.py [--run-time 90]
"""

import argparse
import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BIN = Path(PY).parent

SETUP = """
import datetime, json, os
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from accounts.models import Department, User, UserRole
from tasks.campaigns import services as campaigns
from tasks.duties.models import JointMeeting
from tasks.proposals import assignment, services as proposals

officers, leaders, password = int(os.environ["N_OFFICERS"]), int(os.environ["N_LEADERS"]), os.environ["PW"]
meeting = JointMeeting.objects.get(office__code="nt-kjj")  # the 南通 双创 joint meeting
departments = list(meeting.members.order_by("code"))
secretariat = User.objects.get(username="secretariat")
hashed = make_password(password)  # once: PBKDF2 takes a fifth of a second
today = timezone.localdate()
days = 60
campaign = campaigns.campaign_create(
    actor=secretariat, title="压力测试活动周", organiser=departments[0],
    starts_on=today - datetime.timedelta(days=days - 1), ends_on=today,
    report_cutoff=datetime.time(16, 0), closes_on=today + datetime.timedelta(days=30),
)
campaigns.activity_add(campaign=campaign, name="创新创业宣传", hosts=departments,
                       starts_on=campaign.starts_on, ends_on=today)
pages = {}
for n, department in enumerate(departments):
    proposal = proposals.proposal_register(
        kind="proposal", session="压力测试", number=str(8000 + n), title=f"关于{department}压力测试的提案",
        content="内容", proposers=[{"name": "王一"}],
    )
    assignment.proposal_assign(proposal=proposal, lead=department)
    pages[department.pk] = (proposal.get_absolute_url(), proposal.title)
plan = {"password": password, "campaign": campaign.pk, "officers": [], "leaders": []}
by_department = {}
for n in range(officers):
    department = departments[n % len(departments)]
    user = User.objects.create(username=f"load_officer{n:03d}", name=f"科员{n:03d}", department=department,
                               email=f"load{n:03d}@example.cn", password=hashed)
    UserRole.objects.create(user=user, role="officer")
    by_department.setdefault(department.pk, []).append(user.username)
for department_pk, usernames in by_department.items():
    for k, username in enumerate(usernames):
        # each officer of a department reports days of their own: never the same day twice
        own = [today - datetime.timedelta(days=d) for d in range(k, days, len(usernames))]
        proposal_url, proposal_title = pages[department_pk]
        plan["officers"].append({
            "username": username, "proposal": proposal_url, "proposal_title": proposal_title,
            "campaign": campaign.pk, "days": [day.isoformat() for day in own],
        })
leader_department = Department.objects.get(code="nt-szf")
for n in range(leaders):
    user = User.objects.create(
        username=f"load_leader{n:02d}", name=f"领导{n:02d}", department=leader_department,
        email=f"leader{n:02d}@example.cn", password=hashed, oversees_all=True,
    )
    UserRole.objects.create(user=user, role="leader")
    plan["leaders"].append({"username": user.username})
print(json.dumps(plan, ensure_ascii=False))
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def psql(admin_url, sql):
    subprocess.run(
        ["psql", admin_url, "-XAtqc", sql],
        check=True,
        env={**os.environ, "PGOPTIONS": "--client-min-messages=warning"},
    )


def manage(env, *args, stdin=None):
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=900
    )
    if result.returncode:
        sys.exit(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def start(env, log, *command):
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_healthy(base, processes):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if any(p.poll() is not None for p in processes):
            sys.exit("a process of the stack exited at start")
        time.sleep(0.5)
    sys.exit("the stack did not answer /healthz within 120 s")


def web_cpu_seconds(master_pid):
    """User and system CPU seconds of the gunicorn master's workers so far."""
    import psutil

    total = 0.0
    for worker in psutil.Process(master_pid).children():
        times = worker.cpu_times()
        total += times.user + times.system
    return total


def read_stats(prefix):
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {row["Name"]: row for row in rows}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--officers", type=int, default=200)
    parser.add_argument("--leaders", type=int, default=20)
    # a login costs 0.4 s of a core here (PBKDF2): 2 a second keep the ramp-up from swamping the
    # machine; the statistics start once everyone is in
    parser.add_argument("--spawn-rate", type=float, default=2, help="logins per second during the ramp-up")
    parser.add_argument("--run-time", type=int, default=90, help="seconds measured after everyone is in")
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args()
    # stopped by a signal, the stack is still stopped and the database dropped (finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        # `make bench` on the embedded default measures the rest and says why this is missing
        print("# bench/load.py not run: it measures the production stack; set DATABASE_URL to PostgreSQL")
        return
    server = server.rsplit("/", 1)[0]
    database = os.environ.get("LOAD_DATABASE", "jm_load")
    admin_url = f"{server}/postgres"
    var_dir = Path(tempfile.mkdtemp(prefix="load-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "EMAIL_HOST", "DEBUG"}
    }
    env.update(
        DEBUG="0",
        VAR_DIR=str(var_dir),
        DATABASE_URL=f"{server}/{database}",
        CELERY_BROKER_URL=os.environ.get("LOAD_BROKER_URL", "redis://127.0.0.1:6379/8"),
        CACHE_URL=os.environ.get("LOAD_CACHE_URL", "redis://127.0.0.1:6379/9"),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=base,
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
        # the login lock-out counts per user name; every simulated person logs in once
        LOGIN_FAILURE_LIMIT="1000",
    )
    processes = []
    psql(admin_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    psql(admin_url, f'CREATE DATABASE "{database}"')
    try:
        import redis

        for url in (env["CELERY_BROKER_URL"], env["CACHE_URL"]):
            redis.Redis.from_url(url).flushdb()
        manage(env, "compilemessages", "-l", "zh_Hans", "--ignore=.venv", "-v0")
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "collectstatic", "--no-input", "-v0")
        manage(env, "load_demo", "--quiet-logins")
        plan_env = {
            **env,
            "N_OFFICERS": str(args.officers),
            "N_LEADERS": str(args.leaders),
            "PW": "Load@2026",
        }
        plan = manage(plan_env, "shell", "--no-imports", stdin=SETUP).strip().splitlines()[-1]
        plan_file = var_dir / "plan.json"
        plan_file.write_text(plan, encoding="utf-8")

        log = (var_dir / "stack.log").open("w")
        processes.append(
            start(
                env,
                log,
                str(BIN / "gunicorn"),
                "-c",
                "deploy/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.web_workers),
                "--access-logfile",
                "/dev/null",
                # the simulated browsers talk to gunicorn directly and pause up to 15 s between
                # clicks: a keep-alive longer than that, so that no request races gunicorn closing
                # its connection (in production nginx holds the browsers' connections)
                "--keep-alive",
                "30",
                "config.wsgi",
            )
        )
        processes.append(
            start(
                env,
                log,
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--concurrency=1",
                "--loglevel=WARNING",
            )
        )
        processes.append(
            start(
                env,
                log,
                str(BIN / "celery"),
                "-A",
                "config",
                "beat",
                "--loglevel=WARNING",
                f"--schedule={var_dir}/beat",
            )
        )
        wait_healthy(base, processes)

        users = args.officers + args.leaders
        prefix = var_dir / "locust"
        mark = var_dir / "measuring"
        locust_log = (var_dir / "locust.log").open("w")
        # --run-time only caps the run: the scenario ends it run_time seconds after the last login
        cap = users / args.spawn_rate + args.run_time + 600
        locust = subprocess.Popen(
            [
                str(BIN / "locust"),
                "-f",
                "bench/locustfile.py",
                "--headless",
                "--host",
                base,
                "--users",
                str(users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{int(cap)}s",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={
                **env,
                "LOAD_PLAN": str(plan_file),
                "LOAD_MARK": str(mark),
                "LOAD_RUN_TIME": str(args.run_time),
            },
            stdout=locust_log,
            stderr=subprocess.STDOUT,
        )
        # the web workers' CPU time over the measured part: what a request costs the server,
        # whatever else the machine is doing (the wall-clock figures include waiting for a core)
        started = time.monotonic()
        while not mark.exists() and locust.poll() is None:
            time.sleep(0.2)
        ramp = time.monotonic() - started
        cpu_before, load_before = web_cpu_seconds(processes[0].pid), os.getloadavg()[0]
        locust.wait(timeout=cap + 60)
        cpu = web_cpu_seconds(processes[0].pid) - cpu_before
        load_after = os.getloadavg()[0]
        if not Path(f"{prefix}_stats.csv").exists():
            sys.exit(f"locust wrote no statistics:\n{(var_dir / 'locust.log').read_text()[-3000:]}")
        stats = read_stats(prefix)
        total = stats.pop("Aggregated")
        errors = int(total["Failure Count"])
        print(
            f"# {args.officers} officers + {args.leaders} leaders, {args.web_workers} gunicorn workers, "
            f"{args.run_time} s measured once all had logged in ({ramp:.0f} s); a shared 2-core machine "
            "running locust, PostgreSQL and Redis too: pessimistic"
        )
        print(f"figure load_rps = {float(total['Requests/s']):.1f} requests/s")
        print(f"figure load_p50 = {total['50%']} ms")
        print(f"figure load_p95 = {total['95%']} ms (target < 300)")
        print(f"figure load_p99 = {total['99%']} ms")
        print(f"figure load_errors = {errors} (target = 0)")
        requests = int(total["Request Count"])
        print(f"figure load_server_cpu = {1000 * cpu / max(requests, 1):.0f} ms of CPU per request")
        print(f"# load average {load_before:.1f} when the measurement began, {load_after:.1f} at its end")
        measured = {name: row for name, row in stats.items() if int(row["Request Count"])}
        for name, row in sorted(measured.items(), key=lambda item: -float(item[1]["95%"])):
            print(
                f"#   {row['Type']:4} {name:24} p50 {row['50%']:>5} ms  p95 {row['95%']:>5} ms  "
                f"{row['Request Count']:>5} requests  {row['Failure Count']} errors"
            )
        if errors and Path(f"{prefix}_failures.csv").exists():
            print("# failures:")
            for line in Path(f"{prefix}_failures.csv").read_text(encoding="utf-8").splitlines()[1:10]:
                print(f"#   {line}")
    finally:
        for process in processes:
            stop(process)
        psql(admin_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
