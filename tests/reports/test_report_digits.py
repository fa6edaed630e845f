"""Issue 14, point 5: a report's options read ASCII and Thai digits; another script's
digit ('²' passes str.isdigit and breaks int) is refused naming the option, exit 2."""

from __future__ import annotations

import pytest

from cli import run


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [("--floor", "²", "floor"), ("--floor", "３", "floor"), ("--month", "2021-０1", "month"),
     ("--month", "०1/2564", "month")],
)  # fmt: skip
def test_a_digit_of_another_script_in_an_option_is_refused(db, db_path, tmp_path, capsys, option,
                                                           value, field) -> None:  # fmt: skip
    what = "floor" if option == "--floor" else "guard-month"
    extra = ["--fy", "2564"] if what == "floor" else []
    args = ["--db", str(db_path), "report", what, *extra, option, value,
            "--out", str(tmp_path / "x.pdf")]  # fmt: skip
    assert run(args) == 2
    err = capsys.readouterr().err
    assert f"field {field}" in err and "0-9" in err and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_thai_digits_in_an_option_are_read(db, db_path, tmp_path) -> None:
    out = tmp_path / "month.pdf"
    args = ["--db", str(db_path), "report", "guard-month", "--month", "๐๑/๒๕๖๔", "--out", str(out)]
    assert run(args) == 0 and out.exists()


def test_a_point_code_typed_in_thai_digits_is_read() -> None:
    from inspection.points import normalise_code

    assert normalise_code("๑๐๑") == "F1-01"
    assert normalise_code("１０１") is None
