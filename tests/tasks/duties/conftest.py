"""The joint meeting the duty tables of these tests are for."""

import pytest

from tasks.duties.models import JointMeeting
from tests.conftest import make_department


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
