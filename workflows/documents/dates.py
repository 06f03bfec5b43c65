"""Dates as Chinese official documents write them: 2017年6月29日, Arabic numerals, no padding."""


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日"
