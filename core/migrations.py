"""Numbered schema migrations, recorded in the database (`_sqlite_migrations`).

Each function is named for the version it creates; core.db.upgrade runs the
pending ones in order, all in one BEGIN IMMEDIATE, asking again under that lock
what is pending (two programs opening an older file at once upgrade it once;
`executescript` there runs statement by statement inside the transaction). A
file with a migration this code does not know comes from a newer app and is
refused before anything runs (core.db.check_file).
Migrations are append-only: never edit one that has shipped.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from sqlite_utils import Database, Migrations

from core.resources import load_json

MIGRATIONS = Migrations("sala_rounds")


def migration_names() -> list[str]:
    return [m.name for m in MIGRATIONS._migrations]


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# Seeded records get the same UUID on every laptop, so that sync files from two
# laptops name the same point F1-01 (or standard version 1) by the same key.
SEED_NAMESPACE = uuid.UUID("5a1a0000-2564-4b0a-8000-000000000000")


def seed_uuid(*parts: object) -> str:
    return str(uuid.uuid5(SEED_NAMESPACE, ":".join(str(p) for p in parts)))


@MIGRATIONS()
def m001_meta_and_settings(db: Database) -> None:
    """Device identity and key/value settings."""
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute(
        "INSERT INTO meta(key, value) VALUES ('device_id', ?), ('created_at', ?)",
        [str(uuid.uuid4()), _stamp()],
    )


@MIGRATIONS()
def m002_points_standards_rounds(db: Database) -> None:
    """Restroom points, versioned standards, rounds, notes and corrective actions."""
    db.executescript(
        """
        CREATE TABLE points (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            code TEXT NOT NULL UNIQUE,
            floor INTEGER NOT NULL,
            kind TEXT NOT NULL,
            name_th TEXT NOT NULL,
            name_en TEXT NOT NULL,
            location TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1,
            active_from TEXT,
            active_until TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE standards (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            version INTEGER NOT NULL UNIQUE,
            title_th TEXT NOT NULL,
            title_en TEXT NOT NULL,
            max_score INTEGER NOT NULL,
            item_min INTEGER NOT NULL,
            pass_total INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE standard_items (
            standard_id INTEGER NOT NULL REFERENCES standards(id),
            no INTEGER NOT NULL,
            grp TEXT NOT NULL,
            text_th TEXT NOT NULL,
            text_en TEXT NOT NULL,
            PRIMARY KEY (standard_id, no)
        ) WITHOUT ROWID;
        -- scores: one character per item, '0'..'4', '-' not yet scored (a draft).
        -- A string of 20 characters keeps a round to one row and a few hundred bytes.
        CREATE TABLE rounds (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            point_id INTEGER NOT NULL REFERENCES points(id),
            standard_id INTEGER NOT NULL REFERENCES standards(id),
            inspected_at TEXT NOT NULL,
            fiscal_year INTEGER NOT NULL,
            inspector TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('draft', 'final')),
            scores TEXT NOT NULL,
            total INTEGER NOT NULL,
            passed INTEGER,
            note TEXT NOT NULL DEFAULT '',
            supersedes TEXT,
            reason TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT 'app',
            created_at TEXT NOT NULL,
            finalized_at TEXT
        );
        CREATE INDEX rounds_point_year ON rounds(point_id, fiscal_year, status, inspected_at);
        CREATE INDEX rounds_supersedes ON rounds(supersedes) WHERE supersedes IS NOT NULL;
        CREATE TABLE round_notes (
            round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
            no INTEGER NOT NULL,
            note TEXT NOT NULL,
            PRIMARY KEY (round_id, no)
        ) WITHOUT ROWID;
        CREATE TABLE corrective_actions (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            point_id INTEGER NOT NULL REFERENCES points(id),
            round_uuid TEXT NOT NULL,
            item_no INTEGER NOT NULL,
            what TEXT NOT NULL,
            who TEXT NOT NULL DEFAULT '',
            due_date TEXT,
            closed_date TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX actions_point ON corrective_actions(point_id, closed_date);
        CREATE TABLE plan_steps (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            fiscal_year INTEGER NOT NULL,
            project INTEGER NOT NULL,
            step_no INTEGER NOT NULL,
            title_th TEXT NOT NULL,
            title_en TEXT NOT NULL,
            weight REAL NOT NULL,
            cumulative REAL NOT NULL,
            months TEXT NOT NULL,
            floor INTEGER,
            done_date TEXT,
            evidence TEXT NOT NULL DEFAULT '',
            UNIQUE (fiscal_year, project, step_no)
        );
        CREATE TABLE plan_projects (
            fiscal_year INTEGER NOT NULL,
            project INTEGER NOT NULL,
            title_th TEXT NOT NULL,
            title_en TEXT NOT NULL,
            PRIMARY KEY (fiscal_year, project)
        );
        """
    )


@MIGRATIONS()
def m003_seed_points_standard_plan(db: Database) -> None:
    """Seed the 27 points, standard version 1 and the FY 2564 plan steps."""
    now = _stamp()
    for p in load_json("points.json")["points"]:
        db.execute(
            "INSERT INTO points(uuid, code, floor, kind, name_th, name_en, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                seed_uuid("point", p["code"]),
                p["code"],
                p["floor"],
                p["kind"],
                p["name_th"],
                p["name_en"],
                now,
            ],  # fmt: skip
        )
    std = load_json("standard_v1.json")
    cur = db.execute(
        "INSERT INTO standards(uuid, version, title_th, title_en, max_score, item_min, "
        "pass_total, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            seed_uuid("standard", std["version"]),
            std["version"],
            std["title_th"],
            std["title_en"],
            std["max_score"],
            std["item_min"],
            std["pass_total"],
            now,
        ],
    )
    sid = cur.lastrowid
    for it in std["items"]:
        db.execute(
            "INSERT INTO standard_items(standard_id, no, grp, text_th, text_en) "
            "VALUES (?, ?, ?, ?, ?)",
            [sid, it["no"], it["group"], it["th"], it["en"]],
        )
    plan = load_json("plan_2564.json")
    fy = plan["fiscal_year"]
    for proj in plan["projects"]:
        db.execute(
            "INSERT INTO plan_projects(fiscal_year, project, title_th, title_en) VALUES (?,?,?,?)",
            [fy, proj["project"], proj["title_th"], proj["title_en"]],
        )
        for s in proj["steps"]:
            db.execute(
                "INSERT INTO plan_steps(uuid, fiscal_year, project, step_no, title_th, title_en,"
                " weight, cumulative, months, floor) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    seed_uuid("plan_step", fy, proj["project"], s["no"]),
                    fy,
                    proj["project"],
                    s["no"],
                    s["th"],
                    s["en"],
                    s["weight"],
                    s["cumulative"],
                    ",".join(str(m) for m in s["months"]),
                    s.get("floor"),
                ],
            )


@MIGRATIONS()
def m006_users_and_audit(db: Database) -> None:
    """Accounts with roles and scrypt password hashes; the hash-chained audit trail."""
    db.executescript(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            username TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL,
            pw_hash TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            kind TEXT NOT NULL,
            record_uuid TEXT NOT NULL,
            before TEXT NOT NULL,
            after TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX audit_record ON audit_log(record_uuid);
        CREATE INDEX audit_actor ON audit_log(actor, at);
        -- Who recorded a round, on the round itself: a bulk import writes one audit row
        -- for its file (with a digest of its rounds), not one per round.
        ALTER TABLE rounds ADD COLUMN recorded_by TEXT NOT NULL DEFAULT '';
        ALTER TABLE rounds ADD COLUMN audit_batch INTEGER;
        """
    )


@MIGRATIONS()
def m007_survey(db: Database) -> None:
    """Satisfaction survey: office-defined questions, anonymous answers, imported files."""
    db.executescript(
        """
        CREATE TABLE survey_questions (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            fiscal_year INTEGER NOT NULL,
            form TEXT NOT NULL,
            no INTEGER NOT NULL,
            text_th TEXT NOT NULL,
            text_en TEXT NOT NULL,
            UNIQUE (fiscal_year, form, no)
        );
        CREATE TABLE survey_responses (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            answered_on TEXT NOT NULL,
            fiscal_year INTEGER NOT NULL,
            point_id INTEGER REFERENCES points(id),
            grp TEXT NOT NULL CHECK (grp IN ('official', 'employee', 'public')),
            ratings TEXT NOT NULL,
            satisfied INTEGER NOT NULL,
            source TEXT NOT NULL DEFAULT 'app',
            recorded_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX survey_year ON survey_responses(fiscal_year, grp, satisfied);
        CREATE TABLE survey_imports (
            digest TEXT PRIMARY KEY,
            file_name TEXT NOT NULL,
            rows INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        );
        """
    )
    forms = {
        "overall": [("ความพึงพอใจโดยรวมต่อห้องน้ำ", "Overall satisfaction with the restroom")],
        "detailed": [
            ("ความสะอาด", "Cleanliness"),
            ("ความเพียงพอของอุปกรณ์ (กระดาษชำระ สบู่)", "Supplies (paper, soap) are enough"),
            ("ความปลอดภัยและแสงสว่าง", "Safety and light"),
            ("ความสะดวกในการเข้าถึง", "Easy to reach and use"),
            ("ความพึงพอใจโดยรวม", "Overall satisfaction"),
        ],
    }
    for form, questions in forms.items():
        for no, (th, en) in enumerate(questions, start=1):
            db.execute(
                "INSERT INTO survey_questions(uuid, fiscal_year, form, no, text_th, text_en)"
                " VALUES (?, 2564, ?, ?, ?, ?)",
                [seed_uuid("question", 2564, form, no), form, no, th, en],
            )


@MIGRATIONS()
def m008_guard_reports(db: Database) -> None:
    """Guard supervisors' daily reports, their events, classifications and month checks."""
    db.executescript(
        """
        CREATE TABLE guard_shifts (
            code TEXT PRIMARY KEY,
            name_th TEXT NOT NULL,
            name_en TEXT NOT NULL,
            required_guards INTEGER NOT NULL,
            required INTEGER NOT NULL DEFAULT 1,
            sort INTEGER NOT NULL
        );
        INSERT INTO guard_shifts VALUES
            ('day', 'กลางวัน', 'day', 12, 1, 1),
            ('night', 'กลางคืน', 'night', 8, 1, 2);
        CREATE TABLE guard_posts (
            id INTEGER PRIMARY KEY,
            name_th TEXT NOT NULL UNIQUE,
            active INTEGER NOT NULL DEFAULT 1
        );
        INSERT INTO guard_posts(name_th) VALUES
            ('ประตูทางเข้าหลัก'), ('ลานคนเมือง'), ('ลานจอดรถ'), ('อาคาร 1 โถงชั้น 1'),
            ('อาคาร 2 โถงชั้น 1'), ('ห้องควบคุมกล้องวงจรปิด');
        CREATE TABLE guard_reports (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            day TEXT NOT NULL,
            fiscal_year INTEGER NOT NULL,
            shift TEXT NOT NULL REFERENCES guard_shifts(code),
            supervisor TEXT NOT NULL,
            required INTEGER NOT NULL,
            present INTEGER NOT NULL,
            posts TEXT NOT NULL DEFAULT '',
            patrols TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
            supersedes TEXT,
            reason TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT 'app',
            recorded_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            signed_at TEXT
        );
        CREATE INDEX guard_reports_day ON guard_reports(day, shift, status);
        CREATE INDEX guard_reports_year ON guard_reports(fiscal_year);
        CREATE TABLE guard_events (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            report_id INTEGER NOT NULL REFERENCES guard_reports(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            place TEXT NOT NULL,
            category TEXT NOT NULL CHECK (category IN ('theft', 'damage', 'loss', 'intrusion',
                'alarm', 'disturbance', 'found', 'other')),
            description TEXT NOT NULL DEFAULT '',
            loss_value REAL,
            action_taken TEXT NOT NULL DEFAULT '',
            counts INTEGER,
            reason TEXT NOT NULL DEFAULT '',
            classified_by TEXT,
            classified_at TEXT
        );
        CREATE INDEX guard_events_report ON guard_events(report_id);
        CREATE TABLE guard_month_checks (
            year INTEGER NOT NULL,
            month INTEGER NOT NULL,
            checked_by TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            checked_at TEXT NOT NULL,
            PRIMARY KEY (year, month)
        );
        """
    )


@MIGRATIONS()
def m009_sync(db: Database) -> None:
    """Offline sync between laptops: one audit chain per device, change stamps, sync log."""
    device = db.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0]
    db.executescript(
        """
        -- Each device keeps its own hash chain; rows received from another laptop join
        -- their device's chain unchanged, so every chain still verifies end to end.
        ALTER TABLE audit_log ADD COLUMN device_id TEXT NOT NULL DEFAULT '';
        CREATE INDEX audit_device ON audit_log(device_id, id);
        CREATE INDEX audit_hash ON audit_log(hash);
        CREATE TABLE sync_log (
            id INTEGER PRIMARY KEY,
            direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
            device_id TEXT NOT NULL,
            file_sha256 TEXT NOT NULL,
            file_name TEXT NOT NULL DEFAULT '',
            file_created_at TEXT NOT NULL,
            since TEXT,
            done_at TEXT NOT NULL,
            added INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0,
            conflicts INTEGER NOT NULL DEFAULT 0,
            detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX sync_log_device ON sync_log(device_id, direction, done_at);
        CREATE UNIQUE INDEX sync_log_received ON sync_log(file_sha256)
            WHERE direction = 'received';
        -- The losing side of a later-change-wins decision, kept so nobody's edit vanishes.
        CREATE TABLE sync_history (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            record_uuid TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            kept TEXT NOT NULL,
            lost TEXT NOT NULL,
            kept_changed_at TEXT,
            kept_device TEXT,
            lost_changed_at TEXT,
            lost_device TEXT,
            decided_at TEXT NOT NULL,
            file_sha256 TEXT NOT NULL
        );
        CREATE INDEX sync_history_record ON sync_history(record_uuid);
        """
    )
    db.execute("UPDATE audit_log SET device_id = ?", [device])
    # Rows another laptop may change after creating them: the later change wins when
    # sync files meet (sync/merge.py), so each row remembers when and where it changed.
    editable = {
        "points": "code, floor, kind, name_th, name_en, location, active, active_from,"
        " active_until, updated_at",
        "plan_steps": "title_th, title_en, weight, cumulative, months, floor, done_date, evidence",
        "corrective_actions": "what, who, due_date, closed_date",
        "guard_events": "counts, reason, classified_by, classified_at",
    }
    for table, columns in editable.items():
        db.execute(f"ALTER TABLE {table} ADD COLUMN changed_at TEXT")
        db.execute(f"ALTER TABLE {table} ADD COLUMN changed_on TEXT")
        # The stamp of the version an edit replaced: an edit made on top of the other
        # laptop's version is an update there, not a conflict.
        db.execute(f"ALTER TABLE {table} ADD COLUMN changed_base TEXT")
        # A trigger stamps every local edit, whichever domain function makes it, so no
        # writer can forget. A merge writes the other laptop's stamp itself, and an
        # update that sets the stamp is left alone (the WHEN clause). Listing the
        # edited columns keeps the trigger's own stamping from firing it again.
        db.execute(
            f"CREATE TRIGGER {table}_changed AFTER UPDATE OF {columns} ON {table}"
            " WHEN NEW.changed_at IS OLD.changed_at AND NEW.changed_on IS OLD.changed_on"
            f" BEGIN UPDATE {table} SET"
            " changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),"
            " changed_on = (SELECT value FROM meta WHERE key = 'device_id'),"
            " changed_base = CASE WHEN OLD.changed_at IS NULL THEN NULL"
            " ELSE OLD.changed_at || ' ' || OLD.changed_on END"
            " WHERE rowid = NEW.rowid; END"
        )


