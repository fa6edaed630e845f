"""Issue 9: two laptops exchange sync files both ways and end with one record."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from core.db import device_id
from core.integrity import check
from core.users import act_as
from inspection import rounds as R
from inspection.survey import record_response
from security.events import EventInput
from security.indicator import classify_event
from security.reports import save_report
from summary.score import annual_score, score_json
from sync.receive import import_sync
from sync.send import collect, export_sync
from tests.actors import ADMIN, HEAD
from tests.sync.sync_helpers import add_rounds, canonical, dumps, file_state

FAIL_ITEM_1 = [1] + [4] * 19
GOOD = [4] * 20


def _laptop_a(db) -> dict:
    """Building staff's laptop: rounds, a correction, a draft, survey answers, a theft."""
    first, failed = add_rounds(db, [
        ("F1-01", datetime(2021, 3, 1, 9, 0), "สมชาย", GOOD),
        ("F1-02", datetime(2021, 3, 1, 9, 30), "สมชาย", FAIL_ITEM_1),
    ])  # fmt: skip
    fix = R.correct_round(db, first, "ข้อ 1 บันทึกผิด", "สมชาย")
    R.set_score(db, fix.uuid, 1, 1)
    R.finalize_round(db, fix.uuid)
    draft = R.start_draft(db, "F2-01", "สมชาย", datetime(2021, 9, 30, 8, 0))
    for rating in (5, 5, 4, 2):
        record_response(db, "2021-03-02", "F1-01", "public", [rating])
    theft = EventInput(time(10, 0), "ลานจอดรถ", "theft", "จักรยานหาย")
    rep = save_report(db, "2021-03-03", "day", "วิชัย", 12, 12, events=[theft])
    classify_event(db, rep.events[0].uuid, True, "ยามไม่อยู่ประจำจุด")
    return {"first": first, "fix": fix.uuid, "failed": failed, "draft": draft.uuid}


def _laptop_b(db) -> None:
    """The supervisor's PC: other rounds, other answers, a night report with an alarm."""
    add_rounds(db, [
        ("F3-01", datetime(2021, 3, 5, 10, 0), "สมศรี", GOOD),
        ("F3-02", datetime(2021, 3, 5, 10, 30), "สมศรี", GOOD),
    ])  # fmt: skip
    for rating in (4, 5):
        record_response(db, "2021-03-06", None, "official", [rating])
    save_report(db, "2021-03-04", "night", "ประเสริฐ", 8, 7,
                events=[EventInput(time(2, 0), "ประตูทางเข้าหลัก", "alarm", "สัญญาณดัง")])  # fmt: skip


def test_both_ways_give_the_same_content_and_the_same_score(laptops, tmp_path) -> None:
    a, b = laptops
    keys = _laptop_a(a)
    _laptop_b(b)
    before_a = score_json(annual_score(a, 2564))
    fa, fb = tmp_path / "a.srsync", tmp_path / "b.srsync"
    export_sync(a, fa)
    export_sync(b, fb)
    into_b = import_sync(b, fa)
    into_a = import_sync(a, fb)

    assert into_b.added["rounds"] == 3 and into_a.added["rounds"] == 2
    assert into_b.added["survey_responses"] == 4 and into_a.added["survey_responses"] == 2
    assert into_b.added["guard_reports"] == 1 and into_a.added["guard_events"] == 1
    assert into_b.added["actions"] >= 2  # the failed round's and the correction's
    assert into_b.conflicts == [] and into_a.conflicts == []
    assert dumps(canonical(a)) == dumps(canonical(b))
    score_a, score_b = score_json(annual_score(a, 2564)), score_json(annual_score(b, 2564))
    assert score_a == score_b
    assert score_a != before_a  # B's answers and report really arrived
    assert score_a["restrooms"]["respondents"] == 6 and score_a["incidents"]["counted"] == 1
    # The correction still supersedes the round it corrects, on both laptops.
    for db in (a, b):
        assert R.get_round(db, keys["first"]).superseded_by == keys["fix"]
        assert check(db).ok, check(db).problems
    # Both laptops hold both devices' chains; each verifies on its own.
    for db in (a, b):
        devices = {r[0] for r in db.execute("SELECT DISTINCT device_id FROM audit_log")}
        assert devices == {device_id(a), device_id(b)}


