"""Issue 14 point 1: every fact that feeds a score, a report or a decision is under the
audit chain; `check` proves each record covered by the latest row that names it."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, time
from pathlib import Path

from sqlite_utils import Database

from core.audit import AuditRow, expected_hash, rows, verify_chain
from core.coverage import problems, recover
from core.db import open_db, transaction
from core.devices import bind_device, trust_device, untrust_device
from core.integrity import check
from core.migrations import MIGRATIONS
from core.office import set_office
from core.plan import edit_step, mark_step_done, plan_for_year
from core.records import COVERED, ROUNDS, covering, table_columns
from core.restore import new_device_identity
from core.settings import set_setting
from core.users import (
    Actor,
    act_as,
    create_user,
    os_actor,
    reset_password,
    set_user_active,
    set_user_role,
)
from inspection import rounds as R
from inspection.actions import close_action, list_actions, update_action
from inspection.csv_io import import_rounds
from inspection.demo import fill_demo_plan, fill_demo_rounds, fill_demo_survey
from inspection.points import set_point_active
from inspection.standard import create_standard_version
from inspection.survey import import_survey, record_response, retire_form, save_form
from security.contract import set_contract
from security.csv_io import GUARD_COLUMNS, import_guard
from security.demo import fill_demo_guard
from security.events import EventInput
from security.indicator import classify_event
from security.post_names import set_post_names_en
from security.reports import mark_month_checked, save_report
from sync.keys import device_key
from tests.actors import ADMIN, HEAD, INSPECTOR


def _round(db: Database, code: str, scores: list[int], when: datetime) -> R.Round:
    draft = R.start_draft(db, code, "สมชาย", when)
    for no, score in enumerate(scores, start=1):
        R.set_score(db, draft.uuid, no, score)
    return R.finalize_round(db, draft.uuid)


GUARD_ROWS = [
    "2021-01-04,day,วิชัย,12,11,10:15,ลานจอดรถ,theft,yes,รถจักรยานยนต์ถูกขโมย",
    "2021-01-04,night,ประเสริฐ,8,8,02:30,ลานคนเมือง,found,,พบกระเป๋า",
]


def test_every_action_that_writes_a_record_covers_it(db, tmp_path) -> None:
    """Each way the app writes a described record, one after another, by whoever may take
    it (window or command line): `check` stays clean."""
    act_as(db, INSPECTOR)
    first = _round(db, "F1-01", [1] + [4] * 19, datetime(2021, 3, 1, 9, 0))  # opens an action
    # A correction that leaves item 1 failing carries its action over (issue 17)...
    fix = R.correct_round(db, first.uuid, "ข้อ 2 บันทึกผิด", "สมชาย")
    R.set_score(db, fix.uuid, 2, 3)
    R.finalize_round(db, fix.uuid)
    (action,) = list_actions(db)
    update_action(db, action.uuid, what="ซ่อมสายฉีด", who="ช่าง", due="2021-03-10")
    close_action(db, action.uuid, "2021-03-09")
    # ... and one that makes it pass closes it as resolved by the correction.
    third = _round(db, "F1-03", [1] + [4] * 19, datetime(2021, 3, 1, 10, 0))
    fix = R.correct_round(db, third.uuid, "ข้อ 1 บันทึกผิด", "สมชาย")
    R.set_score(db, fix.uuid, 1, 4)
    R.finalize_round(db, fix.uuid)
    # The command line's correct-round: a correction in one step.
    second = _round(db, "F1-02", [4] * 20, datetime(2021, 3, 2, 9, 0))
    R.correct_with_scores(db, second.uuid, "คะแนนข้อ 2 ผิด", [4, 3] + [4] * 18, "สมชาย")
    # Data entry from the command line, as the operating-system account.
    act_as(db, os_actor("clerk"))
    csv = tmp_path / "rounds.csv"
    items = ",".join(["4"] * 19)
    csv.write_text(
        "point,date,time,inspector,"
        + ",".join(f"i{n}" for n in range(1, 21))
        + ",note\nF2-01,2021-04-01,09:00,สมศรี,1,"
        + items
        + ",\n",
        encoding="utf-8",
    )
    import_rounds(db, csv)
    fill_demo_rounds(db, 2564)
    fill_demo_survey(db, 2564)
    fill_demo_plan(db, 2564)  # as the demo's invented section head
    fill_demo_guard(db, 2563)  # classified by it too
    record_response(db, "2021-03-02", "F1-01", "public", [5])
    survey = tmp_path / "survey.csv"
    survey.write_text("date,point,group,rating\n2021-03-03,,official,4\n", encoding="utf-8")
    import_survey(db, survey)
    act_as(db, HEAD)
    theft = EventInput(time(10, 0), "ลานจอดรถ", "theft", "จักรยานหาย")
    report = save_report(db, "2021-03-03", "day", "วิชัย", 12, 11, events=[theft])
    classify_event(db, report.events[0].uuid, True, "ยามไม่อยู่ประจำจุด")
    save_report(db, "2021-03-03", "day", "วิชัย", 12, 12, events=list(report.events and [theft]),
                supersedes=report.uuid, reason="นับคนผิด")  # fmt: skip
    # A night event after midnight happened the next day (its own record of the day).
    late = EventInput(time(2, 0), "ลานจอดรถ", "damage", "กระจกแตก")
    save_report(db, "2021-03-03", "night", "ประเสริฐ", 8, 8, events=[late])
    guard_csv = tmp_path / "guard.csv"
    guard_csv.write_text("\n".join([",".join(GUARD_COLUMNS), *GUARD_ROWS]) + "\n",
                         encoding="utf-8")  # fmt: skip
    import_guard(db, guard_csv)
    mark_month_checked(db, 2021, 3, "ครบตามสัญญา")
    form = save_form(db, 2564, None, "แบบใหม่", "New form", [("ข้อ 1", "Q 1"), ("ข้อ 2", "Q 2")])
    save_form(db, 2564, form.form.key, "แบบใหม่", "New form", [("ข้อ 1", "Q 1")])  # in place
    record_response(db, "2021-09-02", None, "public", [5], form.form.key)
    save_form(db, 2564, form.form.key, "แบบใหม่ 2", "New form 2", [("ข้อ 1", "Q 1")])  # version
    retire_form(db, 2565, "overall")  # the next year gets copies of its own first
    steps = plan_for_year(db, 2565)  # a new year's plan, copied
    edit_step(db, steps[0].uuid, title_th="เตรียมการ", title_en="Prepare", weight=5,
              cumulative=5, months=[10])  # fmt: skip
    mark_step_done(db, steps[0].uuid, "2021-09-01", "บันทึก")
    mark_step_done(db, steps[0].uuid, "2021-09-01", "บันทึก", "Minutes")  # English evidence
    set_point_active(db, "F5-05", False, "2021-06-30")
    set_point_active(db, "F5-05", True, "2021-08-01")  # the section head's `point activate`
    act_as(db, ADMIN)
    items_csv = tmp_path / "items.csv"
    items_csv.write_text(
        "no,group,th,en\n" + "".join(f"{n},H,ข้อ {n},item {n}\n" for n in range(1, 21)),
        encoding="utf-8",
    )
    create_standard_version(db, items_csv)
    create_user(db, "admin", "", "admin", "correct horse")
    create_user(db, "somchai", "", "inspector", "correct horse")  # the CLI's `user add`
    set_user_role(db, "somchai", "section_head")
    reset_password(db, "somchai", "another horse")
    set_user_active(db, "somchai", False)
    set_setting(db, "office_code", "10100")
    set_office(db, code="D04", name_th="สำนักงานเขตบางรัก", name_en="Bang Rak District Office",
               head_name_th="นางสาวสมใจ ใจดี")  # fmt: skip
    set_contract(db, {"day": (True, 10), "night": (True, 6)}, ["ประตูหลัก"],
                 hours={"night": ("22:00", "06:00")})  # fmt: skip
    set_post_names_en(db, {"ประตูหลัก": "Back gate"})
    # The trust list (issue 14): this computer's key made, another computer trusted, its
    # restored copy bound by its key, and the first no longer trusted.
    device_key(db)
    trust_device(db, OTHER, "ab" * 32)
    bind_device(db, OTHER_RESTORED, "ab" * 32)
    untrust_device(db, OTHER)
    new_device_identity(db, before={"kept_as": "x.db"}, after={"from": "y.db"})  # a restore
    result = check(db)
    assert result.ok, result.problems


OTHER = "0a1b2c3d-0000-4000-8000-000000000001"
OTHER_RESTORED = "0a1b2c3d-0000-4000-8000-000000000002"


def test_rows_carry_the_role_and_where_the_action_came_from(db) -> None:
    act_as(db, Actor("head", "section_head", via="cli"))
    set_setting(db, "office_code", "10100")
    (row,) = rows(db, kind="setting", limit=1)
    assert (row.actor, row.role, row.via, row.format) == ("head", "section_head", "cli", 2)
    assert json.loads(row.covers) == covering(db, settings=["office_code"]).entries
    # The role and the source are under the row's hash: changing either breaks the chain.
    db.execute("UPDATE audit_log SET role = 'admin' WHERE id = ?", [row.id])
    assert verify_chain(db).first_bad_id == row.id


def test_rows_of_the_first_format_still_verify_by_their_formula(tmp_path) -> None:
    from core.audit import GENESIS, row_hash

    path = tmp_path / "old.db"
    old = Database(sqlite3.connect(path, isolation_level=None))
    MIGRATIONS.apply(old, stop_before="m016_records_under_the_chain")
    values = ["2021-01-01T00:00:00", "somchai", "set", "setting", "k", "null", '"1"']
    h = row_hash(GENESIS, *values)
    old.execute(
        "INSERT INTO audit_log(at, actor, action, kind, record_uuid, before, after, prev_hash,"
        " hash, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT value FROM meta"
        " WHERE key = 'device_id'))",
        [*values, GENESIS, h],
    )
    old.close()
    db = open_db(path)
    first = AuditRow(*db.execute("SELECT * FROM audit_log ORDER BY id LIMIT 1").fetchone())
    assert first.format == 1 and first.hash == expected_hash(first, GENESIS) == h
    later = [AuditRow(*r) for r in db.execute("SELECT * FROM audit_log WHERE id > 1")]
    assert {r.format for r in later} == {2} and check(db).ok


def _file_at(path: Path, before: str) -> Database:
    old = Database(sqlite3.connect(path, isolation_level=None))
    MIGRATIONS.apply(old, stop_before=before)
    return old


def test_an_upgraded_file_checks_clean_and_its_records_are_covered(tmp_path) -> None:
    """m016 covers what an older file holds (rounds by the window and by import, reports,
    answers, users) with baseline rows, so the upgraded file checks clean; an edit made
    outside the app afterwards is named."""
    path = tmp_path / "old.db"
    old = _file_at(path, "m016_records_under_the_chain")
    old.close()
    # Records as the app before m016 wrote them (no digest anywhere), straight into the
    # old schema.
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO rounds(uuid, point_id, standard_id, inspected_at, fiscal_year, inspector,"
        " status, scores, total, passed, created_at, finalized_at, recorded_by)"
        " VALUES ('00000000-0000-4000-8000-000000000001', 1, 1, '2021-03-01T09:00', 2564,"
        " 'สมชาย', 'final', '44444444444444444444', 80, 1, 'x', 'x', 'somchai')"
    )
    conn.execute(
        "INSERT INTO guard_reports(uuid, day, fiscal_year, shift, supervisor, required, present,"
        " status, created_at) VALUES ('00000000-0000-4000-8000-000000000002', '2021-03-01',"
        " 2564, 'day', 'วิชัย', 12, 12, 'signed', 'x')"
    )
    conn.commit()
    conn.close()
    db = open_db(path)
    assert check(db).ok
    baselines = db.execute(
        "SELECT record_uuid FROM audit_log WHERE kind = 'baseline' ORDER BY id"
    ).fetchall()
    assert ("rounds",) in baselines and ("guard_reports",) in baselines
    (batch,) = db.execute("SELECT audit_batch FROM rounds").fetchone()
    assert db.execute("SELECT record_uuid FROM audit_log WHERE id = ?", [batch]).fetchone() == (
        "rounds",
    )
    db.execute("UPDATE guard_reports SET present = 2")
    (problem,) = check(db).problems
    assert "guard_reports" in problem and "00000000-0000-4000-8000-000000000002" in problem
    db.close()


def test_a_file_left_at_every_earlier_migration_upgrades_and_checks_clean(tmp_path) -> None:
    from core.migrations import migration_names

    for name in migration_names()[1:]:
        path = tmp_path / f"{name}.db"
        _file_at(path, name).close()
        db = open_db(path)
        assert check(db).ok, (name, check(db).problems)
        db.close()


_NIGHT_REPORT = (
    "INSERT INTO guard_reports(uuid, day, fiscal_year, shift, supervisor, required, present,"
    " status, created_at) VALUES ('00000000-0000-4000-8000-000000000003', '2021-09-30', 2564,"
    " 'night', 'ประเสริฐ', 8, 8, 'signed', 'x')"
)


def _night_events(conn: sqlite3.Connection) -> None:
    """Two events on the night report of 30 September, one after midnight (written as the
    app before m018 wrote them: no day of their own)."""
    conn.execute(_NIGHT_REPORT)
    for n, at in ((4, "23:00"), (5, "02:00")):
        conn.execute(
            "INSERT INTO guard_events(uuid, report_id, at, place, category, description)"
            f" VALUES ('00000000-0000-4000-8000-00000000000{n}', (SELECT id FROM guard_reports"
            f" WHERE uuid = '00000000-0000-4000-8000-000000000003'), '{at}', 'ลานจอดรถ', 'theft',"
            " 'หาย')"
        )


def test_m018_and_m019_after_m016_cover_their_new_columns_again_but_no_outside_edit(
    tmp_path,
) -> None:
    """A file of m016 (records under the chain) that m018 and m019 then fill: the events'
    days, the shifts' hours, the posts' English names and the steps' English evidence are
    covered again where the records still matched their rows; an event edited outside the
    app before the upgrade is still named after it."""
    path = tmp_path / "old.db"
    old = _file_at(path, "m016_records_under_the_chain")
    _night_events(old.conn)
    MIGRATIONS.apply(old, stop_before="m018_event_moments")  # m016: baseline rows
    old.execute("UPDATE guard_events SET place = 'ประตูหลัก' WHERE at = '23:00'")
    old.close()
    db = open_db(path)
    days = dict(db.execute("SELECT at, occurred_on || ' ' || fiscal_year FROM guard_events"))
    assert days == {"23:00": "2021-09-30 2564", "02:00": "2021-10-01 2565"}
    recovered = {r for (r,) in db.execute("SELECT record_uuid FROM audit_log WHERE action ="
                                          " 'recover'")}  # fmt: skip
    assert {"guard_shifts", "guard_event_days", "guard_posts", "plan_steps"} <= recovered
    (problem,) = check(db).problems
    assert "table guard_events, record 00000000-0000-4000-8000-000000000004:" in problem
    # The day the upgrade gave an event is under the chain from then on.
    db.execute("UPDATE guard_events SET place = 'ลานจอดรถ' WHERE at = '23:00'")
    assert check(db).ok
    db.execute("UPDATE guard_events SET occurred_on = '2021-09-30', fiscal_year = 2564"
               " WHERE at = '02:00'")  # fmt: skip
    (problem,) = check(db).problems
    assert "table guard_events, record 00000000-0000-4000-8000-000000000005:" in problem
    db.close()


def test_a_file_that_had_m018_and_m019_before_m016_upgrades_and_checks_clean(tmp_path) -> None:
    """A file of a build that had the event moments and English names but not yet records
    under the chain (m016 comes later to it): m016 covers what it holds then."""
    path = tmp_path / "other-order.db"
    old = Database(sqlite3.connect(path, isolation_level=None))
    MIGRATIONS.ensure_migrations_table(old)
    for migration in MIGRATIONS._migrations:
        if migration.name != "m016_records_under_the_chain":
            migration.fn(old)
            MIGRATIONS._record_applied(old, migration.name)
    assert not old.execute("SELECT 1 FROM audit_log WHERE action = 'recover'").fetchone()
    old.execute(_NIGHT_REPORT)
    old.execute(
        "INSERT INTO guard_events(uuid, report_id, at, place, category, description,"
        " occurred_on, fiscal_year) VALUES ('00000000-0000-4000-8000-000000000005', 1, '02:00',"
        " 'ลานจอดรถ', 'theft', 'หาย', '2021-10-01', 2565)"
    )
    old.execute("UPDATE guard_posts SET name_en = 'Back gate' WHERE id = 1")
    old.close()
    db = open_db(path)
    assert [m.name for m in MIGRATIONS.applied(db)][-1] == "m016_records_under_the_chain"
    assert check(db).ok, check(db).problems
    db.execute("UPDATE guard_posts SET name_en = 'Front gate' WHERE id = 1")
    (problem,) = check(db).problems
    assert "table guard_posts, record " in problem
    db.close()


M020 = "m020_guard_reports_supersede_nothing"


def _signed_by_mouse(db: Database, day: str) -> str:
    """A report as the guard page's Sign button stored it before 214bed5: clicked(bool)
    handed False to `supersedes`, which SQLite stored as '0' in the TEXT column; the
    'sign' row covered it as such. (Today's save_report stores no such value.)"""
    from core.audit import audit
    from core.db import new_id

    uid = new_id()
    with transaction(db):
        db.execute(
            "INSERT INTO guard_reports(uuid, day, fiscal_year, shift, supervisor, required,"
            " present, posts, patrols, note, status, supersedes, reason, source, recorded_by,"
            " created_at, signed_at) VALUES (?, ?, 2564, 'day', 'วิชัย', 12, 12, '[]', '[]', '',"
            " 'signed', ?, '', 'app', 'guard1', '2021-03-01T10:00:00+00:00',"
            " '2021-03-01T10:00:00+00:00')",
            [uid, day, False],
        )
        audit(db, "sign", "guard_report", uid, None,
              {"day": day, "shift": "day", "events": 0, "supersedes": False},
              covers=covering(db, guard_reports=[uid]))  # fmt: skip
    return uid


def _as_the_hub_reads(db: Database) -> list[str]:
    """What `hub check` says of this file's shared records, had the hub received them
    with all its rows (hub.check.verify_records: every synced kind, the claims read with
    no device of its own, core.coverage.table_problems), without PostgreSQL."""
    from core.coverage import Claims, table_problems
    from core.records import digests

    claims = Claims(set()).scan(db)
    found: list[str] = []
    for rec in COVERED:
        if rec.synced:
            stored = ((k, d) for _, k, d in digests(db, rec))
            found.extend(table_problems(rec, claims, stored))
    return found


def _file_with_mouse_signed_reports(path: Path) -> tuple[Database, list[str]]:
    """A file left at m019 (the last migration before m020) with two reports signed by
    mouse, a correction of the first (made with the Correct button, which was right) and
    a report imported from CSV."""
    old = _file_at(path, M020)
    first, second = _signed_by_mouse(old, "2021-03-01"), _signed_by_mouse(old, "2021-03-02")
    assert old.execute("SELECT DISTINCT supersedes FROM guard_reports").fetchall() == [("0",)]
    assert check(old).ok  # the chain covers them: nothing but a sync import noticed
    save_report(old, "2021-03-01", "day", "วิชัย", 12, 11, supersedes=first, reason="นับผิด")
    save_report(old, "2021-03-03", "day", "วิชัย", 12, 12, source="import")
    return old, [first, second]


def test_m020_a_report_signed_by_mouse_is_no_correction_and_another_laptop_takes_it(
    tmp_path,
) -> None:
    """m020: the '0' the Sign button stored becomes NULL, the reports stay covered (check
    clean) and the sync file carrying them is accepted by a laptop that refused it before
    ("give the reason for the correction")."""
    from security.reports import current_report
    from sync.receive import import_sync
    from sync.send import export_sync
    from tests.sync.sync_helpers import trust_each_other

    old, (first, second) = _file_with_mouse_signed_reports(tmp_path / "a.db")
    old.close()
    db, other = open_db(tmp_path / "a.db"), open_db(tmp_path / "b.db")
    try:
        stored = dict(db.execute("SELECT uuid, supersedes FROM guard_reports"))
        assert stored[first] is None and stored[second] is None
        # A real correction keeps the report it corrects; the imported report had none.
        assert sorted(stored.values(), key=lambda v: v or "") == [None, None, None, first]
        assert check(db).ok, check(db).problems
        (row,) = db.execute(
            "SELECT kind, after FROM audit_log WHERE action = 'repair'"
            " AND json_extract(after, '$.reason') = ?",
            [M020],
        ).fetchall()
        detail = json.loads(row[1])
        assert row[0] == "guard_report" and detail["records"] == 2
        # As the city hub reads an office's rows (hub check: no chain of its own, every
        # row another computer's): the repair, not the 'sign' row, is the latest claim.
        assert _as_the_hub_reads(db) == []
        # The trail says what the upgrade did, in the reader's language.
        from summary.trail import sentences

        repair = [r for r in rows(db, kind="guard_report") if r.action == "repair"]
        (th,) = (what for _, _, what in sentences(db, repair, "th"))
        (en,) = (what for _, _, what in sentences(db, repair, "en"))
        assert "ซ่อมรายงานผู้ควบคุม รปภ. ที่ลงนามด้วยปุ่ม 2 ฉบับ" in th
        assert "repaired guard reports signed with the button (2)" in en
        trust_each_other(db, other)
        export_sync(db, tmp_path / "a.srsync")
        import_sync(other, tmp_path / "a.srsync")
        assert current_report(other, datetime(2021, 3, 2).date(), "day").uuid == second
        assert current_report(other, datetime(2021, 3, 2).date(), "day").supersedes is None
        assert other.execute("SELECT COUNT(*) FROM guard_reports").fetchone()[0] == 4
        assert check(other).ok, check(other).problems
        assert _as_the_hub_reads(other) == []
    finally:
        db.close()
        other.close()


def test_m020_a_mouse_signed_report_edited_outside_the_app_stays_named(tmp_path) -> None:
    """The upgrade covers again only what its audit rows covered: a '0' report whose
    head count was changed outside the app before the upgrade is still named by `check`
    after it (its supersedes repaired all the same)."""
    path = tmp_path / "a.db"
    old, (first, second) = _file_with_mouse_signed_reports(path)
    old.execute("UPDATE guard_reports SET present = 3 WHERE uuid = ?", [second])
    old.close()
    db = open_db(path)
    try:
        assert db.execute("SELECT supersedes FROM guard_reports WHERE uuid = ?",
                          [second]).fetchone() == (None,)  # fmt: skip
        (problem,) = check(db).problems
        assert f"table guard_reports, record {second}: changed outside the app" in problem
    finally:
        db.close()


# --- m018, m019 and m021: what the city hub reads of records a migration covered again ---


def _covers_as_then(db: Database, rec, key: str):
    """What a row of the app before the migration held of one record: its digest over the
    columns the table had then (today's description has the migration's column too)."""
    from core.records import Covers
    from core.records import rows as record_rows

    columns = table_columns(db, rec.table)
    covers = Covers()
    for row in record_rows(db, rec, f"{rec.key_sql} = ?", [key], columns=columns):
        covers.row(rec, row, columns)
    return covers


def test_m018_an_event_classified_before_it_reads_covered_at_the_hub(tmp_path) -> None:
    """m018 covers again with baseline rows, and that is enough: an event's digest has no
    day (the day is each laptop's own derivation, GUARD_EVENT_DAYS, never sent), and the
    shifts' hours never leave the laptop, so the 'classify' row made before the upgrade
    still covers the event wherever it is read, the hub included."""
    from core.audit import audit
    from core.records import GUARD_EVENTS

    path = tmp_path / "old.db"
    old = _file_at(path, "m016_records_under_the_chain")
    _night_events(old.conn)
    MIGRATIONS.apply(old, stop_before="m018_event_moments")  # m016: baseline rows
    key = "00000000-0000-4000-8000-000000000005"
    with transaction(old):  # the decision, as the app before m018 recorded it
        old.execute("UPDATE guard_events SET counts = 1, reason = 'หายจริง', classified_by ="
                    " 'head', classified_at = '2021-10-02T09:00:00+00:00' WHERE uuid = ?",
                    [key])  # fmt: skip
        audit(old, "classify", "guard_event", key, None, {"counts": 1},
              covers=_covers_as_then(old, GUARD_EVENTS, key))  # fmt: skip
    old.close()
    db = open_db(path)
    try:
        assert db.execute("SELECT occurred_on FROM guard_events WHERE uuid = ?",
                          [key]).fetchone() == ("2021-10-01",)  # fmt: skip
        assert check(db).ok, check(db).problems
        assert _as_the_hub_reads(db) == []
        kinds = dict(db.execute("SELECT record_uuid, kind FROM audit_log WHERE action ="
                                " 'recover' AND json_extract(after, '$.reason') = ?",
                                ["m018_event_moments"]))  # fmt: skip
        assert kinds == {"guard_shifts": "baseline", "guard_event_days": "baseline"}
    finally:
        db.close()


def _edit_step_as_then(db: Database, key: str, evidence: str) -> None:
    """A step's evidence edited in the window before m019 (core.plan then: no English)."""
    from core.audit import audit
    from core.records import PLAN_STEPS

    with transaction(db):
        db.execute("UPDATE plan_steps SET evidence = ? WHERE uuid = ?", [evidence, key])
        audit(db, "mark_done", "plan_step", key, None, {"evidence": evidence},
              covers=_covers_as_then(db, PLAN_STEPS, key))  # fmt: skip


def _steps_before_m019(path: Path) -> tuple[Database, list[str]]:
    """A file left at m018 whose first step's evidence was given in the app, and whose
    second was changed outside it."""
    old = _file_at(path, "m019_english_names")
    steps = [k for (k,) in old.execute("SELECT uuid FROM plan_steps ORDER BY id LIMIT 3")]
    _edit_step_as_then(old, steps[0], "ภาพถ่ายห้องน้ำ")
    old.execute("UPDATE plan_steps SET evidence = 'ปลอม' WHERE uuid = ?", [steps[1]])
    return old, steps


def _named(found: list[str]) -> set[str]:
    return {line.split("record ")[1].split(":")[0] for p in found for line in p.splitlines()
            if line.startswith("table plan_steps")}  # fmt: skip


def test_m019_a_step_edited_before_it_reads_covered_at_the_hub_and_on_another_laptop(
    tmp_path,
) -> None:
    """m019 gives every step an English evidence (''): a step whose evidence was given in
    the app before it is covered again by a 'recover' row of the step's own kind, which
    the hub reads (a baseline it reads only for a step no other row names: behind the
    'mark_done' row it named the step changed); the posts' names, never sent, keep a
    baseline. A step changed outside the app before the upgrade stays named, here and at
    the hub; a laptop that receives the file checks clean."""
    from sync.receive import import_sync
    from sync.send import export_sync
    from tests.sync.sync_helpers import trust_each_other

    old, (edited, forged, _) = _steps_before_m019(tmp_path / "a.db")
    old.close()
    db, other = open_db(tmp_path / "a.db"), open_db(tmp_path / "b.db")
    try:
        kinds = dict(db.execute("SELECT record_uuid, kind FROM audit_log WHERE action ="
                                " 'recover' AND json_extract(after, '$.reason') = ?",
                                ["m019_english_names"]))  # fmt: skip
        assert kinds == {"guard_posts": "baseline", "plan_steps": "plan_step"}
        assert _named(check(db).problems) == {forged}
        assert _named(_as_the_hub_reads(db)) == {forged}
        db.execute("UPDATE plan_steps SET evidence = '' WHERE uuid = ?", [forged])
        assert _named(_as_the_hub_reads(db)) == {forged}  # put back: still not the row's
        # m021 finds nothing to do in a file whose m019 wrote rows of the step's kind.
        assert not db.execute("SELECT 1 FROM audit_log WHERE json_extract(after, '$.reason')"
                              " = 'm021_recovered_records_travel'").fetchone()  # fmt: skip
        db.execute("DELETE FROM plan_steps WHERE uuid = ?", [forged])  # keep the file sendable
        trust_each_other(db, other)
        export_sync(db, tmp_path / "a.srsync")
        import_sync(other, tmp_path / "a.srsync")
        assert other.execute("SELECT evidence FROM plan_steps WHERE uuid = ?",
                             [edited]).fetchone() == ("ภาพถ่ายห้องน้ำ",)  # fmt: skip
        assert check(other).ok, check(other).problems
        assert _as_the_hub_reads(other) == []
    finally:
        db.close()
        other.close()


def test_m021_covers_again_what_m019_covered_with_a_baseline_but_no_outside_edit(
    tmp_path, monkeypatch
) -> None:
    """A file that ran m019 when `recover` wrote only a baseline: the hub named the step
    edited in the app before it. m021 covers that step by a row of its kind; the step
    changed outside the app before m019, and one changed outside it since, stay named
    here and at the hub."""
    import core.coverage
    from core.coverage import cover_again, covered_now

    def recover_as_m019_ran(db: Database, rec, before: set[str], reason: str) -> int:
        return cover_again(db, rec, covered_now(db, rec, before), reason)

    old, (edited, forged, later) = _steps_before_m019(tmp_path / "a.db")
    monkeypatch.setattr(core.coverage, "recover", recover_as_m019_ran)
    MIGRATIONS.apply(old, stop_before="m021_recovered_records_travel")
    monkeypatch.undo()
    assert _named(check(old).problems) == {forged}
    assert _named(_as_the_hub_reads(old)) == {forged, edited}  # what m021 repairs
    old.execute("UPDATE plan_steps SET evidence_en = 'Forged' WHERE uuid = ?", [later])
    old.close()
    db = open_db(tmp_path / "a.db")
    try:
        assert MIGRATIONS.applied(db)[-1].name == "m021_recovered_records_travel"
        (row,) = db.execute(
            "SELECT kind, action, covers FROM audit_log WHERE json_extract(after, '$.reason')"
            " = 'm021_recovered_records_travel'"
        ).fetchall()
        assert row[:2] == ("plan_step", "recover")
        assert set(json.loads(row[2])["plan_steps"]) == {edited}
        assert _named(check(db).problems) == {forged, later}
        assert _named(_as_the_hub_reads(db)) == {forged, later}
        # The steps repaired are under the chain from then on, wherever read.
        db.execute("UPDATE plan_steps SET evidence_en = 'Photos' WHERE uuid = ?", [edited])
        assert _named(check(db).problems) == _named(_as_the_hub_reads(db)) == {
            forged, later, edited}  # fmt: skip
    finally:
        db.close()


def test_baseline_rows_hold_a_bounded_number_of_rounds(tmp_path, monkeypatch) -> None:
    import core.coverage

    monkeypatch.setattr(core.coverage, "BASELINE_CHUNK", 100)
    path = tmp_path / "old.db"
    _file_at(path, "m016_records_under_the_chain").close()
    conn = sqlite3.connect(path)
    conn.executemany(
        "INSERT INTO rounds(uuid, point_id, standard_id, inspected_at, fiscal_year, inspector,"
        " status, scores, total, passed, created_at) VALUES (?, 1, 1, ?, 2564, 'x', 'final',"
        " '44444444444444444444', 80, 1, 'x')",
        [(f"00000000-0000-4000-8000-{n:012d}", f"2021-03-01T09:{n % 60:02d}") for n in range(250)],
    )
    conn.commit()
    conn.close()
    db = open_db(path)
    batches = db.execute(
        "SELECT audit_batch, COUNT(*) FROM rounds GROUP BY audit_batch ORDER BY 1"
    ).fetchall()
    assert [n for _, n in batches] == [100, 100, 50] and check(db).ok
    db.close()


def test_a_migration_that_fills_a_new_column_covers_the_records_again_but_no_outside_edit(
    db, monkeypatch
) -> None:
    """`recover`, as a migration that adds and fills a column calls it: records that
    matched their audit row before the change are covered again; one edited outside the
    app before the upgrade is not, and `check` keeps naming it."""
    import dataclasses

    import core.coverage
    from core.records import GUARD_REPORTS, fld

    for day in ("2021-03-01", "2021-03-02", "2021-03-03"):
        save_report(db, day, "day", "วิชัย", 12, 12)
    edited = db.execute("SELECT uuid FROM guard_reports WHERE day = '2021-03-02'").fetchone()[0]
    db.execute("UPDATE guard_reports SET present = 3 WHERE uuid = ?", [edited])
    # The migration: a column, filled for the reports already there, and its description.
    before = table_columns(db, "guard_reports")
    db.execute("ALTER TABLE guard_reports ADD COLUMN moment TEXT")
    db.execute("UPDATE guard_reports SET moment = day || 'T08:00'")
    moment = dataclasses.replace(GUARD_REPORTS, fields=(*GUARD_REPORTS.fields, fld("moment", str)))
    covered = tuple(moment if r is GUARD_REPORTS else r for r in core.coverage.COVERED)
    monkeypatch.setattr(core.coverage, "COVERED", covered)
    with transaction(db):
        assert recover(db, moment, before, "a moment per report") == 2
    (problem,) = check(db).problems
    assert f"table guard_reports, record {edited}: changed outside the app" in problem


def test_recover_keeps_an_edited_bulk_round_uncovered(db) -> None:
    fill_demo_rounds(db, 2564)
    (edited,) = db.execute("SELECT uuid FROM rounds ORDER BY id LIMIT 1").fetchone()
    db.execute("UPDATE rounds SET inspector = 'ปลอม' WHERE uuid = ?", [edited])
    total = db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0]
    with transaction(db):
        assert recover(db, ROUNDS, table_columns(db, "rounds"), "test") == total - 1
    (problem,) = check(db).problems
    assert edited in problem


