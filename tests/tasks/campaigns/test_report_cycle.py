"""The daily cycle by time travel: reminders the hour before the cut-off on working days, the
cut-off turning a missing day red and a later report late, days off and 调休 working days."""

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tasks.campaigns import services
from tasks.campaigns.matrix import matrix_rows
from tasks.campaigns.models import DailyReport
from tests.tasks.campaigns.conftest import D, at, file_report
from workflows.notifications.models import Notification


def reminders_to(user):
    return list(
        Notification.objects.filter(recipient=user, channel="in_app", topic="reminder").values_list(
            "body", flat=True
        )
    )


def cell(campaign, department, day, now):
    _days, rows = matrix_rows(campaign, [department], activities=list(campaign.activities.all()), now=now)
    return next(c for c in rows[0][1] if c.day == day)


def test_a_report_before_the_cut_off_is_on_time_and_one_after_it_is_late(campaign, ks_kjj, kjj_host):
    with time_machine.travel(at(2017, 9, 14, 15, 59), tick=False):
        on_time = file_report(campaign, ks_kjj, D(2017, 9, 14), kjj_host)
    with time_machine.travel(at(2017, 9, 15, 16, 1), tick=False):
        late = file_report(campaign, ks_kjj, D(2017, 9, 15), kjj_host)
    assert (on_time.is_late, late.is_late) == (False, True)
    assert cell(campaign, ks_kjj, D(2017, 9, 15), at(2017, 9, 15, 17)).state == "late"


def test_the_day_turns_red_at_the_cut_off(campaign, ks_kjj):
    day = D(2017, 9, 14)
    assert cell(campaign, ks_kjj, day, at(2017, 9, 14, 15, 59)).state == "due"
    assert cell(campaign, ks_kjj, day, at(2017, 9, 14, 16, 1)).state == "missing"
    # a day without an activity of the host stays empty
    assert cell(campaign, ks_kjj, D(2017, 9, 22), at(2017, 9, 23, 9)).state == "off"


def test_the_reminder_goes_at_15_to_hosts_that_have_not_reported_once(
    campaign, ks_kjj, ks_rsj, kjj_host, rsj_host, fgw_officer
):
    with time_machine.travel(at(2017, 9, 22, 14, 55), tick=False):
        assert services.reminders_send() == 0  # not yet
    with time_machine.travel(at(2017, 9, 22, 15, 0), tick=False):
        assert services.reminders_send() == 1
        assert services.reminders_send() == 0  # a second run sends nothing new
    with time_machine.travel(at(2017, 9, 22, 15, 30), tick=False):
        assert services.reminders_send() == 0
    assert reminders_to(rsj_host) == [
        "昆山市人社局：《2017年全国大众创业万众创新活动周昆山市活动》2017年9月22日的活动信息尚未报送，"
        "请于2017年9月22日16:00前报送市发改委（无活动信息的请零报送），逾期将记为迟报。"
    ]
    assert reminders_to(kjj_host) == [] and reminders_to(fgw_officer) == []
    assert Notification.objects.filter(recipient=rsj_host, channel="email").count() == 1


def test_a_host_that_reported_gets_no_reminder(campaign, ks_rsj, rsj_host):
    with time_machine.travel(at(2017, 9, 22, 11, 0), tick=False):
        file_report(campaign, ks_rsj, D(2017, 9, 22), rsj_host, is_nil=False)
    with time_machine.travel(at(2017, 9, 22, 15, 0), tick=False):
        assert services.reminders_send() == 0
    assert reminders_to(rsj_host) == []


def test_on_a_day_off_nothing_is_reminded_and_the_report_is_due_the_next_working_day(
    campaign, ks_kjj, kjj_host
):
    saturday, sunday, monday = D(2017, 9, 16), D(2017, 9, 17), D(2017, 9, 18)
    with time_machine.travel(at(2017, 9, 16, 15, 0), tick=False):
        assert services.reminders_send() == 0
    assert campaign.due_at(saturday) == at(2017, 9, 18, 16)
    assert cell(campaign, ks_kjj, saturday, at(2017, 9, 16, 18)).state == "due"
    with time_machine.travel(at(2017, 9, 18, 15, 0), tick=False):
        assert services.reminders_send() == 1
    assert "2017年9月16日、2017年9月17日的活动信息尚未报送" in reminders_to(kjj_host)[0]
    with time_machine.travel(at(2017, 9, 18, 10, 0), tick=False):
        assert not file_report(campaign, ks_kjj, sunday, kjj_host).is_late
    assert cell(campaign, ks_kjj, saturday, at(2017, 9, 18, 16, 1)).state == "missing"
    assert monday not in services.host_days(campaign, ks_kjj.pk)


