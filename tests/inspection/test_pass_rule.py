"""DOMAIN.md section 3, and the plan's definition of ระดับดีมาก (71-80 points, 20 items)."""

import pytest

from core.errors import InvalidInput
from inspection.standard import check_score, current_standard, judge


def _scores(total: int, low: int | None = None) -> list[int]:
    """20 scores adding up to `total`, with one item at `low` when given."""
    scores = [4] * 20
    if low is not None:
        scores[14] = low
    i = 0
    while sum(scores) > total:
        if i != 14 and scores[i] > 2:
            scores[i] -= 1
        i = (i + 1) % 20
    return scores


@pytest.mark.parametrize(("total", "passed"), [(80, True), (71, True), (70, False), (60, False)])
def test_very_good_band_starts_at_71_of_80(total: int, passed: bool) -> None:
    """Plan, นิยาม: คะแนนระดับดีมาก = 71-80 คะแนน."""
    verdict = judge(_scores(total), item_min=2, pass_total=71)
    assert verdict.total == total
    assert verdict.passed is passed


def test_every_item_must_be_met_even_with_a_very_good_total() -> None:
    """Plan level table: ครบ 20 ข้อ; Interpretation: an item is met at 2 of 4 or more."""
    scores = _scores(77, low=1)
    verdict = judge(scores, item_min=2, pass_total=71)
    assert verdict.total == 77 and verdict.in_band
    assert not verdict.passed
    assert verdict.failed_items == (15,)
    assert judge(_scores(77, low=2), item_min=2, pass_total=71).passed


def test_thresholds_come_from_the_standard_version(db) -> None:
    std = current_standard(db)
    assert (std.version, std.item_min, std.pass_total, std.max_total) == (1, 2, 71, 80)
    stricter = judge(_scores(74), item_min=2, pass_total=75)
    assert not stricter.passed


def test_standard_version_1_has_the_20_items_in_thai_and_english(db) -> None:
    std = current_standard(db)
    assert len(std.items) == 20
    assert std.items[1].text_th.startswith("โถส้วม")
    assert std.items[19].text_en.startswith("Floor dry")
    assert {i.group for i in std.items} == {"H", "A", "S"}


@pytest.mark.parametrize("bad", ["5", "-1", "x", "", "2.5", 9])
def test_score_outside_0_to_4_is_refused(bad) -> None:
    with pytest.raises(InvalidInput) as err:
        check_score(bad, field="i3")
    assert err.value.field == "i3"
    assert "0" in err.value.th and "4" in err.value.en


def test_a_new_standard_version_is_an_office_task_and_old_rounds_keep_theirs(
    db, tmp_path, monkeypatch
):
    """DOMAIN.md section 9: the office replaces the texts by creating version 2."""
    from datetime import datetime

    from cli import run
    from inspection.points import get_point
    from inspection.rounds import get_round, record_round
    from inspection.standard import standard_by_id
    from tests.actors import add_accounts

    old_uuid = record_round(db, get_point(db, "F1-01"), datetime(2021, 1, 5, 9), "a", [4] * 20)
    csv = tmp_path / "v2.csv"
    rows = [f"{n},H,ข้อ {n} ฉบับใหม่,item {n} new" for n in range(1, 21)]
    csv.write_text("no,group,th,en\n" + "\n".join(rows) + "\n", encoding="utf-8")
    db_path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    db.close()
    add_accounts(db_path, monkeypatch)
    assert run(["--db", db_path, "standard", "new", str(csv), "--pass-total", "72"]) == 2
    assert run(["--db", db_path, "--user", "admin", "standard", "new", str(csv),
                "--pass-total", "72"]) == 0  # fmt: skip
    from core.db import open_db

    again = open_db(db_path)
    std = current_standard(again)
    assert (std.version, std.pass_total, std.items[0].text_th) == (2, 72, "ข้อ 1 ฉบับใหม่")
    assert standard_by_id(again, get_round(again, old_uuid).standard_id).version == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("no,group,th,en\n1,H,ก,a\n3,H,ข,b\n", encoding="utf-8")
    assert run(["--db", db_path, "standard", "new", str(bad)]) == 2
    assert current_standard(open_db(db_path)).version == 2