def test_drafts_never_travel(laptops, tmp_path) -> None:
    a, b = laptops
    keys = _laptop_a(a)
    assert keys["draft"] not in {r["uuid"] for r in collect(a)["rounds"]}
    export_sync(a, tmp_path / "a.srsync")
    import_sync(b, tmp_path / "a.srsync")
    assert b.execute("SELECT COUNT(*) FROM rounds WHERE status = 'draft'").fetchone()[0] == 0
    assert not b.execute("SELECT 1 FROM rounds WHERE uuid = ?", [keys["draft"]]).fetchone()


def test_importing_again_changes_nothing(laptops, tmp_path) -> None:
    a, b = laptops
    _laptop_a(a)
    export_sync(a, tmp_path / "a.srsync")
    import_sync(b, tmp_path / "a.srsync")
    state = file_state(b)
    again = import_sync(b, tmp_path / "a.srsync")
    assert again.already_imported and file_state(b) == state
    assert "เคยรับแล้ว" in again.summary("th") and "received before" in again.summary("en")
    # Another file of the same records (made with --since, so its bytes differ):
    # everything is skipped, no record changes.
    content = canonical(b)
    export_sync(a, tmp_path / "a2.srsync", date(2021, 1, 1))
    second = import_sync(b, tmp_path / "a2.srsync")
    assert second.total_added == 0 and second.total_updated == 0 and not second.conflicts
    assert second.skipped["rounds"] == 3
    assert canonical(b) == content and check(b).ok


def test_a_round_file_imported_on_both_laptops_is_not_doubled(laptops, tmp_path) -> None:
    a, b = laptops
    same = [("F4-01", datetime(2021, 4, 1, 9, 0), "สมชาย", GOOD)]
    add_rounds(a, same)
    add_rounds(b, same)
    export_sync(a, tmp_path / "a.srsync")
    result = import_sync(b, tmp_path / "a.srsync")
    assert result.skipped["rounds"] == 1 and result.added.get("rounds", 0) == 0
    assert b.execute("SELECT COUNT(*) FROM rounds").fetchone()[0] == 1


def test_since_sends_only_recent_records_and_holds_back_a_broken_chain(
    laptops, tmp_path, monkeypatch
) -> None:
    a, b = laptops
    # The first round was written long ago (its audit row is stamped with the real clock).
    monkeypatch.setattr(R, "_stamp", lambda: "2021-01-04T02:00:00+00:00")
    old = add_rounds(a, [("F1-01", datetime(2021, 1, 4, 9, 0), "สมชาย", GOOD)])
    monkeypatch.undo()
    new = add_rounds(a, [("F1-02", datetime(2021, 9, 1, 9, 0), "สมชาย", GOOD)])
    content = collect(a, date(2021, 6, 1))
    assert [r["uuid"] for r in content["rounds"]] == new != old
    out = tmp_path / "since.srsync"
    export_sync(a, out, date(2021, 6, 1))
    # Audit rows are stamped with the real clock, so this file holds all of A's chain; cut
    # its first row out to see how a gap is handled.
    from sync.fileformat import read_sync_file, write_sync_file
    from sync.keys import device_key
    from sync.receive import trusted_keys

    sf = read_sync_file(out, trusted=trusted_keys(b))
    content = dict(sf.content, audit=sf.content["audit"][1:])
    write_sync_file(out, sf.manifest.device_id, sf.manifest.created_at, "2021-06-01", content,
                    device_key(a))  # fmt: skip
    result = import_sync(b, out)
    assert result.held_back == {device_id(a): len(content["audit"])}
    # The round's audit row is in the part of A's chain held back: the round waits with it
    # (a record joins only with the row that records it, issue 14).
    assert result.added.get("rounds", 0) == 0 and result.held_back_records == {"rounds": 1}
    assert "held back" in result.summary("en") and "รอประวัติ" in result.summary("th")
    assert check(b).ok
    # A full file later completes the chain, and both rounds come with it.
    export_sync(a, tmp_path / "full.srsync")
    full = import_sync(b, tmp_path / "full.srsync")
    assert full.held_back == {} and full.held_back_records == {}
    assert full.added["rounds"] == 2 and check(b).ok
    mine = b.execute("SELECT COUNT(*) FROM audit_log WHERE device_id = ?", [device_id(a)])
    assert mine.fetchone()[0] == a.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]


