"""The 昆山 2017 activity week (seed 000) in small: 市发改委 collects, 科技局 and 人社局 host.

2017 calendar: 9月30日 (Saturday) is a 调休 working day, 10月1日–8日 the National Day holiday.
"""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tasks.campaigns import services
from tasks.campaigns.models import Campaign, SummaryTable
from tests.conftest import make_department, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def jpeg(name="photo.jpg", size=(1600, 1200), color=(200, 80, 40)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=90)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def fgw(db):
    return make_department("ks-fgw", "昆山市发展和改革委员会", "市发改委")


@pytest.fixture
def ks_kjj(db):
    return make_department("ks-kjj", "昆山市科学技术局", "昆山市科技局")


@pytest.fixture
def ks_rsj(db):
    return make_department("ks-rsj", "昆山市人力资源和社会保障局", "昆山市人社局")


@pytest.fixture
def fgw_officer(fgw):
    return make_user("fgw_officer", "陈莉", fgw, "officer")


@pytest.fixture
def kjj_host(ks_kjj):
    return make_user("ks_kjj_officer", "吴昊", ks_kjj, "officer")


@pytest.fixture
def rsj_host(ks_rsj):
    return make_user("ks_rsj_officer", "钱静", ks_rsj, "officer")


@pytest.fixture
def campaign(fgw, ks_kjj, ks_rsj):
    """科技局 hosts 科普日 (9月13日–17日) and a salon on 9月30日 (调休); 人社局 a contest on
    9月22日 and an exhibition over the holiday (10月2日)."""
    campaign = Campaign.objects.create(
        title="2017年全国大众创业万众创新活动周昆山市活动",
        document_number="昆政办发〔2017〕176号",
        organiser=fgw,
        starts_on=D(2017, 9, 15),
        ends_on=D(2017, 10, 15),
        closes_on=D(2017, 10, 20),
    )
    services.activity_add(
        campaign=campaign,
        name="全国“科普日”活动",
        hosts=[ks_kjj],
        starts_on=D(2017, 9, 13),
        ends_on=D(2017, 9, 17),
    )
    services.activity_add(
        campaign=campaign,
        name="青年创业大赛（预赛）",
        hosts=[ks_rsj],
        starts_on=D(2017, 9, 22),
        ends_on=D(2017, 9, 22),
    )
    services.activity_add(
        campaign=campaign, name="产学研沙龙", hosts=[ks_kjj], starts_on=D(2017, 9, 30), ends_on=D(2017, 9, 30)
    )
    services.activity_add(
        campaign=campaign, name="双创成果展", hosts=[ks_rsj], starts_on=D(2017, 10, 2), ends_on=D(2017, 10, 2)
    )
    for sequence, title, columns, note in [
        (1, "表一：出台政策措施", ["序号", "名称", "单位", "出台时间", "备注"], ""),
        (
            2,
            "表二：服务活动情况",
            ["序号", "活动名称", "主办单位", "参加人数", "主要内容"],
            "活动名称包括政策解读等。",
        ),
    ]:
        SummaryTable.objects.create(
            campaign=campaign, sequence=sequence, title=title, columns=columns, note=note
        )
    return campaign


def file_report(campaign, department, day, user, **fields):
    fields.setdefault("text", f"{department}活动信息")
    return services.daily_report_file(campaign=campaign, department=department, day=day, user=user, **fields)
