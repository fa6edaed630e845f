"""DOMAIN.md section 1: Thai fiscal year and Buddhist Era dates."""

from datetime import date, datetime, time

import pytest

from core.calendar import (
    fiscal_months,
    fiscal_year,
    fiscal_year_range,
    format_date,
    format_date_short,
    parse_date,
    parse_fiscal_year,
    parse_time,
)
from core.errors import InvalidInput


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (date(2020, 9, 30), 2563),
        (date(2020, 10, 1), 2564),
        (date(2020, 12, 31), 2564),
        (date(2021, 1, 1), 2564),
        (date(2021, 9, 30), 2564),
        (date(2021, 10, 1), 2565),
    ],
)
def test_fiscal_year_turns_on_1_october(day: date, fy: int) -> None:
    assert fiscal_year(day) == fy


def test_fiscal_year_2564_runs_october_2020_to_september_2021() -> None:
    assert fiscal_year_range(2564) == (date(2020, 10, 1), date(2021, 9, 30))
    assert fiscal_months(2564)[0] == (2020, 10)
    assert fiscal_months(2564)[-1] == (2021, 9)


def test_be_date_is_ce_plus_543_in_thai_with_month_abbreviation() -> None:
    assert format_date(date(2021, 8, 15)) == "15 ส.ค. 2564"
    assert format_date(date(2020, 12, 31)) == "31 ธ.ค. 2563"
    assert format_date(date(2021, 1, 1)) == "1 ม.ค. 2564"
    assert format_date(date(2021, 8, 15), "en") == "15 Aug 2021"
    assert format_date_short(date(2021, 8, 15)) == "15/08/2564"


@pytest.mark.parametrize("text", ["2021-08-15", "15/08/2564", " 15/8/2564 ", "2564-08-15"])
def test_parse_date_accepts_iso_and_be(text: str) -> None:
    assert parse_date(text) == date(2021, 8, 15)


def test_parse_date_reads_a_ce_slash_date_as_ce() -> None:
    assert parse_date("15/08/2021") == date(2021, 8, 15)


@pytest.mark.parametrize("text", ["31/02/2564", "2021-13-01", "yesterday", "", "29/02/2564"])
def test_impossible_dates_are_refused_in_thai_and_english(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_date(text, field="date")
    assert err.value.field == "date"
    assert "วันที่" in err.value.th and "date" in err.value.en


def test_leap_day_of_a_leap_year_is_accepted() -> None:
    assert parse_date("29/02/2563") == date(2020, 2, 29)


def test_future_date_is_refused_unless_allowed() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_date("01/10/2564")
    assert "future" in err.value.en
    assert parse_date("01/10/2564", allow_future=True) == date(2021, 10, 1)


def test_parse_time() -> None:
    assert parse_time("09:30") == time(9, 30)
    for bad in ("24:00", "12:60", "", "930", "10:0", "10.00.00", "10,00", "2400", "1060", "10 00"):
        with pytest.raises(InvalidInput):
            parse_time(bad)


def test_a_time_is_read_as_thai_writes_it_and_as_the_thai_layout_types_it() -> None:
    """New-user finding 4: the Kedmanee layout has no colon key and Thai writes "10.00";
    the digit row alone types four digits. Each reads as the HH:MM that is stored."""
    for text in ("10:00", "10.00", "1000", "๑๐.๐๐", "๑๐๐๐", "๑๐:๐๐", " 10.00 "):
        assert parse_time(text) == time(10, 0), text
    assert parse_time("9.30") == time(9, 30)
    assert parse_time("0930").strftime("%H:%M") == "09:30"
    assert parse_time("23.59") == time(23, 59)
    with pytest.raises(InvalidInput) as err:
        parse_time("25.00", field="event_time")
    assert err.value.field == "event_time" and "09.30" in err.value.th


def test_fiscal_year_argument_accepts_be_and_ce() -> None:
    assert parse_fiscal_year("2564") == 2564
    assert parse_fiscal_year("2021") == 2564
    with pytest.raises(InvalidInput):
        parse_fiscal_year("abc")


def test_a_stored_utc_stamp_reads_as_bangkok_time() -> None:
    """DOMAIN.md section 1: stored times convert only at the edges (Bangkok, UTC+7)."""
    from core.calendar import from_utc

    assert from_utc("2021-09-30T17:30:00+00:00") == datetime(2021, 10, 1, 0, 30)
    assert from_utc("2021-09-30T17:30:00") == datetime(2021, 10, 1, 0, 30)  # written as UTC