def test_problems_are_named_per_table_the_first_twenty_and_a_count(db) -> None:
    fill_demo_rounds(db, 2564)
    n = db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0]
    db.execute("UPDATE rounds SET note = 'แก้ทั้งหมด'")
    found = problems(db)
    assert len(found) == 21 and all("table rounds" in p for p in found[:20])
    assert found[-1].endswith(f"table rounds: and {n - 20} more records")


def test_every_covered_table_is_checked(db) -> None:
    """A row written into any described table outside the app is named."""
    names = {rec.table for rec in COVERED}
    assert names >= {"rounds", "corrective_actions", "points", "standards", "plan_steps",
                     "survey_responses", "survey_forms", "guard_reports", "guard_events",
                     "users", "settings", "guard_shifts"}  # fmt: skip
    db.execute("INSERT INTO settings(key, value) VALUES ('office_code', '99999')")
    db.execute("UPDATE guard_shifts SET required_guards = 1 WHERE code = 'day'")
    # A computer added to the trust list by hand (issue 14): its files would be merged.
    db.execute("INSERT INTO trusted_devices VALUES (?, ?, '2021-01-01T00:00:00+00:00', 'x')",
               [OTHER, "cd" * 32])  # fmt: skip
    found = "\n".join(problems(db))
    assert "table settings, record office_code: no audit row records it" in found
    assert "table guard_shifts, record day: changed outside the app" in found
    assert f"table trusted_devices, record {OTHER}: no audit row records it" in found


def test_every_synced_kind_names_the_row_kind_that_covers_it_again() -> None:
    """`recover` covers a synced kind again by a row of the kind that writes it (what the
    hub reads): every synced kind under the chain has one, and the trail can name it."""
    from core.coverage import ROW_KINDS
    from core.i18n import tr

    synced = {rec.kind for rec in COVERED if rec.synced}
    assert set(ROW_KINDS) == synced
    for kind in ROW_KINDS.values():
        assert tr(f"audit.kind.{kind}", "en") != f"audit.kind.{kind}", kind
