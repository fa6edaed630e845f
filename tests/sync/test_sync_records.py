"""Issue 14 point 1 across laptops: a record received by sync is covered on the receiving
laptop by the sending laptop's audit row (its digest is computed over portable content),
so `check` holds after `sync import` both ways; a record that differs from the row that
records it refuses the whole file."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime, time

import pytest

from core.coverage import Claims
from core.db import device_id
from core.errors import InvalidInput
from core.integrity import check
from core.records import ROUNDS as ROUND_RECORD
from core.records import digest, fetch
from core.users import Actor, act_as
from inspection import rounds as R
from inspection.survey import record_response
from security.events import EventInput
from security.indicator import classify_event
from security.reports import save_report
from sync.keys import device_key
from sync.receive import import_sync
from sync.send import export_sync
from tests.sync.sync_helpers import add_rounds, file_state, forge, key_of, load

GOOD = [4] * 20


def _window_round(db, code: str, when: datetime) -> str:
    draft = R.start_draft(db, code, "สมชาย", when)
    for no in range(1, 21):
        R.set_score(db, draft.uuid, no, 4 if no > 1 else 1)
    return R.finalize_round(db, draft.uuid).uuid


def _fill(db, code: str, day: str) -> dict[str, str]:
    """Records of every kind a laptop writes: by the window and in bulk."""
    window = _window_round(db, code, datetime(2021, 3, 1, 9, 0))
    (bulk,) = add_rounds(db, [(code, datetime(2021, 3, 2, 9, 0), "สมศรี", GOOD)])
    record_response(db, day, code, "public", [5])
    act_as(db, Actor("head", "section_head"))
    rep = save_report(db, day, "day", "วิชัย", 12, 12,
                      events=[EventInput(time(10, 0), "ลานจอดรถ", "theft", "หาย")])  # fmt: skip
    classify_event(db, rep.events[0].uuid, True, "ยามไม่อยู่ประจำจุด")
    return {"window": window, "bulk": bulk, "report": rep.uuid}


@pytest.mark.parametrize("direction", ["A->B", "B->A"])
def test_received_records_check_clean_covered_by_the_senders_rows(laptops, tmp_path,
                                                                   direction) -> None:  # fmt: skip
    a, b = laptops
    sender, receiver = (a, b) if direction == "A->B" else (b, a)
    mine = _fill(sender, "F1-01", "2021-03-03")
    _fill(receiver, "F2-01", "2021-03-04")
    out = tmp_path / "file.srsync"
    export_sync(sender, out)
    result = import_sync(receiver, out)
    assert result.added["rounds"] == 2 and result.held_back_records == {}
    assert check(receiver).ok, check(receiver).problems
    # The round typed on the sender is covered, here, by the sender's own audit row.
    claims = Claims({device_id(receiver)}).scan(receiver, {"rounds": {mine["window"]}})
    claim = claims.get("rounds", mine["window"])
    row = fetch(receiver, ROUND_RECORD, [mine["window"]])[mine["window"]]
    assert claim.device == device_id(sender) and claim.digest == digest(ROUND_RECORD, row)
    # The bulk round names, as its batch, this laptop's id of the sender's batch row.
    (batch,) = receiver.execute(
        "SELECT audit_batch FROM rounds WHERE uuid = ?", [mine["bulk"]]
    ).fetchone()
    assert receiver.execute(
        "SELECT kind, device_id FROM audit_log WHERE id = ?", [batch]
    ).fetchone() == ("rounds_batch", device_id(sender))
    # The import's own row says where its action came from.
    (via,) = receiver.execute(
        "SELECT via FROM audit_log WHERE kind = 'sync_file' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert via == "sync"
    # And back again: both laptops hold everything, and both check clean.
    back = tmp_path / "back.srsync"
    export_sync(receiver, back)
    import_sync(sender, back)
    assert check(sender).ok, check(sender).problems


def test_a_received_record_changed_afterwards_is_named(laptops, tmp_path) -> None:
    a, b = laptops
    mine = _fill(a, "F1-01", "2021-03-03")
    export_sync(a, tmp_path / "a.srsync")
    import_sync(b, tmp_path / "a.srsync")
    b.execute("UPDATE guard_reports SET present = 1 WHERE uuid = ?", [mine["report"]])
    b.execute("DELETE FROM rounds WHERE uuid = ?", [mine["bulk"]])
    found = "\n".join(check(b).problems)
    assert f"table guard_reports, record {mine['report']}: changed outside the app" in found
    assert f"table rounds, record {mine['bulk']}: missing" in found


def _rewrite(path, out, change) -> None:
    """A file with its content changed, its SHA-256 recomputed and signed again with the
    sending laptop's key."""
    forge(path, out, change, key=key_of(path.parent / "a.db"))


