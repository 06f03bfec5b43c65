"""The dashboard's pages: content, scope, drill-down, export, the leader's home page."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tasks.duties.models import Duty
from tests.dashboard.conftest import day, step_deadline

pytestmark = pytest.mark.django_db


def page(client, user, name="dashboard:index", **params):
    client.force_login(user)
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_secretariat_sees_every_department_and_the_definitions(client, world):
    content = page(client, world["people"]["secretariat"])
    assert 'data-department="nt-kjj"' in content and 'data-department="nt-jyj"' in content
    assert "<svg" in content  # charts drawn on the server
    assert "教育局保密红灯任务" in content  # the longest overdue work is listed
    assert "办复率" in content and "按时办结率" in content and "满意率" in content
    assert "50%" in content  # 科技局's reply rate


def test_a_leader_sees_only_the_departments_they_oversee(client, world):
    content = page(client, world["people"]["kjj_leader"])
    assert 'data-department="nt-kjj"' in content
    assert 'data-department="nt-jyj"' not in content
    assert "教育局保密红灯任务" not in content and "教育局保密建议" not in content
    # the drill-down lists stay in scope, even when asked for another department
    steps = page(
        client, world["people"]["kjj_leader"], "dashboard:steps", department=world["jyj"].pk, light="red"
    )
    assert "教育局保密红灯任务" not in steps
    proposals = page(client, world["people"]["kjj_leader"], "dashboard:proposals", stage="replied")
    assert "教育局保密建议" not in proposals and "第1号建议" in proposals


def test_an_officer_sees_their_own_department(client, world):
    content = page(client, world["people"]["jyj_officer"])
    assert 'data-department="nt-jyj"' in content and 'data-department="nt-kjj"' not in content
    assert "科技局红灯任务" not in content


def test_a_red_count_drills_down_to_the_steps_and_their_history(client, world):
    content = page(
        client, world["people"]["leader"], "dashboard:steps", department=world["kjj"].pk, light="red"
    )
    assert "科技局红灯任务" in content and "第4号建议" in content
    assert "科技局人才任务" not in content  # yellow
    assert world["duties"]["red"].get_absolute_url() + "#timeline" in content


def test_a_stage_and_a_category_drill_down_to_the_proposals(client, world):
    content = page(client, world["people"]["leader"], "dashboard:proposals", category="A")
    assert "第1号建议" in content and "教育局保密建议" in content and "第2号建议" not in content


def test_a_bad_filter_is_ignored_and_named(client, world):
    client.force_login(world["people"]["leader"])
    response = client.get(reverse("dashboard:index"), {"since": "2026-13-45"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "筛选条件“交办日期自”已忽略" in text
    assert 'data-department="nt-jyj"' in text and 'data-department="nt-kjj"' in text


def test_a_department_outside_the_scope_is_refused_as_a_filter(client, world):
    client.force_login(world["people"]["kjj_leader"])
    response = client.get(reverse("dashboard:index"), {"department": world["jyj"].pk})
    text = response.content.decode()
    assert "筛选条件“部门”已忽略" in text
    assert 'data-department="nt-kjj"' in text and 'data-department="nt-jyj"' not in text


def test_the_export_has_the_pages_cells(client, world):
    client.force_login(world["people"]["kjj_leader"])
    response = client.get(reverse("dashboard:export"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["各单位"]
    assert [cell.value for cell in sheet[2]][:5] == ["单位", "红灯", "黄灯", "绿灯", "最长逾期（工作日）"]
    kjj = [cell.value for cell in sheet[3]]
    assert kjj[0] == "南通市科学技术局"
    assert kjj[1:5] == [2, 1, 1, 5]
    assert kjj[11:13] == [50.0, 50.0]  # 办复率, 按时办结率
    assert kjj[14:16] == [66.7, 33.3]
    names = [row[0].value for row in sheet.iter_rows(min_row=3)]
    assert names == ["南通市科学技术局", "合计"]  # the leader's scope only
    overdue = [[cell.value for cell in row] for row in workbook["逾期事项"].iter_rows(min_row=3)]
    assert [row[0] for row in overdue] == ["重点任务第3项《科技局红灯任务》", "第4号建议《第4号建议》"]
    assert [row[1].value for row in workbook["答复类别"].iter_rows(min_row=3)] == [
        1,
        1,
        0,
        0,
    ]  # 科技局's A and B


def test_a_leaders_home_page_is_the_dashboard(client, world):
    client.force_login(world["people"]["kjj_leader"])
    assert client.get("/")["Location"] == reverse("dashboard:index")
    client.force_login(world["people"]["kjj_officer"])
    assert client.get("/")["Location"] == reverse("desk:index")


def test_the_dashboard_issues_the_same_queries_at_any_size(client, world):
    client.force_login(world["people"]["secretariat"])
    url = reverse("dashboard:index")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for number in range(40):
        duty = Duty.objects.create(
            table=world["duties"]["red"].table,
            sequence=100 + number,
            title=f"加量任务{number}",
            lead=world["jyj"],
            status="in_progress",
        )
        step_deadline(duty, world["kx"], day(3, 3))
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    # one query per kind of subject on the overdue list, whatever the number of rows
    assert len(large) <= len(small) < 30


def test_the_figures_are_reused_for_a_minute_and_the_lists_stay_live(client, world, settings):
    from django.core.cache import cache

    settings.DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    client.force_login(world["people"]["secretariat"])
    first = client.get(reverse("dashboard:index")).content.decode()
    assert "以上指标为" in first
    world["deadlines"]["jyj_red"].delete()  # 教育局 does its overdue step
    with CaptureQueriesContext(connection) as captured:
        again = client.get(reverse("dashboard:index")).content.decode()
    assert "教育局保密红灯任务" in again  # the same figures, not computed again
    assert not any("escalation_deadline" in query["sql"] for query in captured.captured_queries)
    steps = client.get(reverse("dashboard:steps"), {"light": "red"}).content.decode()
    assert "教育局保密红灯任务" not in steps
    cache.clear()