@MIGRATIONS()
def m010_survey_forms(db: Database) -> None:
    """Survey forms the office defines, and the form each answer was given with.

    Named m010 so that it stays after m009 (sync), which is written in parallel.
    An answer keeps the form it was given with: a form that has answers is never
    changed; editing it makes a new version (inspection.survey.save_form).
    `key` is what survey_questions.form and survey_responses.form hold: the two
    seeded forms keep the keys m007 gave them ('overall', 'detailed').
    """
    db.executescript(
        """
        CREATE TABLE survey_forms (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            key TEXT NOT NULL UNIQUE,
            fiscal_year INTEGER NOT NULL,
            name_th TEXT NOT NULL,
            name_en TEXT NOT NULL,
            -- The form this one was copied from (a new year) or is a new version of.
            derived_from TEXT REFERENCES survey_forms(key),
            replaced_by TEXT REFERENCES survey_forms(key),
            retired INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE INDEX survey_forms_year ON survey_forms(fiscal_year);
        ALTER TABLE survey_responses ADD COLUMN form TEXT REFERENCES survey_forms(key);
        CREATE INDEX survey_responses_form ON survey_responses(form);
        """
    )
    seeded = (
        ("overall", "ข้อเดียว (ความพึงพอใจโดยรวม)", "One question (overall)"),
        ("detailed", "หลายข้อ (5 ข้อ)", "Several questions (5)"),
    )
    for key, th, en in seeded:
        db.execute(
            "INSERT INTO survey_forms(uuid, key, fiscal_year, name_th, name_en, created_at)"
            " VALUES (?, ?, 2564, ?, ?, ?)",
            [seed_uuid("survey_form", 2564, key), key, th, en, _stamp()],
        )
    # Answers recorded before forms were named: until now the only forms were these two,
    # so one rating was the overall form and five the detailed one; any other count
    # (an imported file's own form) stays unnamed rather than guessed.
    db.execute(
        "UPDATE survey_responses SET form = CASE"
        " WHEN instr(ratings, ';') = 0 THEN 'overall'"
        " WHEN length(ratings) - length(replace(ratings, ';', '')) = 4 THEN 'detailed' END"
    )


