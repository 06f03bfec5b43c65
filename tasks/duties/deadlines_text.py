"""完成时限 as duty tables write it, read into a deadline and a reporting cycle.

``deadline_read("2018年6月底前完成，每季度末报送进展", year=2018)`` gives 2018-06-30 and a
quarterly cycle. The text is split at commas and semicolons; each part is a date (the last date
of a range counts), a reporting cycle, or an open-ended duty (长期坚持). A part that is none of
these, or a date that does not exist (2月30日, 13月), raises ``DeadlineTextError`` with a Chinese
message. Pure: no database, no clock.
"""

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

# The values of tasks.duties.models.Duty.Cycle (kept as text so this module stays pure).
ONCE, DAILY, WEEKLY, MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY = (
    "once",
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "half_yearly",
    "yearly",
)
# An open-ended duty (长期坚持) has no completion date, so it is followed by periodic reports
# alone; quarterly is what joint meetings ask of such duties unless the table says otherwise
# (按季度报送), and it keeps the lead's reporting load light.
OPEN_ENDED_CYCLE = QUARTERLY

CYCLE_WORDS = {
    ONCE: "一次性",
    DAILY: "每日",
    WEEKLY: "每周",
    MONTHLY: "每月",
    QUARTERLY: "每季度",
    HALF_YEARLY: "每半年",
    YEARLY: "每年",
}
WEEKDAYS = "一二三四五六日"


class DeadlineTextError(ValueError):
    """The deadline text cannot be read; the message says why, in the user's language."""


@dataclass(frozen=True)
class DeadlineText:
    deadline: datetime.date | None
    cycle: str
    report_day: int | None = None  # day of the month (monthly) or ISO weekday 1–7 (weekly)


def cycle_words(cycle, report_day=None):
    """每月28日前, 每周五, 每季度 …: the reporting cycle as a Chinese table writes it."""
    words = CYCLE_WORDS[cycle]
    if report_day and cycle == MONTHLY:
        return f"{words}{report_day}日前"
    if report_day and cycle == WEEKLY:
        return f"{words}{WEEKDAYS[report_day - 1]}"
    return words


PARTS = re.compile(r"[,;。，；\s]+")
OPEN_ENDED = re.compile(r"长期坚持|长期推进|持续推进|持续开展|长期|常态化|持续")
CYCLES = [
    (re.compile(r"每(?:日|天|个?工作日)"), DAILY),
    (re.compile(r"每周(?:星期|周)?([一二三四五六日天])?"), WEEKLY),
    (re.compile(r"每(?:个)?月(?:(\d{1,2})日|底|末)?"), MONTHLY),
    (re.compile(r"每(?:个)?季度?(?:末|底|首月)?"), QUARTERLY),
    (re.compile(r"每半年"), HALF_YEARLY),
    (re.compile(r"每年(?:底|末)?"), YEARLY),
]
YEAR = r"(?:(?P<year>\d{4})年?)"
# dates, tried in order on what is left of a part once its cycle is taken out
ISO = re.compile(r"(?P<year>\d{4})[-./](?P<month>\d{1,2})[-./](?P<day>\d{1,2})日?")
DAY = re.compile(rf"{YEAR}?(?P<month>\d{{1,2}})月(?P<day>\d{{1,2}})[日号]?")
RANGE_END = re.compile(r"\s*[-~—–至到]+\s*(?:(?P<month>\d{1,2})月)?(?P<day>\d{1,2})[日号]")
MONTH = re.compile(rf"{YEAR}?(?P<month>\d{{1,2}})月(?:份|底|末|(?P<dekad>上旬|中旬|下旬))?")
DEKAD_END = {"上旬": 10, "中旬": 20}
QUARTER = re.compile(rf"{YEAR}?第(?P<quarter>[一二三四1-4])季度")
HALF = re.compile(rf"{YEAR}?(?P<half>上|下)半年")
YEAR_END = re.compile(r"(?:(?P<year>\d{4})年|年)(?:底|末|内)")
YEAR_ONLY = re.compile(r"(?P<year>\d{4})年")


def _normalise(text):
    # full-width digits and punctuation (２０１８，) become their ASCII forms
    return unicodedata.normalize("NFKC", text or "").strip()


