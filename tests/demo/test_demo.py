from django.apps import apps

from accounts.models import Department, User
from demo.loader import demo_load
from tasks.campaigns.models import Campaign, CampaignActivity, SummaryTable
from tasks.duties.access import duties_for_user
from tasks.duties.models import Duty, JointMeeting
from tasks.proposals.models import Proposal
from workflows.desk.inbox import tasks_inbox_for_user, tasks_queue_for_user
from workflows.escalation.lights import with_light


def table_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "tasks", "workflows", "guardian", "workflow", "auth"}
    }


def test_demo_data_follows_the_seeds(db):
    demo_load()
    nantong = JointMeeting.objects.get(short_name="南通双创联席会议")
    assert nantong.members.count() == 23
    assert nantong.office.short_name == "科技局"

    proposal = Proposal.objects.get(number="277")
    assert proposal.title == "关于在南通市组织社会大众聚力创新的建议"
    assert [p.name for p in proposal.proposers.all()] == ["石剑波"]
    assert proposal.lead_department.short_name == "科技局"
    assert [d.short_name for d in proposal.co_departments.all()] == ["科协"]
    assert proposal.tasks().filter(status="NEW").count() == 1

    kunshan = Campaign.objects.get(document_number="昆政办发〔2017〕176号")
    assert CampaignActivity.objects.filter(campaign=kunshan).count() == 9
    assert kunshan.report_cutoff.hour == 16
    robot_contest = CampaignActivity.objects.get(campaign=kunshan, sequence=8)
    assert robot_contest.hosts.count() == 3

    guangdong = Campaign.objects.get(document_number="粤中小企函〔2018〕34号")
    assert list(SummaryTable.objects.filter(campaign=guangdong).values_list("title", flat=True)) == [
        "表一：出台政策措施",
        "表二：服务活动情况",
        "表三：展览展示等活动情况",
    ]
    assert SummaryTable.objects.get(campaign=guangdong, sequence=2).columns == [
        "序号",
        "活动名称",
        "主办单位",
        "参加人数",
        "主要内容",
    ]
    assert Duty.objects.filter(table__meeting__short_name="“创客中国”专题赛工作小组").count() == 7

    officer = User.objects.get(username="kjj_officer")
    assert officer.department == Department.objects.get(short_name="科技局")
    assert officer.has_role("officer")
    assert officer.groups.filter(name="department:nt-kjj").exists()


def test_loading_the_demo_twice_changes_nothing(db):
    demo_load()
    before = table_counts()
    demo_load()
    assert table_counts() == before


def test_demo_duties_give_everyone_something_to_do_or_see(db, client):
    demo_load()
    table = Duty.objects.filter(table__meeting__short_name="南通双创联席会议")
    assert table.count() == 9
    assert table.filter(status=Duty.Status.DRAFT).count() == 1
    assert table.filter(status=Duty.Status.RETURNED).count() == 1
    for username in ("kjj_officer", "kjj_head", "kx_officer", "jyj_officer", "secretariat"):
        user = User.objects.get(username=username)
        waiting = tasks_queue_for_user(user).count() + tasks_inbox_for_user(user).count()
        assert waiting, f"{username} has nothing to do"
    leader = User.objects.get(username="leader")
    nantong = duties_for_user(leader).filter(table__meeting__short_name="南通双创联席会议")
    lights = set(with_light(nantong, leader).values_list("light", flat=True))
    assert {"green", "yellow", "red"} <= lights
    client.force_login(User.objects.get(username="kjj_officer"))
    page = client.get("/duties/").content.decode()
    assert "启动建设众创社区" in page and "请补充活动清单" not in page
