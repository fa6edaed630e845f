"""Issue 13 point 5: every write reads what it changes inside its write transaction.

Each domain write below runs with SQLite's statement trace on; nothing may be read
from the database before the write's BEGIN IMMEDIATE. A read before it sees the file as
it was before another window's or command's commit, and the write then acts on that
stale picture (two finalizes of one draft gave two sets of corrective actions). One
more test in each package races a second writer in for the worst cases
(tests/inspection/test_rounds.py, test_csv_io.py, tests/summary/test_signing.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from pathlib import Path

import pytest
from sqlite_utils import Database

from core import devices, health, office, plan, users
from core.audit import local_device
from core.db import open_db
from core.restore import new_device_identity
from core.settings import set_setting
from inspection import actions, points, standard, survey
from inspection import rounds as R
from inspection.csv_io import ROUND_COLUMNS, import_rounds
from inspection.demo import fill_demo_plan, fill_demo_rounds, fill_demo_survey
from security import contract, events, indicator
from security import reports as guard_reports
from security.csv_io import GUARD_COLUMNS, import_guard
from security.demo import fill_demo_guard
from summary.signing import sign_annual_summary
from sync.keys import device_key
from sync.receive import import_sync
from sync.send import export_sync
from tests.actors import ADMIN


class Office:
    """A database with one of everything a write may change, and the files to import."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = db = open_db(folder / "office.db")
        self.admin = users.create_user(db, "admin", "", "admin", "long enough 1")
        self.head = users.create_user(db, "head", "", "section_head", "long enough 2")
        users.create_user(db, "somchai", "", "inspector", "long enough 3")
        self.as_admin()
        final = R.start_draft(db, "F1-01", "สมชาย")
        for no in range(1, 21):
            R.set_score(db, final.uuid, no, 1 if no == 1 else 4)
        self.final = R.finalize_round(db, final.uuid)
        self.action = actions.list_actions(db)[0]
        self.draft = R.start_draft(db, "F1-02", "สมชาย")
        self.complete = R.start_draft(db, "F1-03", "สมชาย")
        for no in range(1, 21):
            R.set_score(db, self.complete.uuid, no, 4)
        self.step = plan.plan_for_year(db, 2564)[0]
        theft = events.EventInput(at=time(2, 0), place="ลานจอดรถ", category="theft",
                                 description="กระเป๋าหาย")  # fmt: skip
        self.report = guard_reports.save_report(db, date(2021, 1, 5), "day", "สมศักดิ์", 12, 12,
                                        events=[theft])  # fmt: skip

    def as_admin(self) -> None:
        users.act_as(self.db, self.admin.actor())

    def as_head(self) -> None:
        users.act_as(self.db, self.head.actor())

    def file(self, name: str, text: str) -> Path:
        path = self.folder / name
        path.write_text(text, encoding="utf-8")
        return path

    def sync_file(self) -> Path:
        other = open_db(self.folder / "other.db")
        try:
            fill_demo_survey(other, 2564)
            # Signed by a laptop this office's administrator trusts (issue 14).
            users.act_as(other, ADMIN)
            self.as_admin()
            devices.trust_device(self.db, local_device(other), device_key(other).public_key)
            return export_sync(other, self.folder / "other.srsync").path
        finally:
            other.close()


def _rounds_csv(o: Office) -> Path:
    row = ["F2-01", "2021-03-01", "09:00", "สมชาย", *["4"] * 20, ""]
    return o.file("rounds.csv", ",".join(ROUND_COLUMNS) + "\n" + ",".join(row) + "\n")


def _guard_csv(o: Office) -> Path:
    row = ["2021-02-01", "day", "สมศักดิ์", "12", "12", "", "", "", "", ""]
    return o.file("guard.csv", ",".join(GUARD_COLUMNS) + "\n" + ",".join(row) + "\n")


def _standard_csv(o: Office) -> Path:
    items = "".join(f"{n},H,ข้อ {n},item {n}\n" for n in range(1, 21))
    return o.file("standard.csv", "no,group,th,en\n" + items)


def _head(write: Callable[[Office], object]) -> Callable[[Office], object]:
    def as_head(o: Office) -> object:
        o.as_head()
        return write(o)

    return as_head


