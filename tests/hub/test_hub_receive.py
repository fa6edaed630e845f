"""`hub receive` (issue 18 point 2): checked like `sync import`, merged by the laptop's rules,
one transaction per file; twice changes nothing; two receivers at once lose nothing."""

from __future__ import annotations

import json
import threading
import zipfile
from datetime import date, datetime

import psycopg
import pytest

from cli import run
from core.errors import InvalidInput
from hub.intake import trust_list
from hub.merge import receive_file
from sync.fileformat import read_sync_file
from tests.hub.hub_helpers import count, export, hub_state, laptop
from tests.sync.sync_helpers import forge, key_of, rewrite


@pytest.fixture
def hub(initialised_hub: str, copy_of) -> str:
    """A hub `hub init` made (a copy of the session's)."""
    return copy_of(initialised_hub)


@pytest.fixture(scope="module")
def bang_rak(tmp_path_factory):
    """One office's laptop with a demo year, and its sync file."""
    import core.calendar
    from tests.conftest import PINNED_NOW

    saved = core.calendar.clock
    core.calendar.clock = lambda: PINNED_NOW
    try:
        folder = tmp_path_factory.mktemp("d04")
        db = laptop(folder, "D04")
        yield db, export(db, folder / "d04.srsync")
    finally:
        core.calendar.clock = saved


def test_a_trusted_computer_s_year_is_received_whole_and_a_second_time_changes_nothing(
    hub, bang_rak, capsys
) -> None:
    db, path = bang_rak
    assert run(["hub", "trust", "--pg", hub, str(path)]) == 0
    assert run(["hub", "receive", "--pg", hub, str(path)]) == 0
    out = capsys.readouterr().out
    assert "d04.srsync" in out
    from sqlite_utils import Database

    laptop_db = Database(db)
    for table in ("rounds", "guard_reports", "guard_events", "survey_responses",
                  "corrective_actions", "points"):  # fmt: skip
        assert count(hub, "D04", table) == laptop_db[table].count, table
    before = hub_state(hub)
    assert run(["hub", "receive", "--pg", hub, str(path)]) == 0
    assert hub_state(hub) == before


def test_a_computer_not_trusted_at_the_hub_is_refused_and_nothing_changes(
    hub, bang_rak, tmp_path, capsys
) -> None:
    _, path = bang_rak
    before = hub_state(hub)
    assert run(["hub", "receive", "--pg", hub, str(path)]) == 2
    captured = capsys.readouterr()
    err = captured.err
    assert "ยังไม่ได้รับความไว้วางใจ" in err and "not trusted at the hub" in err
    assert "Traceback" not in err
    assert hub_state(hub) == before
    # The summary said "1 of 1 files refused (the others were received)": there were none.
    assert captured.out.splitlines()[-2:] == [
        "ไม่รับไฟล์ใดเลย (ทั้ง 1 ไฟล์ถูกปฏิเสธ)",
        "no file was received (all 1 refused)",
    ]


def test_a_computer_trusted_for_another_office_is_refused(hub, bang_rak, tmp_path) -> None:
    _, path = bang_rak
    other = laptop(tmp_path, "D07", demo=False)
    assert run(["hub", "trust", "--pg", hub, str(export(other, tmp_path / "d07.srsync"))]) == 0
    # The D04 file, its manifest rewritten to claim office D07 and D07's computer.
    forged = tmp_path / "forged.srsync"
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    with zipfile.ZipFile(tmp_path / "d07.srsync") as zf:
        d07 = json.loads(zf.read("manifest.json"))
    manifest = json.loads(parts["manifest.json"])
    manifest["office"] = d07["office"]
    # Signed again with the D04 computer's own key: it verifies, and is still refused.
    rewrite(path, forged, manifest=manifest, key=key_of(bang_rak[0]))
    before = hub_state(hub)
    assert run(["hub", "receive", "--pg", hub, str(forged)]) == 2
    assert hub_state(hub) == before


def test_a_damaged_file_is_refused_as_sync_import_refuses_it(hub, bang_rak, tmp_path, capsys):
    _, path = bang_rak
    assert run(["hub", "trust", "--pg", hub, str(path)]) == 0
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged = tmp_path / "damaged.srsync"
    damaged.write_bytes(bytes(data))
    before = hub_state(hub)
    assert run(["hub", "receive", "--pg", hub, str(damaged)]) == 2
    err = capsys.readouterr().err
    assert "ไม่มีการเปลี่ยนแปลงข้อมูลใด ๆ" in err and "nothing was changed" in err
    assert hub_state(hub) == before