@MIGRATIONS()
def m011_guard_supersedes_index(db: Database) -> None:
    """Find a report's correction by index, as rounds do (rounds_supersedes).

    Every "current report" filter asks whether a signed correction names the report;
    without this index each report of the year scanned the whole table: the year's
    score took about a second on ten years of reports (benchmark, issue 8).
    """
    db.execute(
        "CREATE INDEX guard_reports_supersedes ON guard_reports(supersedes)"
        " WHERE supersedes IS NOT NULL"
    )


@MIGRATIONS()
def m012_survey_form_stamps(db: Database) -> None:
    """Change stamps on survey forms, so two laptops' edits of one form merge (sync).

    As m009 does for points and plan steps: a trigger stamps every local rename (a form
    nobody has answered is edited in place, its questions with it); `retired` and
    `replaced_by` only ever move one way and merge without stamps.
    """
    db.execute("ALTER TABLE survey_forms ADD COLUMN changed_at TEXT")
    db.execute("ALTER TABLE survey_forms ADD COLUMN changed_on TEXT")
    db.execute("ALTER TABLE survey_forms ADD COLUMN changed_base TEXT")
    db.execute(
        "CREATE TRIGGER survey_forms_changed AFTER UPDATE OF name_th, name_en ON survey_forms"
        " WHEN NEW.changed_at IS OLD.changed_at AND NEW.changed_on IS OLD.changed_on"
        " BEGIN UPDATE survey_forms SET"
        " changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),"
        " changed_on = (SELECT value FROM meta WHERE key = 'device_id'),"
        " changed_base = CASE WHEN OLD.changed_at IS NULL THEN NULL"
        " ELSE OLD.changed_at || ' ' || OLD.changed_on END"
        " WHERE rowid = NEW.rowid; END"
    )


