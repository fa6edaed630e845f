"""Issue 14, the tamper suite: each edit an adversary made with `sqlite3` on a demo year,
which `check` used to pass, is now named by `check` (exit 1), plain and with `--against`
the last backup's head hash.

The edits are those the issue lists: a round finalized in the window changed or deleted,
a failing round edited to 80, a round inserted with no audit row, an imported round's
fiscal year or the round it supersedes changed, a signed guard report's headcount changed
or the report deleted, an incident's classification flipped, a survey answer changed, a
corrective action reopened, the standard's pass total changed from 71 to 1; and two in
columns added since (m018, m019): an incident's day moved into the next fiscal year, a
plan step's English evidence changed; and two of the trust list (m017): a trusted
computer's key replaced by a forger's, a computer trusted by hand (its files would be
merged, its signatures counted).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from cli import run
from core.db import open_db
from core.devices import trust_device
from core.migrations import seed_uuid
from core.users import acting_as
from inspection import rounds as R
from tests.actors import ADMIN

WINDOW = "window"  # rounds finalized on the Round page, one audit row each
TRUSTED = "0a1b2c3d-0000-4000-8000-00000000000a"
STRANGER = "0badc0de-0000-4000-8000-00000000000b"


@pytest.fixture(scope="module")
def demo_year(tmp_path_factory) -> tuple[Path, str]:
    """A demo year, four rounds typed in the window, and the last backup's head hash."""
    folder = tmp_path_factory.mktemp("tamper")
    path = folder / "demo.db"
    assert run(["--db", str(path), "demo", "--fy", "2564"]) == 0
    db = open_db(path)
    for n, code in enumerate(("F1-01", "F2-02", "F3-03", "F4-04")):
        draft = R.start_draft(db, code, "สมชาย", datetime(2021, 9, 20 + n, 9, 0))
        for no in range(1, 21):
            R.set_score(db, draft.uuid, no, 3 if (n, no) == (0, 1) else 4)
        R.finalize_round(db, draft.uuid)
    with acting_as(db, ADMIN):
        trust_device(db, TRUSTED, "ab" * 32)  # another laptop of the office (issue 14)
    db.close()
    from core.backup import backup_to

    db = open_db(path)
    head = backup_to(db, folder / "last-backup.db")
    db.close()
    return path, head


def _one(conn: sqlite3.Connection, sql: str) -> str:
    row = conn.execute(sql).fetchone()
    assert row is not None, sql
    return row[0]


def _window_round(conn: sqlite3.Connection) -> str:
    return _one(conn, "SELECT uuid FROM rounds WHERE audit_batch IS NULL AND status = 'final'"
                      " ORDER BY id LIMIT 1")  # fmt: skip


def _edit_window_scores(conn):
    uuid = _window_round(conn)
    conn.execute("UPDATE rounds SET scores = '00000000000000000000', total = 0, passed = 0"
                 " WHERE uuid = ?", [uuid])  # fmt: skip
    return "rounds", uuid


def _delete_window_round(conn):
    uuid = _window_round(conn)
    conn.execute("DELETE FROM corrective_actions WHERE round_uuid = ?", [uuid])
    conn.execute("DELETE FROM round_notes WHERE round_id = (SELECT id FROM rounds"
                 " WHERE uuid = ?)", [uuid])  # fmt: skip
    conn.execute("DELETE FROM rounds WHERE uuid = ?", [uuid])
    return "rounds", uuid


def _failing_round_to_80(conn):
    uuid = _one(conn, "SELECT uuid FROM rounds WHERE passed = 0 ORDER BY inspected_at DESC")
    conn.execute("UPDATE rounds SET scores = '44444444444444444444', total = 80, passed = 1"
                 " WHERE uuid = ?", [uuid])  # fmt: skip
    return "rounds", uuid


def _insert_passing_rounds(conn):
    """One passing round per point, with no audit row: the year's level rises."""
    conn.execute(
        "INSERT INTO rounds(uuid, point_id, standard_id, inspected_at, fiscal_year, inspector,"
        " status, scores, total, passed, created_at, finalized_at, recorded_by)"
        " SELECT '00000000-0000-4000-8000-' || printf('%012d', id), id, 1, '2021-09-29T16:00',"
        " 2564, 'สมชาย', 'final', '44444444444444444444', 80, 1, '2021-09-29T09:00:00+00:00',"
        " '2021-09-29T09:00:00+00:00', 'somchai' FROM points"
    )
    return "rounds", "00000000-0000-4000-8000-000000000001"


def _imported_round(conn: sqlite3.Connection) -> str:
    return _one(conn, "SELECT uuid FROM rounds WHERE audit_batch IS NOT NULL ORDER BY id")


def _imported_fiscal_year(conn):
    uuid = _imported_round(conn)
    conn.execute("UPDATE rounds SET fiscal_year = 2563 WHERE uuid = ?", [uuid])
    return "rounds", uuid


def _imported_supersedes(conn):
    uuid = _imported_round(conn)
    other = _one(conn, "SELECT uuid FROM rounds WHERE passed = 0 ORDER BY id")
    conn.execute("UPDATE rounds SET supersedes = ? WHERE uuid = ?", [other, uuid])
    return "rounds", uuid


def _report_headcount(conn):
    uuid = _one(conn, "SELECT uuid FROM guard_reports WHERE status = 'signed' ORDER BY id")
    conn.execute("UPDATE guard_reports SET present = present + 5 WHERE uuid = ?", [uuid])
    return "guard_reports", uuid