def test_a_record_naming_a_point_held_back_waits_with_it(laptops, tmp_path, monkeypatch) -> None:
    """A point new to this laptop whose audit row is not here yet is held back; a round,
    its action and a survey answer naming it wait with it, as at the hub (hub/merge.py
    `refs_held`): looking the point up ended the import in a KeyError."""
    import sync.receive
    from core.records import POINTS

    a, b = laptops
    add_rounds(a, [("F1-01", datetime(2021, 9, 1, 9, 0), "สมชาย", [0] + GOOD[1:])])
    record_response(a, "2021-09-01", "F1-01", "public", [5, 5, 5])
    # This laptop never had F1-01 (another building's list, say), and the row that
    # recorded it on A has not arrived: the gate holds the point back.
    b.execute("PRAGMA foreign_keys = OFF")
    b.execute("DELETE FROM points WHERE code = 'F1-01'")
    b.conn.commit()
    allow = sync.receive._Gate.allow

    def allow_but_points(gate, rec, row):
        return rec is not POINTS and allow(gate, rec, row)

    monkeypatch.setattr(sync.receive._Gate, "allow", allow_but_points)
    export_sync(a, tmp_path / "a.srsync")
    result = import_sync(b, tmp_path / "a.srsync")
    assert result.held_back_records == {"rounds": 1, "actions": 1, "survey_responses": 1}
    assert b.execute("SELECT COUNT(*) FROM rounds").fetchone()[0] == 0


def test_two_reports_for_one_shift_are_both_kept_and_shown(laptops, tmp_path) -> None:
    a, b = laptops
    save_report(a, "2021-05-05", "day", "วิชัย", 12, 12)
    save_report(b, "2021-05-05", "day", "สมหมาย", 12, 11)
    export_sync(a, tmp_path / "a.srsync")
    result = import_sync(b, tmp_path / "a.srsync")
    assert [c.winner for c in result.conflicts] == ["both"]
    assert "2021-05-05 day" in result.summary("en")


def test_check_against_an_anchor_still_works_after_merging(laptops, tmp_path) -> None:
    from core.audit import head_hash

    a, b = laptops
    _laptop_a(a)
    _laptop_b(b)
    anchor = head_hash(a)
    export_sync(b, tmp_path / "b.srsync")
    import_sync(a, tmp_path / "b.srsync")
    assert head_hash(a) != anchor  # the import itself is on this laptop's chain
    assert check(a, against=anchor).ok
    assert check(b, against=head_hash(b)).ok
    assert not check(a, against="f" * 64).ok
    # A received row changed afterwards is caught like a local one.
    a.execute(
        "UPDATE audit_log SET actor = 'forger' WHERE id ="
        " (SELECT MIN(id) FROM audit_log WHERE device_id = ?)",
        [device_id(b)],
    )
    assert not check(a).ok