@MIGRATIONS()
def m014_point_periods(db: Database) -> None:
    """Every period a point was active, so bringing a point back never rewrites past years.

    `active_from`/`active_until` hold one period; reactivating a point overwrote it and
    a year it had counted in before lost it (26 points behind a score signed with 27).
    `periods` is a JSON list of [from, until] (ISO days, null for open ends), the last
    one open while the point is active.
    """
    db.execute("ALTER TABLE points ADD COLUMN periods TEXT")
    db.execute(
        "UPDATE points SET periods = json_array(json_array(active_from,"
        " CASE WHEN active = 1 THEN NULL ELSE active_until END))"
    )


@MIGRATIONS()
def m016_records_under_the_chain(db: Database) -> None:
    """Audit rows name the actor's role and where the action came from, and hold the digest
    of every record they write; the records already here get baseline rows (issue 14).

    Rows written from now on are hashed with these fields (`format` 2); rows already in
    a chain keep verifying by the formula they were written with. Every record that
    feeds a score, a report or a decision is then covered by a row with its digest:
    those already here by one `baseline` row per kind (rounds: one per 50,000, and each
    round names its row as its batch), as they stand now, the start of their history
    as the first row is the start of a chain's.
    """
    from core.coverage import baseline
    from core.records import refresh_stamp_triggers

    db.execute("ALTER TABLE audit_log ADD COLUMN role TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE audit_log ADD COLUMN via TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE audit_log ADD COLUMN covers TEXT")
    db.execute("ALTER TABLE audit_log ADD COLUMN format INTEGER NOT NULL DEFAULT 1")
    # The change stamps, made from the descriptions from now on (m014's `periods` was
    # missing from the points trigger: a change of periods alone went unstamped).
    refresh_stamp_triggers(db)
    baseline(db)