@pytest.mark.parametrize(
    "what",
    ["a guard report's headcount", "an event's classification", "a round's fiscal year"],
)
def test_a_record_that_differs_from_its_audit_row_refuses_the_file(laptops, tmp_path,
                                                                   what) -> None:  # fmt: skip
    a, b = laptops
    mine = _fill(a, "F1-01", "2021-03-03")
    out = tmp_path / "a.srsync"
    export_sync(a, out)

    def change(content: dict) -> None:
        if what == "a guard report's headcount":
            content["guard_reports"][0]["required"] = 5
        elif what == "an event's classification":
            content["guard_reports"][0]["events"][0]["counts"] = 0
        else:
            rnd = next(r for r in content["rounds"] if r["uuid"] == mine["bulk"])
            # Into the year before (its date moved with it, so the round passes its own
            # checks, sync.validate): only its audit row can tell.
            rnd["fiscal_year"], rnd["inspected_at"] = 2563, "2020-09-30T09:00"

    bad = tmp_path / "bad.srsync"
    _rewrite(out, bad, change)
    state = file_state(b)
    with pytest.raises(InvalidInput) as err:
        import_sync(b, bad)
    assert "differs from what its computer recorded" in err.value.en and err.value.th
    assert file_state(b) == state


@pytest.mark.parametrize("what", ["a guard report's headcount", "a round's scores"])
def test_an_altered_copy_of_a_record_already_here_refuses_the_file(laptops, tmp_path,
                                                                   what) -> None:  # fmt: skip
    """B already holds A's records (an earlier file): the same records altered in a later
    file, signed again with A's key, were skipped as 'already here' and the file logged as
    received, exit 0, where a laptop without them refused it (review, 2026-11-30)."""
    a, b = laptops
    _fill(a, "F1-01", "2021-03-03")
    first = tmp_path / "first.srsync"
    export_sync(a, first)
    import_sync(b, first)
    add_rounds(a, [("F1-02", datetime(2021, 3, 4, 9, 0), "สมศรี", GOOD)])  # something new
    out = tmp_path / "a.srsync"
    export_sync(a, out)

    def change(content: dict) -> None:
        if what == "a guard report's headcount":
            content["guard_reports"][0]["present"] = 3
        else:
            content["rounds"][0]["note"] = "แก้ภายหลัง"

    bad = tmp_path / "bad.srsync"
    _rewrite(out, bad, change)
    state = file_state(b)
    received = b.execute("SELECT COUNT(*) FROM sync_log").fetchone()[0]
    with pytest.raises(InvalidInput) as err:
        import_sync(b, bad)
    assert "differs from what its computer recorded" in err.value.en and err.value.th
    assert file_state(b) == state
    assert b.execute("SELECT COUNT(*) FROM sync_log").fetchone()[0] == received
    assert import_sync(b, out).added["rounds"] == 1  # the file as A wrote it is received