WRITES: dict[str, Callable[[Office], object]] = {
    "start_draft": lambda o: R.start_draft(o.db, "F1-04", "สมชาย"),
    "set_score": lambda o: R.set_score(o.db, o.draft.uuid, 1, 3),
    "set_item_note": lambda o: R.set_item_note(o.db, o.draft.uuid, 1, "คราบ"),
    "set_round_note": lambda o: R.set_round_note(o.db, o.draft.uuid, "หมายเหตุ"),
    "finalize_round": lambda o: R.finalize_round(o.db, o.complete.uuid),
    "discard_draft": lambda o: R.discard_draft(o.db, o.draft.uuid),
    "correct_round": lambda o: R.correct_round(o.db, o.final.uuid, "พิมพ์ผิด", "สมชาย"),
    "update_action": lambda o: actions.update_action(
        o.db, o.action.uuid, what="ซ่อม", who="ช่าง", due=None
    ),  # fmt: skip
    # Not before the round that opened it (issue 17): that round is today's, 30 Sep 2564.
    "close_action": lambda o: actions.close_action(o.db, o.action.uuid, date(2021, 9, 30)),
    "set_point_active": lambda o: points.set_point_active(
        o.db, "F5-05", False, date(2021, 9, 1)
    ),  # fmt: skip
    "create_standard_version": lambda o: standard.create_standard_version(o.db, _standard_csv(o)),
    "record_response": lambda o: survey.record_response(
        o.db, date(2021, 1, 4), "F1-01", "public", [5]
    ),  # fmt: skip
    "import_survey": lambda o: survey.import_survey(
        o.db, o.file("survey.csv", "date,point,group,rating\n2021-01-04,F1-01,public,5\n")
    ),
    "save_form": lambda o: survey.save_form(o.db, 2564, None, "แบบใหม่", "New", [("ข้อ", "Q")]),
    "retire_form": lambda o: survey.retire_form(o.db, 2564, "overall"),
    "import_rounds": lambda o: import_rounds(o.db, _rounds_csv(o)),
    "fill_demo_rounds": lambda o: fill_demo_rounds(o.db, 2564),
    "fill_demo_survey": lambda o: fill_demo_survey(o.db, 2564),
    "fill_demo_plan": lambda o: fill_demo_plan(o.db, 2564),
    "fill_demo_guard": _head(lambda o: fill_demo_guard(o.db, 2563)),
    "save_report": lambda o: guard_reports.save_report(
        o.db, date(2021, 1, 6), "day", "สมศักดิ์", 12, 11
    ),
    "correct_report": lambda o: guard_reports.save_report(
        o.db, date(2021, 1, 5), "day", "สมศักดิ์", 12, 11, supersedes=o.report.uuid, reason="นับผิด"
    ),  # fmt: skip
    "classify_event": _head(
        lambda o: indicator.classify_event(o.db, o.report.events[0].uuid, True, "ประมาท")
    ),  # fmt: skip
    "mark_month_checked": _head(lambda o: guard_reports.mark_month_checked(o.db, 2021, 1, "ครบ")),
    "set_contract": lambda o: contract.set_contract(o.db, {"day": (True, 10)}, ["ประตู 1"]),
    "import_guard": lambda o: import_guard(o.db, _guard_csv(o)),
    "sign_annual_summary": _head(lambda o: sign_annual_summary(o.db, 2564)),
    "create_user": lambda o: users.create_user(o.db, "malee", "", "inspector", "long enough 4"),
    "reset_password": lambda o: users.reset_password(o.db, "somchai", "long enough 5"),
    "set_user_active": lambda o: users.set_user_active(o.db, "somchai", False),
    "set_user_role": lambda o: users.set_user_role(o.db, "somchai", "section_head"),
    "set_idle_lock_minutes": lambda o: users.set_idle_lock_minutes(o.db, 12),
    "set_setting": lambda o: set_setting(o.db, "office.name_en", "City Hall"),
    "set_office": lambda o: office.set_office(o.db, code="CH2"),
    "mark_step_done": lambda o: plan.mark_step_done(o.db, o.step.uuid, date(2020, 10, 30)),
    "edit_step": lambda o: plan.edit_step(
        o.db, o.step.uuid, title_th="เตรียม", title_en="Prep", weight=5, cumulative=5, months=[10]
    ),  # fmt: skip
    "plan_for_year (a new year)": lambda o: plan.plan_for_year(o.db, 2565),
    "record an open-check alert": lambda o: health._record_alert(o.db, ["ปัญหา\nproblem"]),
    "acknowledge_alert": lambda o: health.acknowledge_alert(o.db),
    "new_device_identity": lambda o: new_device_identity(o.db),
    "sync export": lambda o: export_sync(o.db, o.folder / "out.srsync"),
    "device_key (first start)": lambda o: device_key(o.db),
    "trust_device": lambda o: devices.trust_device(o.db, OTHER_DEVICE, "ab" * 32),
    "untrust_device": lambda o: devices.untrust_device(o.db, OTHER_DEVICE),
}

OTHER_DEVICE = "0a1b2c3d-0000-4000-8000-00000000000e"


# Reads allowed before the lock, each re-asked under it before anything is written.
ASKED_AGAIN = {
    # Whether the year has a plan: a year that has one is only read (no lock, no wait);
    # a new year is copied under the lock after looking again.
    "plan_for_year (a new year)": ("SELECT uuid, fiscal_year, project, step_no",),
}


def _statements_before_the_lock(db: Database, write: Callable[[], object]) -> list[str] | None:
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        write()
    finally:
        db.conn.set_trace_callback(None)
    before = []
    for sql in seen:
        if sql.startswith("BEGIN IMMEDIATE"):
            return before
        if not sql.startswith("PRAGMA cache_size"):  # a setting of the connection, no data
            before.append(" ".join(sql.split()))
    return None  # it never took the write lock


@pytest.fixture
def arranged(tmp_path: Path) -> Office:
    o = Office(tmp_path)
    yield o
    o.db.close()


@pytest.mark.parametrize("name", list(WRITES))
def test_a_write_reads_nothing_before_it_holds_the_write_lock(arranged: Office, name: str):
    if name == "acknowledge_alert":
        health._record_alert(arranged.db, ["ปัญหา\nproblem"])
    if name == "untrust_device":
        devices.trust_device(arranged.db, OTHER_DEVICE, "ab" * 32)
    before = _statements_before_the_lock(arranged.db, lambda: WRITES[name](arranged))
    assert before is not None, f"{name} wrote nothing"
    allowed = ASKED_AGAIN.get(name, ())
    assert [s for s in before if not s.startswith(allowed or ("\0",))] == []


def test_a_sync_import_reads_nothing_before_it_holds_the_write_lock(arranged: Office):
    path = arranged.sync_file()
    arranged.as_head()
    before = _statements_before_the_lock(arranged.db, lambda: import_sync(arranged.db, path))
    assert before == []
