"""Issue 14, point 5: only ASCII digits, and Thai digits ๐-๙ where the office types them,
are read as numbers; other scripts' digits are refused with the field named."""

from __future__ import annotations

from datetime import date, time

import pytest

from core.calendar import parse_date, parse_fiscal_year, parse_time
from core.errors import InvalidInput
from core.values import check_text, digits, whole
from inspection.standard import check_score
from inspection.survey import parse_ratings

FOREIGN = {
    "fullwidth": "５",  # U+FF15, what a Japanese or Chinese input method types
    "devanagari": "४",  # U+096A
    "arabic-indic": "٤",  # U+0664
    "superscript": "²",  # isdigit() is True, int() fails
    "vulgar fraction": "½",  # isnumeric() is True
    "circled": "③",
}


@pytest.mark.parametrize("name", sorted(FOREIGN))
def test_a_digit_of_another_script_is_refused_naming_the_field(name) -> None:
    ch = FOREIGN[name]
    with pytest.raises(InvalidInput) as err:
        digits(f"1{ch}", field="i7")
    assert err.value.field == "i7"
    assert ch in err.value.th and ch in err.value.en
    assert "0-9" in err.value.en and "๐-๙" in err.value.th


def test_thai_digits_read_as_ascii_where_the_office_types_them() -> None:
    assert digits("๑๕/๐๘/๒๕๖๔", field="date") == "15/08/2564"
    with pytest.raises(InvalidInput):
        digits("๔", field="scores", thai=False)  # a sync file is written by the app: ASCII


@pytest.mark.parametrize(
    ("value", "expected"), [("3", 3), (" 4 ", 4), ("๔", 4), (0, 0), (4, 4)]
)  # fmt: skip
def test_a_score_is_0_to_4_in_ascii_or_thai_digits(value, expected) -> None:
    assert check_score(value, 4, field="i1") == expected


@pytest.mark.parametrize(
    "value", ["5", "９", "४", "²", "-1", "4.0", "", "99999999999999999999999", "1e30", True, 9]
)  # fmt: skip
def test_anything_else_is_not_a_score(value) -> None:
    with pytest.raises(InvalidInput) as err:
        check_score(value, 4, field="i3")
    assert err.value.field == "i3"


def test_a_whole_number_is_bounded_before_python_reads_it() -> None:
    """int() of 99999999999999999999999 works, and then SQLite overflows (issue 14)."""
    with pytest.raises(InvalidInput) as err:
        whole("99999999999999999999999", field="required", low=0, high=500)
    assert err.value.field == "required" and "0 ถึง 500" in err.value.th
    with pytest.raises(InvalidInput):
        whole("9" * 5000, field="required", low=0, high=500)  # not Python's digit limit
    assert whole("-3", field="x", low=-5, high=5) == -3


def test_dates_and_times_read_thai_digits_and_refuse_other_scripts() -> None:
    assert parse_date("๑๕/๐๘/๒๕๖๔") == date(2021, 8, 15)
    assert parse_time("๐๙:๓๐") == time(9, 30)
    assert parse_fiscal_year("๒๕๖๔") == 2564
    for text in ("２０２１-０８-１５", "15/08/२५६४", "1５/08/2564"):
        with pytest.raises(InvalidInput) as err:
            parse_date(text, field="date")
        assert err.value.field == "date" and ("0-9" in err.value.en)
    with pytest.raises(InvalidInput) as err:
        parse_time("０９:３０", field="event_time")
    assert err.value.field == "event_time"
    with pytest.raises(InvalidInput):
        parse_fiscal_year("２５６４")


def test_survey_ratings_read_thai_digits_in_a_csv_and_refuse_others() -> None:
    assert parse_ratings("๕;๔;3") == [5, 4, 3]
    for text in ("５", "4;²", "४"):
        with pytest.raises(InvalidInput) as err:
            parse_ratings(text, field="rating")
        assert err.value.field == "rating"


def test_a_text_is_held_to_the_window_s_length_and_one_line() -> None:
    assert check_text("  สมชาย  ", field="inspector", limit=10) == "สมชาย"
    with pytest.raises(InvalidInput) as err:
        check_text("ก" * 11, field="inspector", limit=10)
    assert err.value.field == "inspector" and "10" in err.value.en
    with pytest.raises(InvalidInput):
        check_text("a\nb", field="inspector", limit=10)
    assert check_text("a\nb", field="note", limit=10, one_line=False) == "a\nb"
    with pytest.raises(InvalidInput):
        check_text("a\x00b", field="note", limit=10, one_line=False)
    with pytest.raises(InvalidInput):
        check_text("   ", field="reason", limit=10, required=True)