@pytest.mark.parametrize("version", [1, 2])
def test_a_file_of_an_earlier_format_is_refused(laptops, tmp_path, version) -> None:
    """Version 1 (unsigned, no digests) and 2 (one half of issue 14: digests without a
    signature, one JSON document) are refused as made by an older version."""
    a, b = laptops
    out = tmp_path / "a.srsync"
    export_sync(a, out)
    manifest, content = load(out)
    manifest["version"] = version
    old = tmp_path / "old.srsync"
    with zipfile.ZipFile(old, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("content.json", json.dumps(content))
    state = file_state(b)
    with pytest.raises(InvalidInput) as err:
        import_sync(b, old)
    assert "older version" in err.value.en and err.value.field == "version"
    assert file_state(b) == state


def test_records_whose_rows_are_held_back_wait_for_them_whole(laptops, tmp_path) -> None:
    """A form (and its questions) and a report (and its events) written while the sender's
    chain has a gap here are not written at all; a full file later brings them."""
    from inspection.survey import save_form
    from sync.fileformat import read_sync_file, write_sync_file

    a, b = laptops
    act_as(a, Actor("head", "section_head"))
    form = save_form(a, 2564, None, "แบบใหม่", "New form", [("ข้อ 1", "Q 1"), ("ข้อ 2", "Q 2")])
    _fill(a, "F1-01", "2021-03-03")
    out = tmp_path / "gap.srsync"
    export_sync(a, out)
    sf = read_sync_file(out, trusted={device_id(a): device_key(a).public_key})
    content = dict(sf.content, audit=sf.content["audit"][1:])  # a gap in A's chain
    write_sync_file(out, sf.manifest.device_id, sf.manifest.created_at, None, content,
                    device_key(a), office=sf.manifest.office)  # fmt: skip
    result = import_sync(b, out)
    assert result.held_back_records == {"survey_forms": 1, "survey_questions": 2, "rounds": 2,
                                        "actions": 1, "survey_responses": 1,
                                        "guard_reports": 1, "guard_events": 1}  # fmt: skip
    assert not b.execute(
        "SELECT 1 FROM survey_questions WHERE form = ?", [form.form.key]
    ).fetchone()
    assert check(b).ok
    export_sync(a, tmp_path / "full.srsync")
    full = import_sync(b, tmp_path / "full.srsync")
    assert full.held_back_records == {} and full.added["survey_questions"] == 2
    assert check(b).ok


def test_an_events_day_is_each_laptops_own_derivation_and_covered_there(laptops, tmp_path):
    """The day an event happened is not sent: the receiver derives it from the report's day
    and its own shift hours (DOMAIN.md 7), and the import's own row covers what it
    derived, so `check` holds on both laptops even where their contracts' hours differ."""
    from security.contract import set_contract

    a, b = laptops
    act_as(b, Actor("admin", "admin"))
    set_contract(b, {}, ["ลานจอดรถ"], hours={"night": ("22:00", "06:00")})
    act_as(a, Actor("guard1", "guard_supervisor"))
    late = EventInput(time(21, 30), "ลานจอดรถ", "damage", "กระจกแตก")
    rep = save_report(a, "2021-09-20", "night", "ประเสริฐ", 8, 8, events=[late])
    export_sync(a, tmp_path / "a.srsync")
    import_sync(b, tmp_path / "a.srsync")
    uuid = rep.events[0].uuid
    day = "SELECT occurred_on, fiscal_year FROM guard_events WHERE uuid = ?"
    # 21:30 is inside A's night (from 20:00) and before B's (from 22:00): the next morning.
    assert a.execute(day, [uuid]).fetchone() == ("2021-09-20", 2564)
    assert b.execute(day, [uuid]).fetchone() == ("2021-09-21", 2564)
    assert check(a).ok and check(b).ok, check(b).problems
    b.execute("UPDATE guard_events SET occurred_on = '2021-09-20', fiscal_year = 2564"
              " WHERE uuid = ?", [uuid])  # fmt: skip
    (problem,) = check(b).problems
    assert f"table guard_events, record {uuid}:" in problem