def test_a_cut_off_on_the_national_day_holiday_moves_to_the_first_working_day(campaign, ks_rsj, rsj_host):
    holiday = D(2017, 10, 2)
    assert campaign.due_at(holiday) == at(2017, 10, 9, 16)
    for day in (2, 5, 8):  # no reminders during the holiday
        with time_machine.travel(at(2017, 10, day, 15, 0), tick=False):
            assert services.reminders_send() == 0
    assert cell(campaign, ks_rsj, holiday, at(2017, 10, 8, 20)).state == "due"
    with time_machine.travel(at(2017, 10, 9, 15, 0), tick=False):
        assert services.reminders_send() == 1
    assert "2017年10月2日的活动信息尚未报送，请于2017年10月9日16:00前" in reminders_to(rsj_host)[0]
    with time_machine.travel(at(2017, 10, 9, 16, 30), tick=False):
        assert file_report(campaign, ks_rsj, holiday, rsj_host).is_late


def test_a_tiaoxiu_saturday_is_a_working_day_with_its_own_reminder_and_cut_off(campaign, ks_kjj, kjj_host):
    makeup = D(2017, 9, 30)  # 调休: the Saturday before the National Day holiday is worked
    assert campaign.due_at(makeup) == at(2017, 9, 30, 16)
    with time_machine.travel(at(2017, 9, 30, 15, 0), tick=False):
        assert services.reminders_send() == 1
    assert "2017年9月30日的活动信息尚未报送，请于2017年9月30日16:00前" in reminders_to(kjj_host)[0]
    with time_machine.travel(at(2017, 9, 30, 16, 5), tick=False):
        assert file_report(campaign, ks_kjj, makeup, kjj_host).is_late


def test_a_calendar_correction_moves_the_cut_off(campaign, ks_kjj, fgw_officer):
    from workflows.workdays.calendar import calendar_correction_add

    calendar_correction_add(day=D(2017, 9, 16), is_working_day=True, note="调休上班", actor=fgw_officer)
    assert campaign.due_at(D(2017, 9, 16)) == at(2017, 9, 16, 16)


def test_a_report_after_the_campaign_closed_is_refused_and_nothing_is_stored(campaign, ks_kjj, kjj_host):
    with time_machine.travel(at(2017, 10, 21, 9, 0), tick=False), pytest.raises(ValidationError) as error:
        file_report(campaign, ks_kjj, D(2017, 9, 14), kjj_host)
    assert error.value.messages == ["该活动已于2017年10月20日结束报送，不再接收报送。"]
    assert not DailyReport.objects.exists()


def test_a_day_is_reported_once_and_only_on_the_hosts_activity_days(campaign, ks_kjj, kjj_host):
    with time_machine.travel(at(2017, 9, 25, 9, 0), tick=False):
        file_report(campaign, ks_kjj, D(2017, 9, 14), kjj_host)
        with pytest.raises(ValidationError, match="已报送"):
            file_report(campaign, ks_kjj, D(2017, 9, 14), kjj_host)
        with pytest.raises(ValidationError, match="没有"):
            file_report(campaign, ks_kjj, D(2017, 9, 22), kjj_host)
        with pytest.raises(ValidationError, match="零报送"):
            file_report(campaign, ks_kjj, D(2017, 9, 15), kjj_host, is_nil=True, text="有内容")
    assert DailyReport.objects.count() == 1


def test_the_desk_lists_the_reports_due_today(client, campaign, ks_kjj, kjj_host):
    client.force_login(kjj_host)
    with time_machine.travel(at(2017, 9, 18, 9, 0), tick=False):
        page = client.get("/desk/").content.decode()
        assert page.count("2017年9月16日") == 1 and "2017年9月17日" in page
        file_report(campaign, ks_kjj, D(2017, 9, 16), kjj_host, is_nil=True, text="")
        page = client.get("/desk/").content.decode()
        assert "2017年9月16日" not in page and "2017年9月17日" in page
