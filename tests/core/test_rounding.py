"""Issue 15 point 3: percentages shown or exported are rounded half up to two decimals;
the ladders compare the exact value (DOMAIN.md section 8, "721 of 800 = 90.125 % is
90.13"). The plan's ladder reads its percentages with two decimals: "ร้อยละ 91.00-99.99".
"""

import json

import pytest

from cli import run
from core.rounding import half_up, pct_text
from inspection.indicator import satisfaction_level


@pytest.mark.parametrize(
    ("value", "shown"),
    [(90.125, "90.13"), (721 * 100 / 800, "90.13"), (100 * 2 / 3, "66.67"), (92.59259, "92.59"),
     (0.005, "0.01"), (1.005, "1.01"), (99.995, "100.00"), (100.0, "100.00"), (0.0, "0.00")],
)  # fmt: skip
def test_half_up_to_two_decimals(value, shown) -> None:
    assert pct_text(value) == shown
    assert half_up(value) == float(shown)


def test_no_figure_is_said_as_such() -> None:
    assert pct_text(None) == "-" and pct_text(None, "—") == "—"


def test_the_ladder_compares_the_exact_value_not_the_rounded_one() -> None:
    """90.995 % reads 91.00 but has not reached level 4's "at least 91" (DOMAIN.md 6)."""
    assert pct_text(18199 * 100 / 20000) == "91.00"
    assert satisfaction_level(18199, 20000) == 3
    assert satisfaction_level(18200, 20000) == 4


def test_721_satisfied_of_800_is_90_13_in_score_json_text_and_the_indicators_csv(
    db_path, tmp_path, capsys
) -> None:
    survey = tmp_path / "survey.csv"
    rows = [f"2021-03-01,,public,{5 if i < 721 else 2}" for i in range(800)]
    survey.write_text("date,point,group,rating\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert run(["--db", str(db_path), "import-survey", str(survey)]) == 0
    capsys.readouterr()
    assert run(["--db", str(db_path), "score", "--fy", "2564", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["restrooms"]["satisfaction_pct"] == 90.13
    assert run(["--db", str(db_path), "score", "--fy", "2564"]) == 0
    assert "90.13%" in capsys.readouterr().out
    out = tmp_path / "ind.csv"
    assert (
        run(["--db", str(db_path), "export", "indicators", "--fy", "2564", "--out", str(out)]) == 0
    )
    assert ",satisfaction_pct,90.13" in out.read_text(encoding="utf-8-sig")
