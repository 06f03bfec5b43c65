"""完成时限 as tables write it: one line per form, and the impossible ones refused."""

import datetime

import pytest
from django.utils import translation

from tasks.duties.deadlines_text import DeadlineTextError, cycle_words, deadline_read

D = datetime.date

READABLE = [
    # text, table year, deadline, cycle, report day
    ("2017年10月15日", None, D(2017, 10, 15), "once", None),
    ("2017-10-15", None, D(2017, 10, 15), "once", None),
    ("2017.10.15", None, D(2017, 10, 15), "once", None),
    ("2017/10/15前", None, D(2017, 10, 15), "once", None),
    ("２０１７年１０月１５日前完成", None, D(2017, 10, 15), "once", None),
    ("10月15日", 2018, D(2018, 10, 15), "once", None),
    ("2018年10月9日—15日", None, D(2018, 10, 15), "once", None),
    ("2018年10月9日-15日", None, D(2018, 10, 15), "once", None),
    ("2018年9月25日至10月5日", None, D(2018, 10, 5), "once", None),
    ("10月底", 2018, D(2018, 10, 31), "once", None),
    ("2月底前", 2016, D(2016, 2, 29), "once", None),
    ("2018年12月", None, D(2018, 12, 31), "once", None),
    ("2018年6月底前完成", None, D(2018, 6, 30), "once", None),
    ("6月中旬", 2018, D(2018, 6, 20), "once", None),
    ("年底前", 2018, D(2018, 12, 31), "once", None),
    ("2019年底", 2018, D(2019, 12, 31), "once", None),
    ("2018年", None, D(2018, 12, 31), "once", None),
    ("上半年", 2018, D(2018, 6, 30), "once", None),
    ("2018年下半年", None, D(2018, 12, 31), "once", None),
    ("第三季度", 2018, D(2018, 9, 30), "once", None),
    ("每季度末", 2018, None, "quarterly", None),
    ("每月28日前", 2018, None, "monthly", 28),
    ("每月底", 2018, None, "monthly", None),
    ("每周五", 2018, None, "weekly", 5),
    ("每日16时前报送", 2018, None, "daily", None),
    ("每半年报送一次", 2018, None, "half_yearly", None),
    ("每年底", 2018, None, "yearly", None),
    ("长期坚持", None, None, "quarterly", None),
    ("持续推进", None, None, "quarterly", None),
    ("长期", None, None, "quarterly", None),
    ("长期坚持，每月28日前报送进展", None, None, "monthly", 28),
    ("2018年6月底前完成，每季度末报送进展", None, D(2018, 6, 30), "quarterly", None),
    ("6月底前出台方案；12月底前全面完成", 2018, D(2018, 12, 31), "once", None),
]


@pytest.mark.parametrize(("text", "year", "deadline", "cycle", "report_day"), READABLE)
def test_a_deadline_as_written_is_read(text, year, deadline, cycle, report_day):
    read = deadline_read(text, year=year)
    assert (read.deadline, read.cycle, read.report_day) == (deadline, cycle, report_day)


REFUSED = [
    ("2018年2月30日", 2018, "2月30日不存在"),
    ("2017年2月29日", None, "2月29日不存在"),
    ("13月", 2018, "没有13月"),
    ("2018年13月底", None, "没有13月"),
    ("10月32日", 2018, "10月32日不存在"),
    ("每月35日前", 2018, "没有35日"),
    ("10月底", None, "没有写年份"),
    ("视情况而定", 2018, "无法识别"),
    ("", 2018, "完成时限为空"),
]


@pytest.mark.parametrize(("text", "year", "message"), REFUSED)
def test_an_impossible_or_unreadable_deadline_is_refused_in_chinese(text, year, message):
    with translation.override("zh-hans"), pytest.raises(DeadlineTextError) as refused:
        deadline_read(text, year=year)
    assert message in str(refused.value)


def test_the_reporting_cycle_reads_back_in_words():
    assert cycle_words("monthly", 28) == "每月28日前"
    assert cycle_words("weekly", 5) == "每周五"
    assert cycle_words("quarterly") == "每季度"
    assert cycle_words("once") == "一次性"
