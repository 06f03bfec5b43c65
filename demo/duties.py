"""Demo duties, run through the real services and flows with deadlines relative to today.

The seven 浙江 duties of seed 004 are assigned to the working group's units. The 南通 duty table
is built from the 重点任务 of seed 003's action plan (通政发〔2015〕37号) and the reply's 六项工作:
科技局, 科协 and 教育局 lead and cooperate, so every demo person has something to do or see — a
duty to sign for, an input to give, a report to write, sign off or review — with green, yellow
(near the deadline) and red (overdue) lights, and one completion report returned by the
secretariat. Loaded once: a second load finds the tables and changes nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from viewflow.workflow.status import STATUS

from demo import data
from tasks.duties import services, steps
from tasks.duties.assignment import duty_assign
from tasks.duties.flows import DutyFlow, DutyReportFlow
from tasks.duties.models import Duty, DutyTable, ProgressReport
from tasks.duties.reports import period_of, report_open
from workflows.workdays.calendar import add_working_days, subtract_working_days

NANTONG_TABLE = {
    "title": "大众创业万众创新南通行动计划重点任务分解表",
    "source": "通政发〔2015〕37号",
}

# (sequence, key task, measures, lead, cooperating, deadline in working days from today (None: none),
#  cycle, where the demo leaves it)
NANTONG_DUTIES = [
    (
        1,
        "推进众创空间等新型孵化器建设",
        "支持省级以上开发区、高新区、农业科技园区、国家大学科技园和高校院所盘活现有资源，构建一批低成本、便利化、"
        "全要素、开放式的众创空间，实现省级以上开发区、高新区全覆盖。",
        "nt-kjj",
        ["nt-kx"],
        60,
        Duty.Cycle.MONTHLY,
        "reporting",
    ),
    (
        2,
        "启动建设众创社区",
        "研究制定我市众创社区创建工作方案并印发各县（市）区，推动省级以上高新区高标准建设一批各具特色的众创社区。",
        "nt-kjj",
        ["nt-jyj"],
        2,
        Duty.Cycle.ONCE,
        "signed",
    ),
    (
        3,
        "鼓励和推动各县（市）区建立双创社团",
        "做好汇报、调研和筹建我市推进大众创新创业的社会组织，统筹协调管理各县（市）区双创社团工作。",
        "nt-kx",
        ["nt-kjj"],
        -8,
        Duty.Cycle.ONCE,
        "input_given",
    ),
    (
        4,
        "形成科协系统改革方案",
        "借鉴先进地区做法，形成我市科协系统改革方案，激发广大科技工作者创新创业热情。",
        "nt-kx",
        [],
        80,
        Duty.Cycle.QUARTERLY,
        "assigned",
    ),
    (
        5,
        "加强高校院所创新创业教育",
        "推动高校院所开设创新创业课程，引导学生参与众创空间和科技咖啡馆等双创活动。",
        "nt-jyj",
        ["nt-kjj", "nt-kx"],
        40,
        Duty.Cycle.ONCE,
        "assigned",
    ),
    (
        6,
        "促进众创空间、孵化器专业化发展",
        "以上海地区为重点，支持有条件的企业和机构与国内外知名园区合作，创建专业化众创空间、孵化器。",
        "nt-kjj",
        [],
        20,
        Duty.Cycle.ONCE,
        "awaiting_review",
    ),
    (
        7,
        "积极营造创新创业氛围",
        "积极宣传创新、不断催生创意、强力促进创新成果转化，举办“科技咖啡馆”等活动。",
        "nt-kjj",
        ["nt-kx"],
        15,
        Duty.Cycle.ONCE,
        "returned",
    ),
    (
        8,
        "充分发挥创新创业联席会议作用",
        "对全市各创新创业载体的空间布局、产业规划、创新资源布局、体制改革和政策创新等重大事项统一研究决策。",
        "nt-kjj",
        [],
        30,
        Duty.Cycle.ONCE,
        "awaiting_sign_off",
    ),
    (
        9,
        "建立县域创新驱动发展的组织领导体系",
        "各县（市）区建立县域创新驱动发展的组织领导体系，探索先行先试改革措施。",
        "nt-xq",
        ["nt-kjj"],
        None,
        Duty.Cycle.HALF_YEARLY,
        "draft",
    ),
]


RETURN_REASON = "请补充活动清单和参与人数等佐证材料。"


def _user(username):
    return get_user_model().objects.get(username=username)


def _open(duty, node):
    return duty.tasks().get(flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED])


def _sign_for(duty, officer):
    steps.step_complete(
        task=_open(duty, DutyFlow.sign_for),
        user=officer,
        write=lambda: services.duty_sign_for(duty=duty, user=officer),
    )


def _input_give(duty, officer, content):
    item = duty.cooperation_inputs.get(department=officer.department)
    task = next(t for t in duty.tasks().filter(flow_task=DutyFlow.cooperate) if t.data["input"] == item.pk)
    steps.step_complete(
        task=task,
        user=officer,
        write=lambda: services.cooperation_input_submit(item=item, user=officer, content=content),
    )


def _completion_write(duty, officer, progress):
    report = duty.reports.get(kind=ProgressReport.Kind.COMPLETION)
    steps.step_complete(
        task=_open(duty, DutyReportFlow.write),
        user=officer,
        write=lambda: services.report_submit(
            report=report, user=officer, progress=progress, problems="", next_steps="", percentage=100
        ),
    )
    return report


def _head_approve(duty, report, head):
    steps.step_complete(
        task=_open(duty, DutyReportFlow.sign_off),
        user=head,
        write=lambda: services.report_sign_off(report=report, user=head, approve=True, comment="同意报送"),
    )


def _nantong(meeting, departments):
    table, created = DutyTable.objects.get_or_create(
        meeting=meeting,
        title=NANTONG_TABLE["title"],
        defaults={"source": NANTONG_TABLE["source"], "issued_on": datetime.date(2015, 7, 20)},
    )
    if not created:
        return
    today = timezone.localdate()
    secretariat, kjj_officer, kjj_head = _user("secretariat"), _user("kjj_officer"), _user("kjj_head")
    kx_officer, jyj_officer = _user("kx_officer"), _user("jyj_officer")
    officers = {"nt-kjj": kjj_officer, "nt-kx": kx_officer, "nt-jyj": jyj_officer}
    for sequence, title, measures, lead, cooperating, days, cycle, stage in NANTONG_DUTIES:
        deadline = None
        if days is not None:
            deadline = add_working_days(today, days) if days >= 0 else subtract_working_days(today, -days)
        duty = Duty.objects.create(
            table=table,
            sequence=sequence,
            title=title,
            measures=measures,
            lead=departments[lead],
            deadline=deadline,
            cycle=cycle,
            report_day=28 if cycle == Duty.Cycle.MONTHLY else None,
        )
        duty.cooperating.set([departments[code] for code in cooperating])
        if stage == "draft":
            continue
        duty_assign(duty=duty, actor=secretariat)
        if stage == "assigned":
            continue
        _sign_for(duty, officers[lead])
        if stage == "reporting":
            _input_give(duty, kx_officer, "科协将组织老科技工作者参与众创空间导师服务。")
            report_open(duty=duty, period=period_of(duty.cycle, today, duty.report_day))
        elif stage == "input_given":
            _input_give(duty, kjj_officer, "科技局将在众创空间政策中支持双创社团开展活动。")
        elif stage in ("awaiting_review", "awaiting_sign_off", "returned"):
            for code in cooperating:
                _input_give(duty, officers[code], "同意牵头单位的工作安排，将做好配合。")
            report = _completion_write(duty, kjj_officer, f"{title}已完成：相关方案已印发，各项措施已落实。")
            if stage == "awaiting_sign_off":
                continue
            _head_approve(duty, report, kjj_head)
            if stage == "returned":
                steps.step_complete(
                    task=_open(duty, DutyReportFlow.review),
                    user=secretariat,
                    write=lambda report=report: services.report_review(
                        report=report,
                        user=secretariat,
                        accept=False,
                        note="请补充活动清单和参与人数等佐证材料。",
                    ),
                )


def _zhejiang(meeting, departments):
    table, _created = DutyTable.objects.get_or_create(
        meeting=meeting, title=data.ZHEJIANG_TABLE["title"], defaults=data.ZHEJIANG_TABLE
    )
    for sequence, title, measures, lead, cooperating in data.ZHEJIANG_DUTIES:
        duty, created = Duty.objects.get_or_create(
            table=table,
            sequence=sequence,
            defaults={"title": title, "measures": measures, "lead": departments[lead]},
        )
        if created:
            duty.cooperating.set([departments[code] for code in cooperating])
            duty_assign(duty=duty)


def duties_load(*, nantong, zhejiang, departments):
    """The demo duty tables of both meetings (the people must exist: they do the steps)."""
    _zhejiang(zhejiang, departments)
    _nantong(nantong, departments)
