"""A small hand-built world with known answers, on Monday 16 March 2026 (no holiday in March).

科技局 (kjj) leads four duties and four proposals, 教育局 (jyj) two duties and one proposal, 科协
(kx) gives an input. Rows are written directly (the flows are tested elsewhere): each open step is
a bare viewflow task with its deadline, as the escalation ladder opens them.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from viewflow.workflow.models import Process, Task

from tasks.duties.flows import DutyFlow
from tasks.duties.models import Duty, DutyTable, JointMeeting
from tasks.proposals.flows import ProposalFlow
from tasks.proposals.models import Evaluation, Proposal, Proposer, Reply
from tests.conftest import make_department, make_user
from workflows.escalation.models import Deadline, Light

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()


def at(month, day):
    return datetime.datetime(2026, month, day, 10, 0, tzinfo=SHANGHAI)


def day(month, day_of_month):
    return datetime.date(2026, month, day_of_month)


def step_deadline(subject, department, due, *, light=Light.GREEN, owner=None, closed_at=None):
    """An open (or closed) step of ``subject`` with its deadline."""
    flow_class, node = (
        (DutyFlow, DutyFlow.sign_for) if isinstance(subject, Duty) else (ProposalFlow, ProposalFlow.sign_for)
    )
    process = Process.objects.create(flow_class=flow_class, artifact=subject)
    task = Task.objects.create(process=process, flow_task=node, status="NEW", owner=owner)
    return Deadline.objects.create(
        task=task,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        department=department,
        original_due=due,
        due=due,
        light=light,
        closed_at=closed_at,
        meeting_id=subject.table.meeting_id if isinstance(subject, Duty) else None,  # as the ladder stores it
    )


@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(db, travel):
    kjj = make_department("nt-kjj", "南通市科学技术局", "科技局")
    kx = make_department("nt-kx", "南通市科学技术协会", "科协", "mass_org")
    jyj = make_department("nt-jyj", "南通市教育局", "教育局")
    city = make_department("nt-szf", "南通市人民政府", "市政府", "other")
    people = {
        "kjj_officer": make_user("kjj_officer", "张敏", kjj, "officer"),
        "jyj_officer": make_user("jyj_officer", "陈晨", jyj, "officer"),
        "secretariat": make_user("secretariat", "周婷", kjj, "secretariat"),
        "leader": make_user("leader", "赵建国", city, "leader"),
        "kjj_leader": make_user("kjj_leader", "钱副市长", city, "leader"),
    }
    people["leader"].oversees_all = True
    people["leader"].save()
    people["kjj_leader"].oversees.add(kjj)

    shuangchuang = JointMeeting.objects.create(name="南通双创联席会议", short_name="双创", office=kjj)
    talent = JointMeeting.objects.create(name="南通人才工作联席会议", short_name="人才", office=kjj)
    table = DutyTable.objects.create(meeting=shuangchuang, title="2026年双创重点任务")
    talent_table = DutyTable.objects.create(meeting=talent, title="2026年人才重点任务")

    def duty(sequence, title, lead, *, deadline=None, completed=None, table=table, status=None):
        return Duty.objects.create(
            table=table,
            sequence=sequence,
            title=title,
            lead=lead,
            assigned_at=at(1, 10),
            deadline=deadline,
            completed_at=completed,
            status=status or (Duty.Status.DONE if completed else Duty.Status.IN_PROGRESS),
        )

    duties = {
        "on_time": duty(1, "科技局按期办结任务", kjj, deadline=day(3, 10), completed=at(3, 9)),
        "late": duty(2, "科技局逾期办结任务", kjj, deadline=day(3, 1), completed=at(3, 5)),
        "red": duty(3, "科技局红灯任务", kjj, deadline=day(6, 30)),
        "talent": duty(
            1, "科技局人才任务", kjj, deadline=day(9, 30), table=talent_table, status=Duty.Status.ASSIGNED
        ),
        "jyj_done": duty(4, "教育局长期任务", jyj, completed=at(2, 2)),
        "jyj_red": duty(5, "教育局保密红灯任务", jyj, deadline=day(12, 31)),
        # not yet assigned: counted nowhere
        "draft": Duty.objects.create(table=table, sequence=6, title="未交办任务", lead=kjj),
    }

    def proposal(number, lead, status, *, kind="suggestion", title=None):
        return Proposal.objects.create(
            kind=kind,
            session="2026年",
            number=str(number),
            title=title or f"第{number}号建议",
            content="内容",
            lead_department=lead,
            status=status,
            assigned_at=at(1, 20),
        )

    def reply(item, department, *, due, released=None, category=""):
        return Reply.objects.create(
            proposal=item,
            department=department,
            due=due,
            status=Reply.Status.RELEASED if released else Reply.Status.DRAFTING,
            released_at=released,
            category=category,
        )

    proposals = {
        "p1": proposal(1, kjj, Proposal.Status.REPLIED),
        "p2": proposal(2, kjj, Proposal.Status.CLOSED, kind="proposal"),
        "p3": proposal(3, kjj, Proposal.Status.HANDLING),
        "p4": proposal(4, kjj, Proposal.Status.ASSIGNED),
        "p5": proposal(5, jyj, Proposal.Status.REPLIED, title="教育局保密建议"),
        "registered": Proposal.objects.create(
            kind="suggestion", session="2026年", number="6", title="只登记的建议", content="内容"
        ),
    }
    reply(proposals["p1"], kjj, due=day(4, 10), released=at(3, 1), category="A")
    reply(proposals["p2"], kjj, due=day(2, 20), released=at(2, 25), category="B")
    reply(proposals["p3"], kjj, due=day(4, 10))
    Reply.objects.create(
        proposal=proposals["p4"], department=kjj, due=day(4, 20), status=Reply.Status.SIGN_FOR
    )
    reply(proposals["p5"], jyj, due=day(4, 10), released=at(3, 2), category="A")

    def evaluate(item, name, attitude, result):
        proposer = Proposer.objects.create(proposal=item, name=name)
        Evaluation.objects.create(
            proposal=item, proposer=proposer, attitude=attitude, result=result, source="paper"
        )

    evaluate(proposals["p1"], "甲", "satisfied", "satisfied")
    evaluate(proposals["p1"], "乙", "basically", "dissatisfied")
    evaluate(proposals["p2"], "丙", "dissatisfied", "dissatisfied")
    evaluate(proposals["p5"], "丁", "satisfied", "satisfied")

    deadlines = {
        "red": step_deadline(duties["red"], kjj, day(3, 9), light=Light.RED),
        "yellow": step_deadline(
            duties["talent"], kjj, day(3, 18), light=Light.YELLOW, owner=people["kjj_officer"]
        ),
        "green": step_deadline(proposals["p3"], kjj, day(4, 10)),
        "p4_red": step_deadline(proposals["p4"], kjj, day(3, 12)),
        "kx_input": step_deadline(duties["red"], kx, day(3, 20)),
        "jyj_red": step_deadline(duties["jyj_red"], jyj, day(3, 2), light=Light.RED),
        "closed": step_deadline(duties["on_time"], kjj, day(3, 5), closed_at=at(3, 4)),
    }
    return {
        "kjj": kjj,
        "kx": kx,
        "jyj": jyj,
        "people": people,
        "duties": duties,
        "proposals": proposals,
        "deadlines": deadlines,
        "meetings": {"shuangchuang": shuangchuang, "talent": talent},
    }