@MIGRATIONS()
def m018_event_moments(db: Database) -> None:
    """Shift hours, and the day each guard event happened (DOMAIN.md section 7, issue 15).

    The plan counts incidents in the fiscal year they happened: a theft at 02:00 on the
    night report of 30 September happened on 1 October, in the next year. Shifts get
    hours (day 08:00-20:00, night 20:00-08:00); each event keeps the day it happened and
    that day's fiscal year, indexed for the year's count. An existing event on a shift
    that runs past midnight, at a time before the shift's start, moved to the next day.

    The shifts' hours and the events' days are content under the audit chain (m016): the
    records that matched their audit rows before are covered again as they are now.
    """
    from core.coverage import recover
    from core.records import GUARD_EVENT_DAYS, GUARD_SHIFTS, table_columns

    shifts_before = table_columns(db, "guard_shifts")
    events_before = table_columns(db, "guard_events")
    db.execute("ALTER TABLE guard_shifts ADD COLUMN starts TEXT NOT NULL DEFAULT '08:00'")
    db.execute("ALTER TABLE guard_shifts ADD COLUMN ends TEXT NOT NULL DEFAULT '20:00'")
    db.execute("UPDATE guard_shifts SET starts = '20:00', ends = '08:00' WHERE code = 'night'")
    db.execute("ALTER TABLE guard_events ADD COLUMN occurred_on TEXT")
    db.execute("ALTER TABLE guard_events ADD COLUMN fiscal_year INTEGER")
    db.execute(
        "UPDATE guard_events SET occurred_on = ("
        " SELECT CASE WHEN s.ends <= s.starts AND guard_events.at < s.starts"
        " THEN date(r.day, '+1 day') ELSE r.day END"
        " FROM guard_reports r JOIN guard_shifts s ON s.code = r.shift"
        " WHERE r.id = guard_events.report_id)"
    )
    # B.E. fiscal year: the C.E. year + 543, one more from October (core.calendar).
    db.execute(
        "UPDATE guard_events SET fiscal_year = CAST(strftime('%Y', occurred_on) AS INTEGER)"
        " + 543 + (CAST(strftime('%m', occurred_on) AS INTEGER) >= 10)"
    )
    db.execute("CREATE INDEX guard_events_year ON guard_events(fiscal_year)")
    recover(db, GUARD_SHIFTS, shifts_before, "m018_event_moments")
    recover(db, GUARD_EVENT_DAYS, events_before, "m018_event_moments")