def test_a_record_the_domain_rejects_refuses_the_whole_file(hub, bang_rak, tmp_path) -> None:
    """A round whose pass does not follow from its scores, the SHA-256 recomputed: refused
    by sync.receive.check_content at the hub too, and nothing of the file goes in."""
    db, path = bang_rak
    assert run(["hub", "trust", "--pg", hub, str(path)]) == 0

    def passed(content: dict) -> None:
        rnd = next(r for r in content["rounds"] if r["passed"] == 0)
        rnd["passed"] = 1

    hostile = tmp_path / "hostile.srsync"
    # Signed with the laptop's own key (issue 14): only the record checks can refuse it.
    forge(path, hostile, passed, key=key_of(db))
    before = hub_state(hub)
    assert run(["hub", "receive", "--pg", hub, str(hostile)]) == 2
    assert hub_state(hub) == before


def test_two_receivers_at_once_neither_lose_nor_double_a_record(hub, bang_rak, tmp_path):
    db, path = bang_rak
    assert run(["hub", "trust", "--pg", hub, str(path)]) == 0
    # A second file of the same office holding the same records (made a moment later).
    again = export(db, tmp_path / "again.srsync")
    results, errors = [], []

    def receive(p) -> None:
        try:
            with psycopg.connect(hub, autocommit=True) as conn:
                results.append(receive_file(conn, p, trust_list(conn)))
        except Exception as exc:  # noqa: BLE001 - the assertion below names it
            errors.append(exc)

    threads = [threading.Thread(target=receive, args=(p,)) for p in (path, again, path)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []

    held = read_sync_file(again, trusted={}, accept_new=True).content
    for kind, table in (
        ("rounds", "rounds"),
        ("actions", "corrective_actions"),
        ("survey_responses", "survey_responses"),
        ("guard_reports", "guard_reports"),
        ("points", "points"),
        ("survey_questions", "survey_questions"),
        ("audit", "audit_log"),
    ):
        assert count(hub, "D04", table) == len(held[kind]), kind
    events = sum(len(r["events"]) for r in held["guard_reports"])
    assert count(hub, "D04", "guard_events") == events
    assert sum(1 for r in results if r.already_imported) == 1
    assert sum(r.added.get("rounds", 0) for r in results) == len(held["rounds"])


def test_the_hub_trusts_a_computer_with_the_key_its_files_are_signed_with(hub, bang_rak):
    """Issue 14 at the hub: `hub trust` records the key that signed the file and its
    fingerprint (what the laptop's Sync page shows), and `check_file` verifies every file
    with that key."""
    db, path = bang_rak
    key = key_of(db)
    assert run(["hub", "trust", "--pg", hub, str(path)]) == 0
    with psycopg.connect(hub, autocommit=True) as conn:
        (entry,) = trust_list(conn).values()
    assert (entry.public_key, entry.fingerprint) == (key.public_key, key.fingerprint)


@pytest.mark.parametrize("signing", ["another_key", "unsigned", "claims_another_key"])
def test_a_file_not_signed_by_the_key_the_hub_trusts_is_refused(
    hub, bang_rak, tmp_path, capsys, signing
) -> None:
    """The trusted computer's file, re-signed by someone else (with the trusted key in
    the manifest, or the forger's own), or not signed at all: refused, nothing changes."""
    from core.db import open_db
    from sync.keys import device_key

    db, path = bang_rak
    assert run(["hub", "trust", "--pg", hub, str(path)]) == 0
    mallory = open_db(tmp_path / "mallory.db")
    forger = device_key(mallory)
    mallory.close()
    forged = tmp_path / "forged.srsync"
    if signing == "unsigned":
        rewrite(path, forged, key=None)
    elif signing == "another_key":
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
        rewrite(path, forged, manifest=manifest, key=forger)  # the trusted key named
    else:
        forge(path, forged, lambda c: None, key=forger,
              manifest_changes={"public_key": forger.public_key})  # fmt: skip
    before = hub_state(hub)
    capsys.readouterr()
    assert run(["hub", "receive", "--pg", hub, str(forged)]) == 2
    err = capsys.readouterr().err
    assert "signature" in err and "Traceback" not in err
    assert hub_state(hub) == before


def test_a_computer_trusted_before_files_were_signed_is_trusted_again_with_its_key(
    hub, bang_rak, capsys
) -> None:
    """An entry of the hub's list that names no key (made before issue 14) accepts no
    file: `hub trust` on one of the computer's files records its key, then it does."""
    db, path = bang_rak
    assert run(["hub", "trust", "--pg", hub, str(path)]) == 0
    with psycopg.connect(hub, autocommit=True) as conn:
        conn.execute("UPDATE hub.trust SET public_key = NULL, fingerprint = NULL")
    capsys.readouterr()
    assert run(["hub", "receive", "--pg", hub, str(path)]) == 2
    assert "not trusted at the hub" in capsys.readouterr().err
    assert run(["hub", "trust", "--pg", hub, str(path)]) == 0
    assert key_of(db).fingerprint in capsys.readouterr().out
    assert run(["hub", "receive", "--pg", hub, str(path)]) == 0


# --- the record gate (issue 14 at the hub): a record only with the audit row that records it


def _flip_a_classification(content: dict) -> str:
    """The first classified event's decision flipped (a theft that counted, now not): it
    passes every check of its kind, and only the audit row that classified it can tell."""
    for rep in content["guard_reports"]:
        for ev in rep["events"]:
            if ev["counts"] == 1:
                ev["counts"] = 0
                return ev["uuid"]
    raise AssertionError("the demo year classifies events")


def _altered(bang_rak, tmp_path) -> tuple:
    """The D04 file with one record changed after its audit row, re-signed with the D04
    computer's own key (the file verifies; only the gate can refuse it)."""
    db, path = bang_rak
    changed: list[str] = []
    hostile = tmp_path / "altered.srsync"
    forge(path, hostile, lambda c: changed.append(_flip_a_classification(c)), key=key_of(db))
    return hostile, changed[0]


def test_a_record_altered_after_its_audit_row_is_refused_naming_record_and_field(
    hub, bang_rak, tmp_path, capsys
) -> None:
    _, path = bang_rak
    assert run(["hub", "trust", "--pg", hub, str(path)]) == 0
    hostile, event = _altered(bang_rak, tmp_path)
    before = hub_state(hub)
    capsys.readouterr()
    assert run(["hub", "receive", "--pg", hub, str(hostile)]) == 2
    err = capsys.readouterr().err
    assert f"guard_events {event}" in err and "Traceback" not in err
    # Thai and English, the field the classifying row states otherwise named in both.
    assert "ไม่ตรงกับที่เครื่องต้นทางบันทึกไว้" in err and "ช่อง นับเป็นเหตุร้าย (counts)" in err
    assert "differs from what its computer recorded" in err and "field counts" in err
    assert "ไม่มีการเปลี่ยนแปลงข้อมูลใด ๆ" in err and "nothing was changed" in err
    assert hub_state(hub) == before


def test_a_bulk_round_moved_to_another_year_is_refused_at_the_hub(hub, bang_rak, tmp_path):
    """A round written in bulk (its batch row holds only digests): the record is named."""
    db, path = bang_rak
    assert run(["hub", "trust", "--pg", hub, str(path)]) == 0
    moved: list[str] = []

    def year_before(content: dict) -> None:
        rnd = content["rounds"][0]
        # Its date moved with it, so the round passes its own checks (sync.validate).
        rnd["fiscal_year"], rnd["inspected_at"] = 2563, "2020-09-30T09:00"
        moved.append(rnd["uuid"])

    hostile = tmp_path / "moved.srsync"
    forge(path, hostile, year_before, key=key_of(db))
    before = hub_state(hub)
    with psycopg.connect(hub, autocommit=True) as conn:
        with pytest.raises(InvalidInput) as err:
            receive_file(conn, hostile, trust_list(conn))
    assert f"rounds {moved[0]}" in err.value.en and f"rounds {moved[0]}" in err.value.th
    assert hub_state(hub) == before


def test_an_altered_copy_of_a_record_the_hub_holds_is_refused(hub, bang_rak, tmp_path) -> None:
    """The hub already holds the office's year: the same file with a round altered and
    signed again was 'received', its altered round skipped as already here (review)."""
    db, path = bang_rak
    assert run(["hub", "trust", "--pg", hub, str(path)]) == 0
    assert run(["hub", "receive", "--pg", hub, str(path)]) == 0

    def noted(content: dict) -> None:
        content["rounds"][0]["note"] = "แก้ภายหลัง"

    hostile = tmp_path / "noted.srsync"
    forge(path, hostile, noted, key=key_of(db))
    before = hub_state(hub)
    with psycopg.connect(hub, autocommit=True) as conn:
        with pytest.raises(InvalidInput) as err:
            receive_file(conn, hostile, trust_list(conn))
    assert "differs from what its computer recorded" in err.value.en
    assert hub_state(hub) == before


def test_the_same_altered_file_is_refused_by_a_laptop_and_by_the_hub(
    hub, bang_rak, tmp_path, capsys, monkeypatch
) -> None:
    """One decision, two engines: `sync import` on a laptop of the office (its
    administrator trusting the D04 computer in the same command) and `hub receive`
    refuse the file alike, and neither keeps anything of it."""
    from tests.sync.sync_helpers import file_state

    _, path = bang_rak
    hostile, event = _altered(bang_rak, tmp_path)
    other = laptop(tmp_path, "D04", demo=False)
    monkeypatch.setenv("SALA_PASSWORD", "password1")
    from core.db import open_db

    receiver = open_db(other)
    state = file_state(receiver)
    receiver.close()
    capsys.readouterr()
    cmd = ["--db", str(other), "--user", "admin", "sync", "import", str(hostile), "--trust"]
    assert run(cmd) == 2
    on_laptop = capsys.readouterr().err
    receiver = open_db(other)
    assert file_state(receiver) == state
    receiver.close()
    assert run(["hub", "trust", "--pg", hub, str(path)]) == 0
    before = hub_state(hub)
    capsys.readouterr()
    assert run(["hub", "receive", "--pg", hub, str(hostile)]) == 2
    at_hub = capsys.readouterr().err
    assert hub_state(hub) == before
    for err in (on_laptop, at_hub):
        assert f"guard_events {event}" in err and "field counts" in err, err
        assert "differs from what its computer recorded" in err
    # The same words: the refusal is made by one function (sync.rules.RecordGate).
    assert on_laptop.strip().splitlines()[-1] == at_hub.strip().splitlines()[-1]


def test_a_record_whose_audit_row_is_missing_is_held_back_until_it_arrives(
    hub, tmp_path, capsys, monkeypatch
) -> None:
    """A file made with --since, its computer's earlier rows never received here: the
    chain waits from the gap on, and the round recorded after it waits with its row; the
    full file brings both, as on a laptop (tests/sync/test_sync_exchange.py)."""
    import core.audit
    from core.db import open_db
    from core.users import act_as
    from inspection import rounds as R
    from sync.send import export_sync
    from tests.actors import HEAD
    from tests.sync.sync_helpers import add_rounds

    class LongAgo(core.audit.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(2021, 1, 4, 2, 0, tzinfo=tz)

    # A laptop set up long ago, a round written then (rows and records stamped then), and
    # one written today.
    monkeypatch.setattr(R, "_stamp", lambda: "2021-01-04T02:00:00+00:00")
    monkeypatch.setattr(core.audit, "datetime", LongAgo)
    path = laptop(tmp_path, "D04", demo=False)
    db = open_db(path)
    act_as(db, HEAD)
    good = [4] * 20
    (old,) = add_rounds(db, [("F1-01", datetime(2021, 1, 4, 9, 0), "สมชาย", good)])
    monkeypatch.undo()
    (new,) = add_rounds(db, [("F1-02", datetime(2021, 9, 1, 9, 0), "สมชาย", good)])
    since = tmp_path / "since.srsync"
    export_sync(db, since, date(2021, 6, 1))
    full = tmp_path / "full.srsync"
    export_sync(db, full)
    db.close()

    assert run(["hub", "trust", "--pg", hub, str(since)]) == 0
    capsys.readouterr()
    assert run(["hub", "receive", "--pg", hub, str(since)]) == 0
    out = capsys.readouterr().out
    assert "held back until their audit rows arrive" in out and "รอประวัติ" in out
    with psycopg.connect(hub) as conn:
        held = conn.execute("SELECT uuid FROM office_d04.rounds").fetchall()
        (detail,) = conn.execute("SELECT detail FROM hub.receipts").fetchone()
    # The points the round names wait too: the rows that recorded them are before the gap.
    assert held == [] and json.loads(detail)["held_back_records"]["rounds"] == 1
    assert run(["hub", "receive", "--pg", hub, str(full)]) == 0
    with psycopg.connect(hub) as conn:
        got = {r[0] for r in conn.execute("SELECT uuid FROM office_d04.rounds")}
    assert got == {old, new}
    assert run(["hub", "check", "--pg", hub]) == 0
