from django.apps import apps
from viewflow.workflow.models import Task

from accounts.models import Department, User
from demo.loader import demo_load
from tasks.campaigns.models import Campaign, CampaignActivity, SummaryTable
from tasks.duties.models import Duty, JointMeeting
from tasks.proposals.models import Proposal


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
    assert Task.objects.filter(process__artifact_object_id=proposal.pk, status="NEW").count() == 1

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