@MIGRATIONS()
def m019_english_names(db: Database) -> None:
    """English names for what the office names in Thai: guard posts and plan evidence.

    An English report printed them in Thai with no way to give them otherwise (issue 16).
    Empty means "none given": the English report prints the Thai and says so. The six
    posts seeded by m008 get the English names the office uses for them. A plan step's
    English evidence is edited and synced as its Thai evidence is.
    """
    from core.coverage import recover
    from core.records import GUARD_POSTS, PLAN_STEPS, refresh_stamp_triggers, table_columns

    posts_before = table_columns(db, "guard_posts")
    steps_before = table_columns(db, "plan_steps")
    db.execute("ALTER TABLE guard_posts ADD COLUMN name_en TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE plan_steps ADD COLUMN evidence_en TEXT NOT NULL DEFAULT ''")
    seeded = {
        "ประตูทางเข้าหลัก": "Main entrance gate",
        "ลานคนเมือง": "Lan Khon Mueang plaza",
        "ลานจอดรถ": "Car park",
        "อาคาร 1 โถงชั้น 1": "Building 1, ground-floor hall",
        "อาคาร 2 โถงชั้น 1": "Building 2, ground-floor hall",
        "ห้องควบคุมกล้องวงจรปิด": "CCTV control room",
    }
    for th, en in seeded.items():
        db.execute(
            "UPDATE guard_posts SET name_en = ? WHERE name_th = ? AND name_en = ''", [en, th]
        )
    refresh_stamp_triggers(db)
    recover(db, GUARD_POSTS, posts_before, "m019_english_names")
    recover(db, PLAN_STEPS, steps_before, "m019_english_names")


