"""A duty table's departments (涉及单位), which decide who finds the table in the grid's filter,
the table list and the table page: kept from the duties as they are assigned, reassigned,
changed and deleted, and equal at every step to what the duties themselves say."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.duties.access import tables_for_user
from tasks.duties.assignment import duty_assign
from tasks.duties.holders import table_departments_rebuild
from tasks.duties.models import Duty, DutyTable
from tasks.duties.services import duty_reassign
from tests.conftest import make_department
from tests.tasks.duties.conftest import draft_duty


def concerned(table):
    return set(table.departments.values_list("short_name", flat=True))


def derived(table):
    """What the duties say, derived afresh (and left in place: it must change nothing)."""
    before = concerned(table)
    table_departments_rebuild()
    assert concerned(table) == before
    return before


@pytest.fixture
def fgw(db):
    return make_department("nt-fgw", "南通市发展和改革委员会", "发改委")


def test_a_table_concerns_the_departments_of_its_assigned_duties_only(
    monday_morning, table, kjj, kx, jyj, secretariat
):
    first = draft_duty(table, kjj, [kx], 1)
    draft_duty(table, jyj, [], 2, "仍是草稿")
    assert derived(table) == set()  # drafts are the secretariat's alone
    duty_assign(duty=first, actor=secretariat)
    assert derived(table) == {"科技局", "科协"}


def test_assigned_to_other_departments_than_imported_the_table_follows_the_assignment(
    monday_morning, table, kjj, kx, jyj, fgw, secretariat
):
    duty = draft_duty(table, kjj, [kx], 1)
    duty_assign(duty=duty, lead=jyj, cooperating=[fgw], actor=secretariat)
    assert derived(table) == {"教育局", "发改委"}


def test_reassignment_and_changes_take_departments_away(
    monday_morning, table, kjj, kx, jyj, fgw, secretariat
):
    first = draft_duty(table, kjj, [kx], 1)
    second = draft_duty(table, kjj, [], 2, "启动建设众创社区")
    for duty in (first, second):
        duty_assign(duty=duty, actor=secretariat)
    duty_reassign(duty=first, lead=jyj, cooperating=[fgw], actor=secretariat)
    assert derived(table) == {"科技局", "教育局", "发改委"}  # 科技局 still leads the second
    duty_reassign(duty=second, lead=jyj, actor=secretariat)
    assert derived(table) == {"教育局", "发改委"}
    first.cooperating.remove(fgw)
    assert derived(table) == {"教育局"}
    fgw.cooperating_duties.add(second)  # from the department's side
    assert derived(table) == {"教育局", "发改委"}
    second.delete()
    assert derived(table) == {"教育局"}


def test_the_table_pages_follow_the_departments(
    client, monday_morning, table, kjj, kx, jyj, kjj_officer, kx_officer, jyj_officer, secretariat
):
    duty = draft_duty(table, kjj, [kx], 1, "建设众创空间")
    other = DutyTable.objects.create(meeting=table.meeting, title="另一张分解表：教育局的")
    duty_assign(duty=draft_duty(other, jyj, [], 1, "高校创新创业教育"), actor=secretariat)
    duty_assign(duty=duty, actor=secretariat)
    assert list(tables_for_user(kx_officer)) == [table]
    client.force_login(kx_officer)
    page = client.get(reverse("duties:index")).content.decode()
    assert table.title in page and other.title not in page  # the grid's table filter
    assert client.get(reverse("duties:table_detail", args=[table.pk])).status_code == 200
    assert client.get(reverse("duties:table_detail", args=[other.pk])).status_code == 404
    duty_reassign(duty=duty, lead=jyj, actor=secretariat)
    page = client.get(reverse("duties:index")).content.decode()
    assert table.title not in page
    assert client.get(reverse("duties:table_detail", args=[table.pk])).status_code == 404
    client.force_login(jyj_officer)
    page = client.get(reverse("duties:table_list")).content.decode()
    assert table.title in page and other.title in page


def test_a_steps_own_save_leaves_the_departments_alone(monday_morning, table, kjj, kx, secretariat):
    duty = draft_duty(table, kjj, [kx], 1)
    duty_assign(duty=duty, actor=secretariat)
    duty.status = Duty.Status.IN_PROGRESS
    with CaptureQueriesContext(connection) as captured:
        duty.save(update_fields=["status"])  # as 签收 and every later step save their fields
    assert len(captured) == 1, [query["sql"] for query in captured]
    assert derived(table) == {"科技局", "科协"}
