"""Benchmark: user-task completions per second across the whole proposal reply process.

Builds a scratch PostgreSQL database of its own (created and dropped here) with 科技局 leading,
科协 and 人社局 co-handling, their officers and heads and the secretariat; registers and assigns
PROPOSALS proposals through the services (untimed), then completes every user task of each one
through the services the pages call (``tasks.proposals.steps``: take and complete under the
process lock): 签收, the two 协办意见, the draft sent to the head, 签发, the secretariat's release,
one client. The contact record each reply needs is written untimed between the opinions and the
draft (it is not a task). Prints ``figure proposal_completions = X /s (target > 150)``. Then a
workbook of IMPORT_ROWS proposals is checked and confirmed through the import's own functions
(``proposal_import_parse`` + ``proposal_import_apply``: every row registered and assigned, its
flow started), timed whole: ``figure proposal_import_1000 = X s (target < 10)``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jm_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/13 CACHE_URL=redis://127.0.0.1:6379/12 \\
    python bench/proposals.py [--proposals 100]
"""

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from viewflow.workflow.models import Task  # noqa: E402
from viewflow.workflow.status import STATUS  # noqa: E402

from accounts.models import Department, User, UserRole  # noqa: E402
from tasks.proposals import assignment, services, steps  # noqa: E402
from tasks.proposals.flows import ProposalFlow  # noqa: E402
from tasks.proposals.importing import (  # noqa: E402
    TEMPLATE_COLUMNS,
    proposal_import_apply,
    proposal_import_parse,
)
from tasks.proposals.models import CoHandlingOpinion  # noqa: E402

PROPOSALS = 100
TARGET = 150
IMPORT_ROWS = 1000
IMPORT_TARGET = 10.0


def say(message):
    print(message, file=sys.stderr, flush=True)


def figure(name, value, unit, target):
    print(f"figure {name} = {value} {unit} ({target})", flush=True)


def person(username, name, department, role):
    user = User.objects.create(username=username, name=name, department=department, password="!")
    UserRole.objects.create(user=user, role=role)
    return user


def world():
    kjj = Department.objects.create(code="nt-kjj", name="南通市科学技术局", short_name="科技局")
    kx = Department.objects.create(code="nt-kx", name="南通市科学技术协会", short_name="科协")
    rsj = Department.objects.create(code="nt-rsj", name="南通市人力资源和社会保障局", short_name="人社局")
    people = {
        "kjj_officer": person("kjj_officer", "张敏", kjj, "officer"),
        "kjj_head": person("kjj_head", "李强", kjj, "head"),
        "kx_officer": person("kx_officer", "王芳", kx, "officer"),
        "rsj_officer": person("rsj_officer", "钱进", rsj, "officer"),
        "secretariat": person("secretariat", "周婷", kjj, "secretariat"),
    }
    return kjj, kx, rsj, people


def open_task(proposal, node):
    return Task.objects.filter(
        process__artifact_object_id=proposal.pk, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )


def run(proposals, kx, people):
    """Every user task of every proposal, timed step by step; returns (completions, seconds)."""
    done, seconds = 0, 0.0

    def timed(call, **kwargs):
        nonlocal done, seconds
        started = time.perf_counter()
        call(**kwargs)
        seconds += time.perf_counter() - started
        done += 1

    for proposal in proposals:
        timed(
            steps.sign_for_complete,
            task=open_task(proposal, ProposalFlow.sign_for).get(),
            user=people["kjj_officer"],
        )
        for task in open_task(proposal, ProposalFlow.opinion):
            department = CoHandlingOpinion.objects.get(pk=task.data["opinion"]).department_id
            user = people["kx_officer"] if department == kx.pk else people["rsj_officer"]
            timed(steps.opinion_complete, task=task, user=user, text="同意主办单位的办理意见。")
        services.contact_record(
            reply=proposal.replies.get(),
            contacted_on=datetime.date.today(),
            way="phone",
            person="石剑波",
            view="认可",
            user=people["kjj_officer"],
        )
        timed(
            steps.draft_complete,
            task=open_task(proposal, ProposalFlow.draft).get(),
            user=people["kjj_officer"],
            text="尊敬的石剑波代表：……",
            category="B",
        )
        timed(
            steps.sign_off_complete,
            task=open_task(proposal, ProposalFlow.sign_off).get(),
            user=people["kjj_head"],
        )
        timed(
            steps.review_complete,
            task=open_task(proposal, ProposalFlow.review).get(),
            user=people["secretariat"],
        )
    return done, seconds


def import_workbook(rows):
    """IMPORT_ROWS proposals in the template's layout, as a secretariat would fill it in."""
    book = Workbook()
    sheet = book.active
    sheet.append(["南通市十六届人大一次会议代表建议交办表"])
    sheet.append(TEMPLATE_COLUMNS)
    for number in range(1, rows + 1):
        sheet.append(
            [
                "建议",
                "十六届",
                f"D{number}",
                f"关于加强第{number}项民生工作的建议",
                "建议进一步加强相关工作。" * 20,
                "石剑波代表",
                "顾明、陆军",
                "市科技局",
                "科协、人社局" if number % 2 else "",
                "2017年1月5日",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=PROPOSALS)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/proposals.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    settings.DATABASES["default"].setdefault("TEST", {})
    settings.DATABASES["default"]["TEST"]["NAME"] = f"bench_proposals_{settings.DATABASES['default']['NAME']}"
    say(f"Creating the scratch database {settings.DATABASES['default']['TEST']['NAME']}")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        kjj, kx, rsj, people = world()
        say(f"Registering and assigning {args.proposals} proposals (untimed)")
        proposals = []
        for number in range(1, args.proposals + 1):
            proposal = services.proposal_register(
                kind="suggestion",
                session="十六届",
                sitting="一次会议",
                number=str(number),
                title=f"关于在南通市组织社会大众聚力创新的建议{number}",
                content="建议在全市组织社会大众聚力创新。",
                proposers=[{"name": "石剑波"}, {"name": "顾明"}],
            )
            assignment.proposal_assign(proposal=proposal, lead=kjj, co_handlers=[kx, rsj])
            proposals.append(proposal)
        say("Completing every user task through the services")
        done, seconds = run(proposals, kx, people)
        figure(
            "proposal_completions",
            f"{done / seconds:.0f}",
            "/s",
            f"target > {TARGET}; {done} completions (sign-for, opinion, reply, sign-off, release) "
            f"in {seconds:.1f} s",
        )
        content = import_workbook(IMPORT_ROWS)
        say(f"Importing a workbook of {IMPORT_ROWS} proposals (check, then register and assign)")
        statements = 0

        def count(execute, sql, params, many, context):
            nonlocal statements
            statements += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            preview = proposal_import_parse(content)
            if not preview.is_valid:
                raise SystemExit("\n".join(preview.messages()[:10]))
            parsed = time.perf_counter()
            imported = proposal_import_apply(preview=preview, actor=people["secretariat"])
        seconds = time.perf_counter() - started
        if len(imported) != IMPORT_ROWS:
            raise SystemExit(f"{len(imported)} of {IMPORT_ROWS} rows imported")
        figure(
            "proposal_import_1000",
            f"{seconds:.1f}",
            "s",
            f"target < {IMPORT_TARGET:.0f}; {IMPORT_ROWS} rows checked, registered, assigned, flows started",
        )
        figure(
            "proposal_import_parse",
            f"{parsed - started:.1f}",
            "s",
            "diagnostic; the check, part of the figure above",
        )
        figure("proposal_import_queries_per_row", f"{statements / IMPORT_ROWS:.1f}", "queries", "diagnostic")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