def _report_deleted(conn):
    uuid = _one(conn, "SELECT r.uuid FROM guard_reports r JOIN guard_events e"
                      " ON e.report_id = r.id ORDER BY r.id")  # fmt: skip
    conn.execute("DELETE FROM guard_events WHERE report_id = (SELECT id FROM guard_reports"
                 " WHERE uuid = ?)", [uuid])  # fmt: skip
    conn.execute("DELETE FROM guard_reports WHERE uuid = ?", [uuid])
    return "guard_reports", uuid


def _classification_flipped(conn):
    uuid = _one(conn, "SELECT uuid FROM guard_events WHERE counts IS NOT NULL ORDER BY id")
    conn.execute("UPDATE guard_events SET counts = 1 - counts WHERE uuid = ?", [uuid])
    return "guard_events", uuid


def _survey_answer(conn):
    uuid = _one(conn, "SELECT uuid FROM survey_responses WHERE satisfied = 0 ORDER BY id")
    conn.execute("UPDATE survey_responses SET ratings = '5', satisfied = 1, form = 'overall'"
                 " WHERE uuid = ?", [uuid])  # fmt: skip
    return "survey_responses", uuid


def _action_reopened(conn):
    uuid = _one(conn, "SELECT uuid FROM corrective_actions WHERE closed_date IS NOT NULL")
    conn.execute("UPDATE corrective_actions SET closed_date = NULL WHERE uuid = ?", [uuid])
    return "corrective_actions", uuid


def _pass_total(conn):
    conn.execute("UPDATE standards SET pass_total = 1 WHERE version = 1")
    return "standards", seed_uuid("standard", 1)


def _incident_moved_to_next_year(conn):
    """A counted incident's day moved past 30 September: the year's count drops by one."""
    uuid = _one(conn, "SELECT uuid FROM guard_events WHERE counts = 1 ORDER BY id")
    conn.execute("UPDATE guard_events SET occurred_on = '2021-10-01', fiscal_year = 2565"
                 " WHERE uuid = ?", [uuid])  # fmt: skip
    return "guard_events", uuid


def _evidence_en_changed(conn):
    uuid = _one(conn, "SELECT uuid FROM plan_steps WHERE done_date IS NOT NULL ORDER BY id")
    conn.execute("UPDATE plan_steps SET evidence_en = 'Signed minutes' WHERE uuid = ?", [uuid])
    return "plan_steps", uuid


def _trusted_key_replaced(conn):
    """The key a trusted laptop's files must be signed with, swapped for a forger's."""
    conn.execute("UPDATE trusted_devices SET public_key = ? WHERE device_id = ?",
                 ["cd" * 32, TRUSTED])  # fmt: skip
    return "trusted_devices", TRUSTED


def _computer_trusted_by_hand(conn):
    conn.execute(
        "INSERT INTO trusted_devices(device_id, public_key, trusted_at, trusted_by)"
        " VALUES (?, ?, '2021-09-30T00:00:00+00:00', 'admin')",
        [STRANGER, "ef" * 32],
    )
    return "trusted_devices", STRANGER


EDITS: dict[str, Callable[[sqlite3.Connection], tuple[str, str]]] = {
    "window round's scores changed": _edit_window_scores,
    "window round deleted": _delete_window_round,
    "failing round edited to 80": _failing_round_to_80,
    "round inserted with no audit row": _insert_passing_rounds,
    "imported round's fiscal_year changed": _imported_fiscal_year,
    "imported round's supersedes changed": _imported_supersedes,
    "signed report's headcount changed": _report_headcount,
    "signed report deleted": _report_deleted,
    "incident classification flipped": _classification_flipped,
    "survey answer changed": _survey_answer,
    "corrective action reopened": _action_reopened,
    "standard's pass total 71 -> 1": _pass_total,
    # Columns added since issue 14 (m018, m019): under the chain as well.
    "incident moved to the next fiscal year": _incident_moved_to_next_year,
    "plan step's English evidence changed": _evidence_en_changed,
    # The trust list (m017): which computers' files and signatures count here.
    "trusted computer's key replaced": _trusted_key_replaced,
    "computer trusted by hand": _computer_trusted_by_hand,
}


def _score(path: Path, capsys) -> dict:
    capsys.readouterr()
    assert run(["--db", str(path), "score", "--fy", "2564", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_check_names_each_edit_made_outside_the_app(demo_year, edit, tmp_path, capsys) -> None:
    source, head = demo_year
    path = tmp_path / "copy.db"
    shutil.copy(source, path)
    capsys.readouterr()
    assert run(["--db", str(path), "check"]) == 0
    conn = sqlite3.connect(path)
    table, record = EDITS[edit](conn)
    conn.commit()
    conn.close()
    for args in (["check"], ["check", "--against", head]):
        capsys.readouterr()
        assert run(["--db", str(path), *args]) == 1, args
        out = capsys.readouterr().out
        assert f"table {table}, record {record}:" in out, (args, out)
        assert f"ตาราง {table} รายการ {record}:" in out


def test_the_edits_change_what_the_office_signs(demo_year, tmp_path, capsys) -> None:
    """Why they matter: a failing round edited to 80 or rounds inserted move the score."""
    source, _ = demo_year
    before = _score(source, capsys)
    for name in ("failing round edited to 80", "round inserted with no audit row"):
        path = tmp_path / f"{name}.db"
        shutil.copy(source, path)
        conn = sqlite3.connect(path)
        EDITS[name](conn)
        conn.commit()
        conn.close()
        after = _score(path, capsys)
        assert after["restrooms"]["points_passing"] > before["restrooms"]["points_passing"]
