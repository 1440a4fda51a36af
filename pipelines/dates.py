"""Dates as Vietnamese news pages print them, and machine-readable ISO values.

Printed datelines are local time (Asia/Ho_Chi_Minh, +07:00) unless they name
another offset ("GMT+0"). A dateline that shows no time gives a :class:`date`,
never an invented midnight. Nothing here raises on bad input: an impossible date
(31/02) or unreadable text gives ``None``. Naive datetimes never leave this module.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from pipelines.text import clean_text

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
_WORDED_DATE = re.compile(
    r"(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2})\s*,?\s+năm\s+(\d{4})(?!\d)", re.IGNORECASE
)
_YMD_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_TIME = r"(\d{1,2})\s*[:hH]\s*(\d{2})(?:\s*:\s*(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?"
_TIME_ANY = re.compile(r"(?<![\d/.])" + _TIME + r"(?![\d/])")
_SEPARATORS = r"[\s,\-–—|(]*(?:lúc\s+)?"
_TIME_AFTER = re.compile(_SEPARATORS + _TIME + r"(?![\d/])", re.IGNORECASE)
_TIME_BEFORE = re.compile(_TIME + r"[\s,\-–—|)]*(?:ngày\s*)?$", re.IGNORECASE)
_OFFSET = re.compile(r"\b(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
_ISO = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")


def parse_date(text: str | None) -> datetime | date | None:
    """Parse either a machine value (ISO 8601) or a printed dateline."""
    if not text:
        return None
    if _ISO.match(text):
        return parse_iso(text)
    return parse_dateline(text)


def parse_iso(value: str) -> datetime | date | None:
    """ISO 8601 value -> aware datetime in +07:00 (no zone: local), or a date alone."""
    value = value.strip()
    if len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VN_TZ)
    return parsed.astimezone(VN_TZ)


def parse_dateline(text: str | None) -> datetime | date | None:
    """Parse a dateline as printed ("Thứ Sáu, 22/09/2017 - 17:30", "Ngày 22 tháng 9 năm 2017").

    The time next to the date wins (after it, else before it); otherwise the only
    time in the text. A stated GMT/UTC offset is honoured and converted to +07:00.
    """
    text = clean_text(text)
    match = _NUMERIC_DATE.search(text) or _WORDED_DATE.search(text)
    if match is not None:
        day, month, year = (int(g) for g in match.groups())
    elif (match := _YMD_DATE.search(text)) is not None:
        year, month, day = (int(g) for g in match.groups())
    else:
        return None
    try:
        day_value = date(year, month, day)
    except ValueError:
        return None
    clock = _find_time(text, match.start(), match.end())
    if clock is None:
        return day_value
    hour, minute, second = clock
    try:
        local = datetime(year, month, day, hour, minute, second, tzinfo=_offset(text))
    except ValueError:
        return day_value
    return local.astimezone(VN_TZ)


def _find_time(text: str, start: int, end: int) -> tuple[int, int, int] | None:
    match = _TIME_AFTER.match(text, end) or _TIME_BEFORE.search(text, 0, start)
    if match is None:
        others = list(_TIME_ANY.finditer(text[:start] + " " * (end - start) + text[end:]))
        if len(others) != 1:
            return None
        match = others[0]
    hour_text, minute_text, second_text, meridiem = match.groups()
    hour, minute, second = int(hour_text), int(minute_text), int(second_text or 0)
    if meridiem:
        if hour > 12:
            return None
        hour = hour % 12 + (12 if meridiem.lower() == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def _offset(text: str) -> timezone | ZoneInfo:
    match = _OFFSET.search(text)
    if match is None:
        return VN_TZ
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta > timedelta(hours=14):
        return VN_TZ
    return timezone(-delta if sign == "-" else delta)


def to_iso(value: datetime | date | None) -> str | None:
    """ "2017-09-22T17:30:00+07:00" for a datetime (in +07:00), "2017-09-22" for a date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=VN_TZ)
        return value.astimezone(VN_TZ).replace(microsecond=0).isoformat()
    return value.isoformat()
