"""Every list costs the same number of queries at 5 rows and at 50: nothing is loaded per row.

The lists are the desk (both of its tables, one paginated page at a time), the lists of every
registered process's subjects, the messages and the extension requests.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.duties.assignment import duty_assign
from tasks.duties.models import Duty, DutyTable, JointMeeting
from tasks.proposals import assignment
from tasks.proposals.models import Reply
from tests.conftest import make_department
from tests.factories import register_and_assign
from workflows.desk import inbox
from workflows.documents.models import LetterTemplate
from workflows.escalation import extensions
from workflows.escalation.models import Deadline

SHANGHAI = ZoneInfo("Asia/Shanghai")


def add_work(count, start, kjj, kx, kjj_officer):
    """``count`` proposals led by 科技局 (each with a sign-for task, a deadline, messages and an
    extension request) and as many duties."""
    meeting, _created = JointMeeting.objects.get_or_create(
        name="南通双创联席会议", defaults={"short_name": "双创", "office": kjj}
    )
    table, _created = DutyTable.objects.get_or_create(meeting=meeting, title="重点任务分解表")
    for number in range(start, start + count):
        with time_machine.travel(datetime.datetime(2024, 3, 4, 10, 0, tzinfo=SHANGHAI), tick=False):
            proposal = register_and_assign(
                lead=kjj, co_handlers=[kx], number=number, title=f"测试建议{number}"
            )
            # assigned at the same time, so that every page of the desk holds both kinds of work
            duty = Duty.objects.create(table=table, sequence=number, title=f"测试任务{number}", lead=kjj)
            duty_assign(duty=duty, lead=kjj, cooperating=[kx])
        with time_machine.travel(datetime.datetime(2024, 3, 5, 10, 0, tzinfo=SHANGHAI), tick=False):
            extensions.extension_request(
                deadline=Deadline.objects.for_subject(proposal).get(),
                requested_due=datetime.date(2024, 3, 25),
                reason="需会商",
                user=kjj_officer,
            )
            assignment.reassignment_request(
                reply=proposal.replies.get(), reason="非本单位职责", user=kjj_officer
            )


LISTS = [
    ("kjj_officer", "desk:index"),
    ("kjj_officer", "proposals:index"),
    ("kjj_officer", "duties:index"),
    ("kjj_officer", "desk:notification_list"),
    ("secretariat", "desk:extension_list"),
    ("secretariat", "proposals:index"),
    ("secretariat", "proposals:secretariat_work"),
    ("leader", "duties:index"),
    ("secretariat", "duties:index"),
    ("kjj_officer", "duties:table_list"),
]


@pytest.mark.parametrize(("viewer", "name"), LISTS)
def test_a_list_costs_the_same_queries_at_5_and_50_rows(request, client, kjj, kx, kjj_officer, viewer, name):
    user = request.getfixturevalue(viewer)
    client.force_login(user)
    url = reverse(name)
    add_work(5, 1, kjj, kx, kjj_officer)
    client.get(url)  # warm the caches (content types, the session)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    add_work(45, 6, kjj, kx, kjj_officer)
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(url).status_code == 200
    assert len(fifty) == len(five), [query["sql"][:120] for query in fifty.captured_queries]


def test_the_desk_shows_a_page_at_a_time_with_the_count(client, kjj, kx, kjj_officer):
    add_work(35, 1, kjj, kx, kjj_officer)
    client.force_login(kjj_officer)
    first = client.get(reverse("desk:index")).content.decode()
    # 35 proposals and 35 duties, each waiting for 签收
    assert first.count("测试建议") + first.count("测试任务") == 30
    assert "第1页，共3页，共70项" in first
    last = client.get(reverse("desk:index"), {"queue": 3}).content.decode()
    assert last.count("测试建议") + last.count("测试任务") == 10
    # the page's links are the tasks' own
    task = inbox.tasks_queue_for_user(kjj_officer).order_by("created", "pk").first()
    assert reverse("desk:task_take", args=[task.pk]) in first


@pytest.mark.parametrize(
    ("name", "ours"),
    [
        ("workflow:queue", "desk:index"),
        ("workflow:inbox", "desk:index"),
        ("workflow:archive", "desk:index"),
        ("workflow:flows:proposal:index", "proposals:index"),
        ("workflow:flows:proposal:process_list", "proposals:index"),
        ("workflow:flows:proposal:task_list", "proposals:index"),
    ],
)
def test_viewflows_own_lists_give_way_to_ours(client, kjj_officer, name, ours):
    client.force_login(kjj_officer)
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"] == reverse(ours)
    client.logout()
    anonymous = client.get(reverse(name))
    assert anonymous.status_code == 403 or reverse("login") in anonymous["Location"]


def test_the_desk_sorts_by_the_soonest_deadline(client, kjj, kx, kjj_officer):
    with time_machine.travel(datetime.datetime(2024, 3, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        first = register_and_assign(lead=kjj, number=1, title="先交办的建议")
    with time_machine.travel(datetime.datetime(2024, 3, 4, 10, 0, tzinfo=SHANGHAI), tick=False):
        register_and_assign(lead=kjj, number=2, title="期限更早的建议")
    # the first one's deadline was extended past the second one's
    Deadline.objects.filter(object_id=first.pk).update(due=datetime.date(2024, 3, 29))
    client.force_login(kjj_officer)
    oldest = client.get(reverse("desk:index")).content.decode()
    assert oldest.index("先交办的建议") < oldest.index("期限更早的建议")
    by_due = client.get(reverse("desk:index"), {"sort": "due"}).content.decode()
    assert by_due.index("期限更早的建议") < by_due.index("先交办的建议")
    bad = client.get(reverse("desk:index"), {"sort": "x"})
    assert bad.status_code == 200 and "已忽略" in bad.content.decode()


def add_letter_rows(count, start, kjj):
    """``count`` departments (rows of the letter templates) and released, disclosed replies."""
    for number in range(start, start + count):
        department = make_department(f"nt-t{number}", f"测试单位{number}", f"测试{number}")
        LetterTemplate.objects.create(
            department=department, kind="suggestion", number_pattern="测复〔{year}〕{n}号", opening="您好。"
        )
        with time_machine.travel(datetime.datetime(2024, 3, 4, 10, 0, tzinfo=SHANGHAI), tick=False):
            proposal = register_and_assign(lead=kjj, number=1000 + number, title=f"公开建议{number}")
        Reply.objects.filter(proposal=proposal).update(
            status=Reply.Status.RELEASED, text=f"答复{number}", released_at=proposal.registered_at
        )


@pytest.mark.parametrize(
    ("viewer", "name"), [("secretariat", "proposals:letter_templates"), (None, "proposals:public_replies")]
)
def test_the_letter_lists_cost_the_same_queries_at_5_and_50_rows(request, client, kjj, viewer, name):
    if viewer:
        client.force_login(request.getfixturevalue(viewer))
    url = reverse(name)
    add_letter_rows(5, 1, kjj)
    client.get(url)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    add_letter_rows(45, 6, kjj)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
        assert response.status_code == 200
    assert len(fifty) == len(five), [query["sql"][:120] for query in fifty.captured_queries]
    assert response.context["page_obj"].paginator.count >= 50
