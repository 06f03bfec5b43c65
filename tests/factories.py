"""Test data with domain names, written once: departments, people, and registered work."""

import datetime

import factory
from django.db.models import Max
from django.utils import timezone
from viewflow.workflow.status import STATUS

from accounts.models import Department, User, UserRole
from tasks.duties import services as duty_services
from tasks.duties import steps
from tasks.duties.assignment import duty_assign
from tasks.duties.flows import DutyFlow, DutyReportFlow
from tasks.duties.models import Duty
from tasks.proposals import assignment, services

PASSWORD = "Test-pass-2026"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"nt-dept-{n}")
    short_name = factory.Sequence(lambda n: f"单位{n}")
    name = factory.LazyAttribute(lambda department: f"南通市{department.short_name}")
    kind = "bureau"


class UserFactory(factory.django.DjangoModelFactory):
    """A person in a department; ``roles=["officer"]`` gives their roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"工作人员{n}")
    department = factory.SubFactory(DepartmentFactory)
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.cn")

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or PASSWORD)
        if create:
            user.save()

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        for role in extracted or ():
            UserRole.objects.create(user=user, role=role)


def register_and_assign(
    *,
    lead,
    co_handlers=(),
    number="277",
    kind="suggestion",
    session="2017年",
    title="关于在南通市组织社会大众聚力创新的建议",
    content="建议在全市组织社会大众聚力创新。",
    proposers=("石剑波",),
    actor=None,
):
    """登记 then 交办, as the secretariat does (at the current, possibly travelled, time).

    The defaults are proposal 277 of seed 003; tests name what differs.
    """
    proposal = services.proposal_register(
        kind=kind,
        session=session,
        number=str(number),
        title=title,
        content=content,
        proposers=[{"name": name} for name in proposers],
        actor=actor,
    )
    assignment.proposal_assign(proposal=proposal, lead=lead, co_handlers=list(co_handlers), actor=actor)
    return proposal


def step_complete(task, user, write=lambda: None):
    steps.step_complete(task=task, user=user, write=write)


def duties_in_every_step(*, table, lead, cooperating, people, title):
    """Duties of ``table`` that together hold a task of every node of the duty flows: waiting for
    签收; a reassignment request awaiting the secretariat; an input awaiting the cooperating
    department; and a completion confirmed by the leader. ``people`` names the officers
    (``lead_officer``, ``co_officer``), the ``head``, the ``secretariat`` and the ``leader``."""
    duties = []
    first = (table.duties.aggregate(last=Max("sequence"))["last"] or 0) + 1
    for sequence in range(first, first + 4):
        duty = Duty.objects.create(
            table=table,
            sequence=sequence,
            title=f"{title}{sequence}",
            lead=lead,
            deadline=timezone.localdate() + datetime.timedelta(days=90),
            leader_confirmation=True,
        )
        duty_assign(duty=duty, cooperating=cooperating, actor=people["secretariat"])
        duties.append(duty)

    def open_step(duty, node):
        return duty.tasks().get(flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED])

    def sign_for(duty):
        step_complete(
            open_step(duty, DutyFlow.sign_for),
            people["lead_officer"],
            lambda: duty_services.duty_sign_for(duty=duty, user=people["lead_officer"]),
        )

    officer = people["lead_officer"]
    step_complete(
        open_step(duties[1], DutyFlow.sign_for),
        officer,
        lambda: duty_services.duty_reassignment_request(
            duty=duties[1], user=officer, reason=f"{title}调整理由"
        ),
    )
    sign_for(duties[2])
    sign_for(duties[3])
    item = duties[3].cooperation_inputs.get()
    step_complete(
        open_step(duties[3], DutyFlow.cooperate),
        people["co_officer"],
        lambda: duty_services.cooperation_input_submit(
            item=item, user=people["co_officer"], content=f"{title}配合意见"
        ),
    )
    report = duties[3].reports.get()
    steps = [
        (
            DutyReportFlow.write,
            officer,
            lambda: duty_services.report_submit(
                report=report,
                user=officer,
                progress=f"{title}进展",
                problems="",
                next_steps="",
                percentage=100,
            ),
        ),
        (
            DutyReportFlow.sign_off,
            people["head"],
            lambda: duty_services.report_sign_off(report=report, user=people["head"], approve=True),
        ),
        (
            DutyReportFlow.review,
            people["secretariat"],
            lambda: duty_services.report_review(report=report, user=people["secretariat"], accept=True),
        ),
        (
            DutyReportFlow.confirm,
            people["leader"],
            lambda: duty_services.report_confirm(report=report, user=people["leader"]),
        ),
    ]
    for node, user, write in steps:
        step_complete(open_step(duties[3], node), user, write)
    return duties