def _date(year, month, day, written):
    if not 1 <= month <= 12:
        raise DeadlineTextError(
            _("“%(text)s”: there is no month %(month)s.") % {"text": written, "month": month}
        )
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise DeadlineTextError(
            _("“%(text)s”: %(month)s月%(day)s日 does not exist.")
            % {"text": written, "month": month, "day": day}
        ) from None


def _month_end(year, month, written):
    if not 1 <= month <= 12:
        raise DeadlineTextError(
            _("“%(text)s”: there is no month %(month)s.") % {"text": written, "month": month}
        )
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _month_part_end(year, month, dekad, written):
    end = _month_end(year, month, written)
    return end.replace(day=DEKAD_END[dekad]) if dekad in DEKAD_END else end


def _year(match, year, written):
    found = match.groupdict().get("year")
    if found:
        return int(found)
    if year is None:
        raise DeadlineTextError(
            _(
                "“%(text)s” gives no year, and neither does the table's title or date: "
                "give the table's year when importing."
            )
            % {"text": written}
        )
    return year


def _dates(part, year):
    """The dates written in one part, in order; a range (9日—15日) gives its end."""
    found = []
    rest = part
    for pattern in (ISO, DAY):
        while match := pattern.search(rest):
            when = _date(_year(match, year, part), int(match["month"]), int(match["day"]), part)
            tail = RANGE_END.match(rest, match.end())
            end = match.end()
            if tail:
                month = int(tail["month"]) if tail["month"] else when.month
                when = _date(when.year, month, int(tail["day"]), part)
                end = tail.end()
            found.append((match.start(), when))
            rest = rest[: match.start()] + " " * (end - match.start()) + rest[end:]
    for pattern, end_of in (
        (
            QUARTER,
            lambda m, y: _month_end(y, 3 * ("一二三四".find(m["quarter"]) + 1 or int(m["quarter"])), part),
        ),
        (HALF, lambda m, y: datetime.date(y, 6, 30) if m["half"] == "上" else datetime.date(y, 12, 31)),
        (MONTH, lambda m, y: _month_part_end(y, int(m["month"]), m["dekad"], part)),
        (YEAR_END, lambda m, y: datetime.date(y, 12, 31)),
        (YEAR_ONLY, lambda m, y: datetime.date(y, 12, 31)),
    ):
        while match := pattern.search(rest):
            found.append((match.start(), end_of(match, _year(match, year, part))))
            rest = rest[: match.start()] + " " * (match.end() - match.start()) + rest[match.end() :]
    return [when for _position, when in sorted(found, key=lambda item: item[0])]


def _cycle(part):
    """(cycle, report day, the part without the cycle's words) or None."""
    for pattern, cycle in CYCLES:
        match = pattern.search(part)
        if not match:
            continue
        day = None
        if cycle == MONTHLY and match.group(1):
            day = int(match.group(1))
            if not 1 <= day <= 31:
                raise DeadlineTextError(
                    _("“%(text)s”: a month has no day %(day)s.") % {"text": part, "day": day}
                )
        if cycle == WEEKLY and match.group(1):
            day = "一二三四五六日天".index(match.group(1)) % 7 + 1
        return cycle, day, part[: match.start()] + part[match.end() :]
    return None


def deadline_read(text, *, year=None):
    """Read a 完成时限 cell. ``year`` is the table's, for dates written without one."""
    written = _normalise(text)
    if not written:
        raise DeadlineTextError(_("The deadline is empty."))
    deadlines, cycle, report_day, open_ended = [], None, None, False
    for part in PARTS.split(written):
        if not part:
            continue
        found = _cycle(part)
        rest = part
        if found:
            cycle, report_day, rest = found
        dates = _dates(rest, year)
        deadlines += dates
        if OPEN_ENDED.search(rest):
            open_ended = True
        elif not found and not dates:
            raise DeadlineTextError(
                _(
                    "“%(text)s” is not a deadline this import can read; write a date such as "
                    "2018年10月15日 or 10月底, a cycle such as 每季度末 or 每月28日前, or 长期坚持."
                )
                % {"text": part}
            )
    if cycle is None:
        cycle = OPEN_ENDED_CYCLE if open_ended and not deadlines else ONCE
    return DeadlineText(deadline=max(deadlines) if deadlines else None, cycle=cycle, report_day=report_day)
