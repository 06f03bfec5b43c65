"""工作日历: the secretariat corrects the calendar and is warned about years nobody entered."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from tests.factories import register_and_assign
from workflows.escalation import dispatcher
from workflows.escalation.models import Deadline
from workflows.workdays import calendar
from workflows.workdays.models import CalendarCorrection, CalendarYear

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(*args):
    return time_machine.travel(datetime.datetime(*args, tzinfo=SHANGHAI), tick=False)


def test_the_secretariat_adds_a_correction(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("desk:calendar"), {"day": "2027-01-01", "is_working_day": "0", "note": "元旦"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?year=2027")
    correction = CalendarCorrection.objects.get()
    assert (correction.day, correction.is_working_day, correction.created_by) == (
        D(2027, 1, 1),
        False,
        secretariat,
    )
    page = client.get(response["Location"]).content.decode()
    assert "元旦" in page and "休息日（放假）" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "2024-02-12", "is_working_day": "0"}, "按现行日历该日已是休息日，无需调整。"),
        ({"day": "2024-02-18", "is_working_day": "1"}, "按现行日历该日已是工作日，无需调整。"),
        ({"day": "1999-10-01", "is_working_day": "0"}, "请输入2000年至2100年之间的日期。"),
        ({"day": "2027-02-30", "is_working_day": "0"}, "输入一个有效的日期。"),
    ],
)
def test_a_pointless_or_bad_correction_is_refused_in_chinese(client, secretariat, data, message):
    client.force_login(secretariat)
    response = client.post(reverse("desk:calendar"), {"note": "", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CalendarCorrection.objects.exists()


def test_a_day_is_corrected_once(client, secretariat):
    client.force_login(secretariat)
    client.post(reverse("desk:calendar"), {"day": "2027-01-01", "is_working_day": "0", "note": "元旦"})
    response = client.post(reverse("desk:calendar"), {"day": "2027-01-01", "is_working_day": "1", "note": ""})
    assert "该日期已有调整记录；如需修改，请先删除原记录。" in response.content.decode()
    assert CalendarCorrection.objects.count() == 1


def test_the_secretariat_deletes_a_correction(client, secretariat):
    client.force_login(secretariat)
    client.post(reverse("desk:calendar"), {"day": "2027-01-01", "is_working_day": "0", "note": "元旦"})
    correction = CalendarCorrection.objects.get()
    url = reverse("desk:calendar_correction_delete", args=[correction.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not CalendarCorrection.objects.exists()


def test_others_may_not_touch_the_calendar(client, kjj_officer, leader, secretariat):
    client.force_login(secretariat)
    client.post(reverse("desk:calendar"), {"day": "2027-01-01", "is_working_day": "0", "note": "元旦"})
    correction = CalendarCorrection.objects.get()
    for user in (kjj_officer, leader):
        client.force_login(user)
        assert client.get(reverse("desk:calendar")).status_code == 403
        assert (
            client.post(reverse("desk:calendar"), {"day": "2027-01-04", "is_working_day": "0"}).status_code
            == 403
        )
        assert (
            client.post(reverse("desk:calendar_correction_delete", args=[correction.pk])).status_code == 403
        )
        assert client.post(reverse("desk:calendar_year_confirm"), {"year": "2027"}).status_code == 403
    assert CalendarCorrection.objects.count() == 1
    assert not CalendarYear.objects.exists()


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(reverse("desk:calendar"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.fixture
def deadline_in_2027(kjj, kjj_officer):
    # assigned Monday 28 Dec 2026: five working days run into 2027, which the package does not cover
    with at(2026, 12, 28, 10, 0):
        proposal = register_and_assign(
            lead=kjj,
            kind="proposal",
            session="十四届一次",
            number="12",
            title="关于优化营商环境的提案",
            content="内容",
            proposers=("王一",),
        )
    return Deadline.objects.get(object_id=proposal.pk)


def test_the_secretariat_is_warned_about_a_deadline_in_an_uncovered_year(
    client, deadline_in_2027, secretariat, kjj_officer
):
    # 29, 30, 31 Dec, then Friday 1 Jan 2027 counted as a working day, then Monday 4 Jan
    assert deadline_in_2027.due == D(2027, 1, 4)
    warning = "有办理期限落在2027年，该年度的节假日安排尚未录入"
    client.force_login(secretariat)
    assert warning in client.get(reverse("desk:index")).content.decode()
    assert warning in client.get(reverse("desk:calendar")).content.decode()
    client.force_login(kjj_officer)
    assert warning not in client.get(reverse("desk:index")).content.decode()

    client.force_login(secretariat)
    response = client.post(reverse("desk:calendar_year_confirm"), {"year": "2027"}, follow=True)
    assert "已标记2027年的节假日安排录入完整。" in response.content.decode()
    assert warning not in client.get(reverse("desk:index")).content.decode()
    again = client.post(reverse("desk:calendar_year_confirm"), {"year": "2027"}, follow=True)
    assert "2027年的节假日安排已在系统中，无需再标记。" in again.content.decode()
    assert CalendarYear.objects.count() == 1


def test_a_correction_moves_the_timers_it_shifts(deadline_in_2027, secretariat):
    def reminder():
        return Task.objects.get(previous=deadline_in_2027.task, status=STATUS.SCHEDULED).scheduled

    # three working days before Monday 4 Jan 2027: 1 Jan (uncovered, so a working day), 31 Dec, 30 Dec
    assert reminder() == datetime.datetime(2026, 12, 30, 9, 0, tzinfo=SHANGHAI)
    with at(2026, 12, 28, 15, 0):
        calendar.calendar_correction_add(
            day=D(2027, 1, 1), is_working_day=False, note="元旦", actor=secretariat
        )
        assert dispatcher.timers_reschedule(day=D(2027, 1, 1)) == 1
    # with New Year's Day off: 31, 30, 29 Dec
    assert reminder() == datetime.datetime(2026, 12, 29, 9, 0, tzinfo=SHANGHAI)
    with at(2026, 12, 28, 15, 0):
        assert dispatcher.timers_reschedule(day=D(2027, 1, 1)) == 0


def test_calendar_corrections_are_in_the_audit_trail(client, secretariat):
    import datetime

    from django.urls import reverse

    from accounts.models import AuditEvent

    correction = calendar.calendar_correction_add(
        day=datetime.date(2030, 10, 12), is_working_day=True, note="调休上班", actor=secretariat
    )
    client.force_login(secretariat)
    client.post(reverse("desk:calendar_correction_delete", args=[correction.pk]))
    summaries = list(
        AuditEvent.objects.filter(action=AuditEvent.Action.CALENDAR_CHANGE).values_list("summary", "actor")
    )
    assert summaries == [
        ("工作日历：2030年10月12日调整为工作日（调休上班）", secretariat.pk),
        ("工作日历：撤销2030年10月12日的调整", secretariat.pk),
    ]


def test_rescheduling_reads_the_calendar_afresh_in_a_worker_that_cached_it(deadline_in_2027):
    """The worker that reschedules may hold a snapshot of the calendar older than the correction."""

    def reminder():
        return Task.objects.get(previous=deadline_in_2027.task, status=STATUS.SCHEDULED).scheduled

    with at(2026, 12, 28, 15, 0):
        assert calendar.is_working_day(D(2027, 1, 1))  # this process now holds a snapshot
        CalendarCorrection.objects.create(day=D(2027, 1, 1), is_working_day=False, note="元旦")  # elsewhere
        assert dispatcher.timers_reschedule(day=D(2027, 1, 1)) == 1
    assert reminder() == datetime.datetime(2026, 12, 29, 9, 0, tzinfo=SHANGHAI)
