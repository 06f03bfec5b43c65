import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from tasks.proposals.models import Proposal
from tasks.proposals.views import ProposalListView
from tests.factories import register_and_assign
from workflows.escalation import dispatcher

REGISTRATION = {
    "kind": "proposal",
    "session": "市政协十三届一次会议",
    "number": "105",
    "title": "关于加快众创空间建设的提案",
    "content": "建议加快众创空间建设，完善孵化服务。",
    "proposer_names": "王一、李二",
    "is_public": "on",
}


def test_secretariat_registers_and_assigns(client, secretariat, kjj, kx):
    client.force_login(secretariat)
    response = client.post(
        reverse("proposals:proposal_register"), {**REGISTRATION, "lead": kjj.pk, "co_handlers": [kx.pk]}
    )
    proposal = Proposal.objects.get(number="105")
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url()
    assert proposal.status == Proposal.Status.ASSIGNED
    assert [(p.name, p.is_lead) for p in proposal.proposers.all()] == [("王一", True), ("李二", False)]


def test_rejected_registration_keeps_what_was_typed_and_saves_nothing(client, secretariat, kjj):
    client.force_login(secretariat)
    response = client.post(
        reverse("proposals:proposal_register"), {**REGISTRATION, "lead": kjj.pk, "co_handlers": [kjj.pk]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "主办单位不能同时作为协办单位" in page or "co-handler" in page
    assert "关于加快众创空间建设的提案" in page
    assert not Proposal.objects.exists()


def test_officer_cannot_register(client, kjj_officer, kjj):
    client.force_login(kjj_officer)
    response = client.post(reverse("proposals:proposal_register"), {**REGISTRATION, "lead": kjj.pk})
    assert response.status_code == 403
    assert not Proposal.objects.exists()


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(reverse("desk:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("username", ["kjj_officer", "kx_officer", "secretariat", "leader"])
def test_rightful_users_open_the_proposal(request, client, proposal_277, username):
    client.force_login(request.getfixturevalue(username))
    response = client.get(proposal_277.get_absolute_url())
    assert response.status_code == 200
    assert "石剑波" in response.content.decode()


def test_outsider_gets_404_for_another_departments_proposal(client, proposal_277, jyj_officer):
    client.force_login(jyj_officer)
    assert client.get(proposal_277.get_absolute_url()).status_code == 404
    listing = client.get(reverse("proposals:index"))
    assert listing.status_code == 200
    assert "石剑波" not in listing.content.decode()


def test_home_query_count_does_not_grow_with_the_queue(client, kjj, kx, kjj_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_proposal(number):
        register_and_assign(
            lead=kjj,
            co_handlers=[kx],
            kind="suggestion",
            session="2017年",
            number=str(number),
            title=f"测试建议{number}",
            content="内容",
            proposers=("某代表",),
        )

    client.force_login(kjj_officer)
    add_proposal(300)
    client.get(reverse("desk:index"))  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("desk:index"))
    for number in range(301, 306):
        add_proposal(number)
    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("desk:index"))
    assert response.status_code == 200
    assert response.content.decode().count("测试建议") == 6
    assert len(six) == len(one)


def test_a_title_over_its_limit_is_refused_with_the_limit_and_nothing_is_cut(client, secretariat, kjj):
    client.force_login(secretariat)
    form_page = client.get(reverse("proposals:proposal_register")).content.decode()
    assert "maxlength" not in form_page  # the browser would cut pasted text silently
    assert "最多300字" in form_page
    long_title = "关于" + "加快众创空间建设" * 40 + "的提案"
    response = client.post(
        reverse("proposals:proposal_register"), {**REGISTRATION, "title": long_title, "lead": kjj.pk}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert long_title in page  # what the user typed comes back whole
    assert "300" in page
    assert not Proposal.objects.exists()


def test_a_proposer_typed_with_a_title_is_not_addressed_twice(client, secretariat, kjj):
    client.force_login(secretariat)
    client.post(
        reverse("proposals:proposal_register"),
        {**REGISTRATION, "proposer_names": "张三委员、李四", "lead": kjj.pk},
    )
    proposal = Proposal.objects.get(number="105")
    assert [p.name for p in proposal.proposers.all()] == ["张三", "李四"]
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "张三委员委员" not in page


def test_long_titles_wrap_in_their_own_column(client, kjj, kjj_officer):
    register_and_assign(lead=kjj, title="关于" + "组织社会大众聚力创新" * 12 + "的建议")
    client.force_login(kjj_officer)
    for url in (reverse("proposals:index"), reverse("desk:index")):
        page = client.get(url).content.decode()
        assert 'class="title-cell"' in page


def test_a_co_handler_sees_the_light_of_its_own_deadlines_in_list_and_detail_alike(
    client, kjj, kx, kjj_officer, kx_officer
):
    shanghai = ZoneInfo("Asia/Shanghai")
    with time_machine.travel(datetime.datetime(2024, 2, 5, 10, 0, tzinfo=shanghai), tick=False):
        proposal = register_and_assign(lead=kjj, co_handlers=[kx])
    with time_machine.travel(datetime.datetime(2024, 2, 19, 9, 0, tzinfo=shanghai), tick=False):
        dispatcher.timers_fire()  # the lead department's 催办: red for 科技局
        client.force_login(kjj_officer)
        assert 'class="light light--red"' in client.get(reverse("proposals:index")).content.decode()
        assert 'class="light light--red"' in client.get(proposal.get_absolute_url()).content.decode()
        client.force_login(kx_officer)
        listed = client.get(reverse("proposals:index")).content.decode()
        detail = client.get(proposal.get_absolute_url()).content.decode()
    assert 'class="light light--red"' not in listed and 'class="light light--green"' in listed
    assert 'class="light light--red"' not in detail and 'class="light light--green"' in detail


def test_a_title_with_a_line_break_is_refused_with_a_clear_message(client, secretariat, kjj):
    client.force_login(secretariat)
    response = client.post(
        reverse("proposals:proposal_register"),
        {**REGISTRATION, "title": "关于加快众创空间建设\r\n的提案", "lead": kjj.pk},
    )
    assert response.status_code == 200
    assert "此项只能填写一行" in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_proposal_list_filters_sorts_and_pages(client, kjj, kjj_officer):
    for number in range(1, 56):
        register_and_assign(lead=kjj, number=number, title=f"测试建议{number}")
    client.force_login(kjj_officer)
    page = client.get(reverse("proposals:index"), {"q": "测试建议7"}).content.decode()
    assert page.count("测试建议7</a>") == 1 and "测试建议17<" not in page
    by_number = client.get(reverse("proposals:index"), {"sort": "number"}).content.decode()
    assert "第1页，共2页，共55项" in by_number
    assert by_number.index("测试建议1<") < by_number.index("测试建议10<")
    second = client.get(reverse("proposals:index"), {"sort": "number", "page": 2}).content.decode()
    assert second.count("测试建议") == 5
    handling = client.get(reverse("proposals:index"), {"status": "handling"}).content.decode()
    assert "测试建议" not in handling


def test_the_list_labels_each_row_with_its_kind_status_and_light(client, kjj, kjj_officer):
    proposal = register_and_assign(lead=kjj, title="关于列表标签的建议")
    client.force_login(kjj_officer)
    page = client.get(reverse("proposals:index")).content.decode()
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", page, re.S) if "关于列表标签的建议" in row]
    row = re.sub(r"\s+", " ", rows[0])
    with translation.override("zh-hans"):
        kind, status = str(proposal.get_kind_display()), str(proposal.get_status_display())
    assert f"<td>{kind} {proposal.number}</td>" in row
    assert f"<td>{status}</td>" in row
    assert 'class="light light--green"' in row


def test_the_list_counts_what_it_pages_for_a_co_handler(client, kjj, kx, jyj, kx_officer, monkeypatch):
    """The count comes from another form of the same query (``CountedPaginator``): led and
    co-handled proposals, filtered alike, and nobody else's."""
    monkeypatch.setattr(ProposalListView, "paginate_by", 2)
    register_and_assign(lead=kx, number="1", title="科协主办甲")
    register_and_assign(lead=kjj, co_handlers=[kx], number="2", title="科协协办乙")
    register_and_assign(lead=kjj, co_handlers=[kx], number="3", title="科协协办丙")
    register_and_assign(lead=jyj, number="4", title="教育局主办丁")
    client.force_login(kx_officer)
    shown = []
    for page in (1, 2):
        html = client.get(reverse("proposals:index"), {"page": page}).content.decode()
        assert f"第{page}页，共2页，共3项" in html
        shown += re.findall(r"科协(?:主办|协办)[甲乙丙]|教育局主办丁", html)
    assert sorted(shown) == sorted(["科协主办甲", "科协协办乙", "科协协办丙"])
    filtered = client.get(reverse("proposals:index"), {"q": "协办"}).content.decode()
    assert "教育局主办丁" not in filtered and "科协主办甲" not in filtered