@MIGRATIONS()
def m017_trusted_devices(db: Database) -> None:
    """The computers whose sync files this one accepts (issue 14, DOMAIN.md section 8).

    One row per trusted computer: its device id and the Ed25519 public key its files
    must be signed with (64 hex digits), who trusted it and when. The computer's own
    private key is never here: it lives in a file beside the database (sync/keys.py),
    so no backup and no sync file carries it.

    Numbered 17 and applied after m019: the list is created empty, so nothing here
    needs covering by the audit chain (m016); rows added from now on are covered by the
    rows that add them (core.records.TRUSTED_DEVICES).
    """
    db.execute(
        "CREATE TABLE trusted_devices ("
        " device_id TEXT PRIMARY KEY,"
        " public_key TEXT NOT NULL CHECK (length(public_key) = 64),"
        " trusted_at TEXT NOT NULL,"
        " trusted_by TEXT NOT NULL)"
    )


@MIGRATIONS()
def m020_guard_reports_supersede_nothing(db: Database) -> None:
    """A guard report that names no report as the one it corrects is no correction.

    The guard page's Sign button handed Qt's `checked` (False) to the report's
    `supersedes` until 214bed5: every report signed by mouse was stored as correcting
    '0', and any other laptop refused the sync file carrying it ("give the reason for
    the correction"). A report's key is a UUID (core.db.new_id; sync files refuse any
    other), so a value of another shape names no report, here or on any laptop: it
    becomes NULL. A UUID whose report is not here is left alone: the report it corrects
    may still be on its way.

    The reports are under the audit chain (m016): those that matched their audit rows
    before are covered again as they are now, by a 'repair' row that travels with them;
    one edited outside the app stays named by `check`.
    """
    import re

    from core.coverage import cover_again, covered_now
    from core.records import GUARD_REPORTS

    shape = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    found = db.execute(
        "SELECT id, uuid, status, supersedes FROM guard_reports WHERE supersedes IS NOT NULL"
    ).fetchall()
    nothing = [(i, u, status) for i, u, status, s in found if not shape.fullmatch(str(s))]
    if not nothing:
        return
    signed = [u for _, u, status in nothing if status == "signed"]
    covered = covered_now(db, GUARD_REPORTS, keys=signed)
    db.execute(
        "UPDATE guard_reports SET supersedes = NULL WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps([i for i, _, _ in nothing])],
    )
    # A row of the kind that signs reports, not a baseline: the repair is a fact about
    # the reports wherever they travel. The city hub, and a laptop receiving them from
    # another, read a baseline only for a record no other row names, and the 'sign' row
    # that covered '0' would stay the latest claim there.
    cover_again(db, GUARD_REPORTS, covered, "m020_guard_reports_supersede_nothing",
                kind="guard_report", action="repair")  # fmt: skip


@MIGRATIONS()
def m021_recovered_records_travel(db: Database) -> None:
    """Shared records a migration covered again with a baseline row are covered by a row of
    their own kind, so the city hub reads them covered too.

    m019 filled plan_steps.evidence_en ('' for every step) and covered the steps again
    with a `baseline` row (core.coverage.recover, as then written). The city hub, and
    any computer reading this laptop's rows as another's, reads a baseline only for a
    record no other row names: a step edited, marked done or copied into a new year
    before the upgrade kept that row, which claims the step without its English
    evidence, as its latest claim, and `hub check` named the step changed outside the
    app. (m018's hours and days and m019's posts never leave the laptop: the hub does
    not read them, and each laptop's own baseline covers its own.)

    Covered again here, by a 'recover' row of the step's kind: only the steps whose
    latest claim on this laptop is that `recover` baseline and matches them as they are
    now (core.coverage.covered_here_only). A step changed outside the app, before the
    upgrade or since, matches no claim here: it stays named by `check` and at the hub.
    """
    from core.coverage import ROW_KINDS, cover_again, covered_here_only
    from core.records import SYNCED

    for rec in SYNCED:
        if rec.covered and rec.kind in ROW_KINDS:
            keys = covered_here_only(db, rec)
            cover_again(db, rec, keys, "m021_recovered_records_travel", kind=ROW_KINDS[rec.kind])
