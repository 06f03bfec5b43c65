"""The joint meeting the duty tables of these tests are for, named duties of its duty table, and
helpers that work the duties' steps through the pages."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from tasks.duties.models import Duty, DutyTable, JointMeeting
from tests.conftest import make_department, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    """Travel to a moment in Shanghai (the clock stands still)."""
    return time_machine.travel(datetime.datetime(*args, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def monday_morning():
    # Monday 4 March 2024: no holiday for weeks either side
    with at(2024, 3, 4, 10, 0):
        yield


@pytest.fixture
def fgw(db):
    return make_department("nt-fgw", "南通市发展和改革委员会", "发改委")


@pytest.fixture
def fgw_officer(fgw):
    return make_user("fgw_officer", "吴刚", fgw, "officer")


@pytest.fixture
def kx_head(kx):
    return make_user("kx_head", "刘洋", kx, "head")


@pytest.fixture
def nantong(kjj, kx, jyj):
    """The 南通 双创 joint meeting (seed 003) with some of its 23 member units; 科技局 runs it."""
    members = [
        kjj,
        jyj,
        make_department("nt-xcb", "中共南通市委宣传部", "宣传部", "party"),
        make_department("nt-rsj", "南通市人力资源和社会保障局", "人社局"),
        make_department("nt-czj", "南通市财政局", "财政局"),
        make_department("nt-jrb", "南通市人民政府金融工作办公室", "金融办"),
        make_department("nt-gxq", "南通高新技术产业开发区管理委员会", "南通高新区", "district"),
        make_department("nt-xq", "南通市各县（市）区人民政府", "县（市）区政府", "district"),
    ]
    meeting = JointMeeting.objects.create(
        name="南通市大众创业万众创新联席会议", short_name="南通双创联席会议", office=kjj
    )
    meeting.members.set(members)
    return meeting


@pytest.fixture
def table(kjj):
    meeting = JointMeeting.objects.create(
        name="南通市大众创业万众创新联席会议", short_name="南通双创", office=kjj
    )
    return DutyTable.objects.create(
        meeting=meeting, title="大众创业万众创新南通行动计划重点任务分解表", source="通政发〔2015〕37号"
    )


def draft_duty(table, lead, cooperating=(), sequence=1, title="建设众创空间", **fields):
    duty = Duty.objects.create(
        table=table,
        sequence=sequence,
        title=title,
        measures="构建一批低成本、便利化、全要素、开放式的众创空间。",
        lead=lead,
        **fields,
    )
    duty.cooperating.set(cooperating)
    return duty


def open_task(duty, node):
    """The open task of ``node`` (a flow node) on the duty."""
    return duty.tasks().get(flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED])


def open_tasks(duty, node):
    return duty.tasks().filter(flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED]).order_by("pk")


def step_post(client, user, task, data=None):
    """Take ``task`` as ``user`` and post its form, as the desk's 办理 and the step page do."""
    client.force_login(user)
    task = Task.objects.get(pk=task.pk)
    if task.status == STATUS.NEW:
        response = client.post(task.flow_task.reverse("assign", args=[task.process_id, task.pk]))
        assert response.status_code == 302, response
    return client.post(task.flow_task.reverse("execute", args=[task.process_id, task.pk]), data or {})


def step_page(client, user, task):
    client.force_login(user)
    task = Task.objects.get(pk=task.pk)
    if task.status == STATUS.NEW:
        client.post(task.flow_task.reverse("assign", args=[task.process_id, task.pk]))
    return client.get(task.flow_task.reverse("execute", args=[task.process_id, task.pk]))


def report_task(report, node):
    """The open task of ``node`` in the flow of one report (a duty has several report flows)."""
    return Task.objects.get(
        process__seed_object_id=report.pk, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