def test_a_restored_laptop_gets_a_new_chain_and_can_take_its_lost_rows_back(
    laptops, tmp_path
) -> None:
    from core.backup import backup_to
    from core.db import open_db
    from core.restore import restore_from

    a, b = laptops
    a_path = Path(a.execute("PRAGMA database_list").fetchone()[2])
    first = add_rounds(a, [("F1-01", datetime(2021, 3, 1, 9, 0), "สมชาย", GOOD)])
    backup_to(a, tmp_path / "backup.db")
    later = add_rounds(a, [("F1-02", datetime(2021, 3, 2, 9, 0), "สมชาย", GOOD)])
    old_device = device_id(a)
    export_sync(a, tmp_path / "a.srsync")
    import_sync(b, tmp_path / "a.srsync")
    a.close()
    restore_from(a_path, tmp_path / "backup.db", ADMIN)  # the round of 2 March is lost here...
    a = open_db(a_path)
    act_as(a, HEAD)
    try:
        assert device_id(a) != old_device and check(a).ok
        export_sync(b, tmp_path / "b.srsync")
        back = import_sync(a, tmp_path / "b.srsync")
        # ...and comes back from the other laptop, with the old device's audit rows.
        assert back.added["rounds"] == 1 and R.get_round(a, later[0]).is_final
        assert back.held_back == {} and check(a).ok
        export_sync(a, tmp_path / "a2.srsync")
        assert import_sync(b, tmp_path / "a2.srsync").held_back == {} and check(b).ok
        # A round imported before the restore is still checked against its batch digest.
        a.execute("UPDATE rounds SET note = 'แก้ภายหลัง' WHERE uuid = ?", first)
        assert not check(a).ok
    finally:
        a.close()


def test_one_round_corrected_on_both_laptops_is_shown(laptops, tmp_path) -> None:
    a, b = laptops
    (first,) = add_rounds(a, [("F1-03", datetime(2021, 3, 1, 9, 0), "สมชาย", GOOD)])
    export_sync(a, tmp_path / "a.srsync")
    import_sync(b, tmp_path / "a.srsync")
    for db, score in ((a, 3), (b, 2)):
        fix = R.correct_round(db, first, "แก้คะแนนข้อ 1", "สมชาย")
        R.set_score(db, fix.uuid, 1, score)
        R.finalize_round(db, fix.uuid)
    export_sync(a, tmp_path / "a2.srsync")
    result = import_sync(b, tmp_path / "a2.srsync")
    assert [c.winner for c in result.conflicts] == ["both_corrections"]
    assert "F1-03 2021-03-01 09:00" in result.summary("en")
    assert check(b).ok
    export_sync(b, tmp_path / "b.srsync")
    import_sync(a, tmp_path / "b.srsync")
    # Both corrections are on both laptops; both pick the same one to judge F1-03 by.
    point = a.execute("SELECT id FROM points WHERE code = 'F1-03'").fetchone()[0]
    point_b = b.execute("SELECT id FROM points WHERE code = 'F1-03'").fetchone()[0]
    assert R.deciding_rounds(a, 2564)[point].uuid == R.deciding_rounds(b, 2564)[point_b].uuid


def test_an_unwritable_target_is_a_clear_error(laptops, tmp_path) -> None:
    import pytest

    from core.errors import InvalidInput

    a, _ = laptops
    (tmp_path / "dir.srsync").mkdir()
    with pytest.raises(InvalidInput) as err:
        export_sync(a, tmp_path / "dir.srsync")
    assert err.value.field == "--out"
    assert a.execute("SELECT COUNT(*) FROM sync_log").fetchone()[0] == 0


def test_two_rounds_of_one_point_at_one_minute_decide_the_same_on_both_laptops(
    laptops, tmp_path
) -> None:
    """DOMAIN.md section 6: the latest final round decides; two laptops that each recorded
    a round of one point at the same minute (two inspectors) must pick the same one, and
    so score the same, whatever order the rounds reached each database in."""
    a, b = laptops
    at = datetime(2021, 4, 1, 9, 0)
    (passing,) = add_rounds(a, [("F1-01", at, "สมชาย", GOOD)])
    (failing,) = add_rounds(b, [("F1-01", at, "สมศรี", FAIL_ITEM_1)])
    fa, fb = tmp_path / "a.srsync", tmp_path / "b.srsync"
    export_sync(a, fa)
    export_sync(b, fb)
    import_sync(b, fa)
    import_sync(a, fb)
    decided = {db: R.deciding_rounds(db, 2564) for db in (a, b)}
    point_a = R.get_round(a, passing).point_id
    point_b = R.get_round(b, passing).point_id
    assert decided[a][point_a].uuid == decided[b][point_b].uuid
    assert score_json(annual_score(a, 2564)) == score_json(annual_score(b, 2564))
