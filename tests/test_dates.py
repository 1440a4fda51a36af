from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from pipelines.dates import VN_TZ, parse_date, parse_dateline, parse_iso, to_iso

AT_1730 = "2017-09-22T17:30:00+07:00"


@pytest.mark.parametrize(
    "printed",
    [
        "Thứ Sáu, 22/09/2017 - 17:30",
        "22/09/2017 17:30 (GMT+7)",
        "Thứ sáu, 22/9/2017, 17:30 (GMT+7)",
        "17:30 - 22/09/2017",
        "22/09/2017 17:30 GMT+7",
        "22/09/2017 - 17:30",
        "22/09/2017 17:30",
        "Cập nhật: 22/09/2017 17:30",
        "Cập nhật lúc 17:30 ngày 22/09/2017",
        "22/09/2017 lúc 17h30",
        "22/09/2017 05:30 PM",
        "Thứ\u00a0Sáu,\u00a022/09/2017\u00a0-\u00a017:30",
        "22-09-2017 17:30",
        "22.09.2017 17:30",
        "22/09/2017 10:30 GMT+0",
    ],
)
def test_printed_datelines(printed: str) -> None:
    parsed = parse_dateline(printed)
    assert isinstance(parsed, datetime)
    assert parsed.utcoffset() == timedelta(hours=7)
    assert to_iso(parsed) == AT_1730


@pytest.mark.parametrize(
    "printed",
    ["22/09/2017", "Thứ Sáu, 22/9/2017", "Ngày 22 tháng 9 năm 2017", "ngày 22 tháng 09, năm 2017"],
)
def test_date_only_gives_a_date_without_invented_time(printed: str) -> None:
    parsed = parse_dateline(printed)
    assert parsed == date(2017, 9, 22)
    assert not isinstance(parsed, datetime)
    assert to_iso(parsed) == "2017-09-22"


def test_worded_date_with_time() -> None:
    assert to_iso(parse_dateline("Ngày 22 tháng 9 năm 2017, 17:30")) == AT_1730


def test_seconds_are_kept() -> None:
    assert to_iso(parse_dateline("22/09/2017 17:30:45")) == "2017-09-22T17:30:45+07:00"


@pytest.mark.parametrize(
    "bad",
    ["31/02/2017", "31/02/2017 10:00", "00/09/2017", "22/13/2017", "Hôm nay", "", "17:30", "22/09"],
)
def test_invalid_dates_give_none(bad: str) -> None:
    assert parse_dateline(bad) is None


def test_invalid_time_keeps_the_date() -> None:
    assert parse_dateline("22/09/2017 25:00") == date(2017, 9, 22)


def test_two_times_far_from_the_date_are_ambiguous() -> None:
    assert parse_dateline("08:00 đến 17:00, Thứ Sáu, 22/09/2017") == date(2017, 9, 22)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2017-09-22T10:30:00Z", AT_1730),
        ("2017-09-22T10:30:00+00:00", AT_1730),
        ("2017-09-22T17:30:00+07:00", AT_1730),
        ("2017-09-22T17:30:00+0700", AT_1730),
        ("2017-09-22T17:30:00", AT_1730),  # no zone: local time
        ("2017-09-22 17:30:00", AT_1730),
        ("2017-09-22T17:30:00.123456+07:00", AT_1730),
        ("2017-09-22", "2017-09-22"),
    ],
)
def test_iso_machine_values(value: str, expected: str) -> None:
    assert to_iso(parse_iso(value)) == expected
    assert to_iso(parse_date(value)) == expected


@pytest.mark.parametrize("bad", ["2017-02-31", "2017-02-31T10:00:00", "2017-09-22Tgarbage"])
def test_invalid_iso_gives_none(bad: str) -> None:
    assert parse_iso(bad) is None


def test_parse_date_accepts_both_kinds() -> None:
    assert to_iso(parse_date("Thứ Sáu, 22/09/2017 - 17:30")) == AT_1730
    assert parse_date(None) is None


def test_datetimes_are_always_aware_in_vietnam_time() -> None:
    parsed = parse_iso("2017-09-22T10:30:00Z")
    assert isinstance(parsed, datetime)
    assert parsed.tzinfo is not None
    assert parsed == datetime(2017, 9, 22, 17, 30, tzinfo=VN_TZ)


def test_to_iso_treats_naive_as_local_and_drops_microseconds() -> None:
    assert to_iso(datetime(2017, 9, 22, 17, 30, 0, 999)) == AT_1730
    assert to_iso(None) is None
