"""Issue 9: the later change wins on editable things, the other is kept in the history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.audit import audit
from core.db import device_id, transaction
from core.integrity import check
from core.migrations import seed_uuid
from core.plan import get_step, mark_step_done
from core.records import BY_TABLE, covering
from inspection.points import get_point, set_point_active
from sync.receive import import_sync
from sync.send import export_sync
from sync.status import device_statuses, last_import
from tests.sync.sync_helpers import canonical, dumps

STEP = seed_uuid("plan_step", 2564, 2, 1)


def later(minutes: int) -> str:
    """A change stamp after every real edit of the test, and within the clock difference a
    received stamp may have (sync.validate: a day ahead at most)."""
    moment = datetime.now(UTC) + timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _restamp(db, table: str, uuid: str, at: str) -> None:
    """Pin when a row last changed (the trigger stamps the real clock), as an edit in the
    app would: its audit row covers the record with that stamp (issue 14). The pinned
    moments are later than the real edits', so each pin is the record's latest change."""
    with transaction(db):
        db.execute(f"UPDATE {table} SET changed_at = ? WHERE uuid = ?", [at, uuid])
        kind = BY_TABLE[table].kind
        audit(db, "edit", kind, uuid, None, None, covers=covering(db, **{kind: [uuid]}))


def _exchange(a, b, tmp_path):
    fa, fb = tmp_path / "a.srsync", tmp_path / "b.srsync"
    export_sync(a, fa)
    export_sync(b, fb)
    return import_sync(b, fa), import_sync(a, fb)


def test_a_plan_step_edited_on_both_laptops_keeps_the_later_edit(laptops, tmp_path) -> None:
    a, b = laptops
    mark_step_done(a, STEP, "2020-10-10", "หนังสือสั่งการ ฉบับเครื่อง A")
    mark_step_done(b, STEP, "2020-10-12", "หนังสือสั่งการ ฉบับเครื่อง B")
    _restamp(a, "plan_steps", STEP, later(60))
    _restamp(b, "plan_steps", STEP, later(120))  # B's edit is later
    into_b, into_a = _exchange(a, b, tmp_path)

    for db in (a, b):
        step = get_step(db, STEP)
        assert step.evidence.endswith("B") and step.done_date.isoformat() == "2020-10-12"
        (kept, lost) = db.execute("SELECT kept, lost FROM sync_history").fetchone()
        assert "เครื่อง B" in kept and "เครื่อง A" in lost
        assert check(db).ok
    assert [c.winner for c in into_a.conflicts] == ["remote"]
    assert [c.winner for c in into_b.conflicts] == ["local"]
    assert "2564 2.1" in into_a.summary("en") and "later change" in into_a.summary("en")
    assert "«หนังสือสั่งการ ฉบับเครื่อง A»" in into_a.summary("th").split("เก็บในประวัติ")[1]
    assert dumps(canonical(a)) == dumps(canonical(b))
    shown = last_import(a)
    assert shown.conflicts[0].record_uuid == STEP and shown.conflicts[0].winner == "remote"
    assert shown.summary("en") == into_a.summary("en")


def test_a_tie_is_broken_by_device_id_the_same_way_on_both(laptops, tmp_path) -> None:
    a, b = laptops
    mark_step_done(a, STEP, "2020-10-10", "A")
    mark_step_done(b, STEP, "2020-10-12", "B")
    for db in (a, b):
        _restamp(db, "plan_steps", STEP, later(60))
    _exchange(a, b, tmp_path)
    winner = "A" if device_id(a) > device_id(b) else "B"
    assert get_step(a, STEP).evidence == get_step(b, STEP).evidence == winner


def test_a_change_on_one_laptop_only_is_an_update_not_a_conflict(laptops, tmp_path) -> None:
    a, b = laptops
    set_point_active(a, "F5-05", False, "2021-06-30")
    into_b, into_a = _exchange(a, b, tmp_path)
    assert into_b.updated == {"points": 1} and into_b.conflicts == []
    assert not get_point(b, "F5-05").active
    assert into_a.total_updated == 0
    assert dumps(canonical(a)) == dumps(canonical(b))
    # An edit made here after receiving is stamped again, and travels back.
    set_point_active(b, "F5-05", True, "2021-07-15")
    export_sync(b, tmp_path / "b2.srsync")
    back = import_sync(a, tmp_path / "b2.srsync")
    assert back.updated == {"points": 1} and get_point(a, "F5-05").active


def test_the_sync_page_figures_per_device(laptops, tmp_path) -> None:
    a, b = laptops
    mark_step_done(a, STEP, "2020-10-10", "A")
    _exchange(a, b, tmp_path)
    rows = device_statuses(b)
    assert rows[0].is_this and rows[0].last_sent is not None
    (other,) = rows[1:]
    assert other.device_id == device_id(a) and other.files == 1 and other.updated == 1
    assert other.last_sent is not None and other.last_received is not None


def test_an_incident_classified_differently_on_two_laptops_scores_the_same(
    laptops, tmp_path
) -> None:
    from datetime import time

    from security.events import EventInput
    from security.indicator import classify_event
    from security.reports import save_report
    from summary.score import annual_score, score_json

    a, b = laptops
    glass = EventInput(time(9, 0), "ลานจอดรถ", "damage", "กระจกแตก")
    rep = save_report(a, "2021-02-02", "day", "วิชัย", 12, 12, events=[glass])
    export_sync(a, tmp_path / "first.srsync")
    import_sync(b, tmp_path / "first.srsync")
    event = rep.events[0].uuid
    classify_event(a, event, True, "ยามละเลย")
    classify_event(b, event, False, "เกิดจากพายุ")
    _restamp(a, "guard_events", event, later(60))
    _restamp(b, "guard_events", event, later(180))
    into_b, into_a = _exchange(a, b, tmp_path)
    for db in (a, b):
        assert score_json(annual_score(db, 2564))["incidents"]["counted"] == 0
        lost = db.execute("SELECT lost FROM sync_history WHERE record_uuid = ?", [event])
        assert "ยามละเลย" in lost.fetchone()[0]
    assert into_a.conflicts[0].kind == "guard_events" and into_a.conflicts[0].winner == "remote"
    assert dumps(canonical(a)) == dumps(canonical(b))


def test_a_plan_year_opened_on_both_laptops_is_one_plan(laptops, tmp_path) -> None:
    from core.plan import plan_for_year

    a, b = laptops
    steps_a, steps_b = plan_for_year(a, 2565), plan_for_year(b, 2565)
    assert [s.uuid for s in steps_a] == [s.uuid for s in steps_b]
    mark_step_done(b, steps_b[0].uuid, "2021-09-01", "B")
    into_b, into_a = _exchange(a, b, tmp_path)
    assert into_a.added.get("plan_steps", 0) == 0 and into_a.updated == {"plan_steps": 1}
    assert get_step(a, steps_b[0].uuid).evidence == "B"
    assert dumps(canonical(a)) == dumps(canonical(b))
