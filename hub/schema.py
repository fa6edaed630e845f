"""The hub's schema: numbered migrations, like the laptop's (core/migrations.py).

Each migration has a part for the schema `hub` (offices, trusted computers, files
received) and a part run in every office's schema (`office_<code>`, tables that mirror
the laptop's). `hub init` applies the missing ones in one transaction, under a lock, to
`hub` and to every office already there; an office registered later gets every applied
office part in turn, so all offices stand at the same version.

Who may do what is PostgreSQL's own business (the city's IT unit grants it): three
roles, made by `hub init` when missing. `sala_hub_reader` reads (score, report, check);
`sala_hub_receiver` also receives files, and may only insert final records (no UPDATE
or DELETE on them is granted); `sala_hub_admin` also trusts computers and so registers
offices. A person's login is made a member of one of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from psycopg import sql

from core.errors import InvalidInput
from hub.connect import HubUnavailable
from hub.dialect import TEXT

READER, RECEIVER, ADMIN = "sala_hub_reader", "sala_hub_receiver", "sala_hub_admin"
# Any number: one lock for every schema change, so two `hub init` never race.
_INIT_LOCK = 0x5A1A_0018

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,15}$")


def office_schema(code: str) -> str:
    """The schema of an office: its code (core.office.CODE_PATTERN) lower-cased."""
    if not _CODE.match(code):
        raise InvalidInput("office.bad_code", field="office_code")
    return "office_" + code.lower().replace("-", "_")


def _h001_hub(cur: psycopg.Cursor) -> None:
    cur.execute(f"""
        CREATE TABLE hub.offices (
            code {TEXT} PRIMARY KEY,
            schema_name {TEXT} NOT NULL UNIQUE,
            name_th {TEXT} NOT NULL,
            name_en {TEXT} NOT NULL,
            -- The names as the office's latest file (by its creation time) gave them.
            names_from {TEXT},
            registered_at timestamptz NOT NULL DEFAULT now(),
            registered_by {TEXT} NOT NULL DEFAULT current_user
        );
        -- The hub's own trust list, per office: a computer trusted for one office sends
        -- that office's files only.
        CREATE TABLE hub.trust (
            office {TEXT} NOT NULL REFERENCES hub.offices(code),
            device_id {TEXT} NOT NULL,
            public_key {TEXT},
            fingerprint {TEXT},
            trusted_by {TEXT} NOT NULL DEFAULT current_user,
            trusted_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (office, device_id)
        );
        CREATE TABLE hub.receipts (
            id bigserial PRIMARY KEY,
            office {TEXT} NOT NULL REFERENCES hub.offices(code),
            file_sha256 {TEXT} NOT NULL,
            file_name {TEXT} NOT NULL DEFAULT '',
            device_id {TEXT} NOT NULL,
            file_created_at {TEXT} NOT NULL,
            since {TEXT},
            received_at timestamptz NOT NULL DEFAULT now(),
            received_by {TEXT} NOT NULL DEFAULT current_user,
            added integer NOT NULL DEFAULT 0,
            updated integer NOT NULL DEFAULT 0,
            skipped integer NOT NULL DEFAULT 0,
            conflicts integer NOT NULL DEFAULT 0,
            detail {TEXT} NOT NULL DEFAULT '{{}}',
            UNIQUE (office, file_sha256)
        );
        CREATE INDEX receipts_office ON hub.receipts(office, received_at);
        -- Each office's year as summary.score.score_json gives it, computed by the domain's
        -- own functions on the office's tables in the transaction of every file merged (and
        -- again by hub init after an upgrade): the city's view reads one row an office.
        CREATE TABLE hub.scores (
            office {TEXT} NOT NULL REFERENCES hub.offices(code),
            fiscal_year integer NOT NULL,
            score {TEXT} NOT NULL,
            sent boolean NOT NULL,
            computed_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (office, fiscal_year)
        );
    """)


# The laptop's tables that a sync file fills (core/migrations.py as of m014), with the
# same names, columns and meaning, so the domain's queries run on them as they are.
_OFFICE_TABLES = f"""
    CREATE TABLE points (
        id bigserial PRIMARY KEY,
        uuid {TEXT} NOT NULL UNIQUE,
        code {TEXT} NOT NULL UNIQUE,  -- point codes are unique within an office
        floor integer NOT NULL,
        kind {TEXT} NOT NULL,
        name_th {TEXT} NOT NULL,
        name_en {TEXT} NOT NULL,
        location {TEXT} NOT NULL DEFAULT '',
        active integer NOT NULL DEFAULT 1,
        active_from {TEXT},
        active_until {TEXT},
        updated_at {TEXT} NOT NULL,
        changed_at {TEXT}, changed_on {TEXT}, changed_base {TEXT},
        periods {TEXT}
    );
    CREATE TABLE standards (
        id bigserial PRIMARY KEY,
        uuid {TEXT} NOT NULL UNIQUE,
        version integer NOT NULL UNIQUE,
        title_th {TEXT} NOT NULL,
        title_en {TEXT} NOT NULL,
        max_score integer NOT NULL,
        item_min integer NOT NULL,
        pass_total integer NOT NULL,
        created_at {TEXT} NOT NULL
    );
    CREATE TABLE standard_items (
        standard_id bigint NOT NULL REFERENCES standards(id),
        no integer NOT NULL,
        grp {TEXT} NOT NULL,
        text_th {TEXT} NOT NULL,
        text_en {TEXT} NOT NULL,
        PRIMARY KEY (standard_id, no)
    );
    CREATE TABLE rounds (
        id bigserial PRIMARY KEY,
        uuid {TEXT} NOT NULL UNIQUE,
        point_id bigint NOT NULL REFERENCES points(id),
        standard_id bigint NOT NULL REFERENCES standards(id),
        inspected_at {TEXT} NOT NULL,
        fiscal_year integer NOT NULL,
        inspector {TEXT} NOT NULL,
        status {TEXT} NOT NULL CHECK (status IN ('draft', 'final')),
        scores {TEXT} NOT NULL,
        total integer NOT NULL,
        passed integer,
        note {TEXT} NOT NULL DEFAULT '',
        supersedes {TEXT},
        reason {TEXT} NOT NULL DEFAULT '',
        source {TEXT} NOT NULL DEFAULT 'app',
        created_at {TEXT} NOT NULL,
        finalized_at {TEXT},
        recorded_by {TEXT} NOT NULL DEFAULT '',
        audit_batch bigint
    );
    CREATE INDEX rounds_point_year ON rounds(point_id, fiscal_year, status, inspected_at);
    CREATE INDEX rounds_supersedes ON rounds(supersedes) WHERE supersedes IS NOT NULL;
    CREATE TABLE round_notes (
        round_id bigint NOT NULL REFERENCES rounds(id),
        no integer NOT NULL,
        note {TEXT} NOT NULL,
        PRIMARY KEY (round_id, no)
    );
    CREATE TABLE corrective_actions (
        id bigserial PRIMARY KEY,
        uuid {TEXT} NOT NULL UNIQUE,
        point_id bigint NOT NULL REFERENCES points(id),
        round_uuid {TEXT} NOT NULL,
        item_no integer NOT NULL,
        what {TEXT} NOT NULL,
        who {TEXT} NOT NULL DEFAULT '',
        due_date {TEXT},
        closed_date {TEXT},
        created_at {TEXT} NOT NULL,
        changed_at {TEXT}, changed_on {TEXT}, changed_base {TEXT}
    );
    CREATE INDEX actions_point ON corrective_actions(point_id, closed_date);
    CREATE TABLE plan_projects (
        fiscal_year integer NOT NULL,
        project integer NOT NULL,
        title_th {TEXT} NOT NULL,
        title_en {TEXT} NOT NULL,
        PRIMARY KEY (fiscal_year, project)
    );
    CREATE TABLE plan_steps (
        id bigserial PRIMARY KEY,
        uuid {TEXT} NOT NULL UNIQUE,
        fiscal_year integer NOT NULL,
        project integer NOT NULL,
        step_no integer NOT NULL,
        title_th {TEXT} NOT NULL,
        title_en {TEXT} NOT NULL,
        weight double precision NOT NULL,
        cumulative double precision NOT NULL,
        months {TEXT} NOT NULL,
        floor integer,
        done_date {TEXT},
        evidence {TEXT} NOT NULL DEFAULT '',
        changed_at {TEXT}, changed_on {TEXT}, changed_base {TEXT},
        UNIQUE (fiscal_year, project, step_no)
    );
    CREATE TABLE survey_forms (
        id bigserial PRIMARY KEY,
        uuid {TEXT} NOT NULL UNIQUE,
        key {TEXT} NOT NULL UNIQUE,
        fiscal_year integer NOT NULL,
        name_th {TEXT} NOT NULL,
        name_en {TEXT} NOT NULL,
        derived_from {TEXT} REFERENCES survey_forms(key),
        replaced_by {TEXT} REFERENCES survey_forms(key),
        retired integer NOT NULL DEFAULT 0,
        created_at {TEXT} NOT NULL,
        changed_at {TEXT}, changed_on {TEXT}, changed_base {TEXT}
    );
    CREATE TABLE survey_questions (
        id bigserial PRIMARY KEY,
        uuid {TEXT} NOT NULL UNIQUE,
        fiscal_year integer NOT NULL,
        form {TEXT} NOT NULL,
        no integer NOT NULL,
        text_th {TEXT} NOT NULL,
        text_en {TEXT} NOT NULL,
        UNIQUE (fiscal_year, form, no)
    );
    CREATE TABLE survey_responses (
        id bigserial PRIMARY KEY,
        uuid {TEXT} NOT NULL UNIQUE,
        answered_on {TEXT} NOT NULL,
        fiscal_year integer NOT NULL,
        point_id bigint REFERENCES points(id),
        grp {TEXT} NOT NULL CHECK (grp IN ('official', 'employee', 'public')),
        ratings {TEXT} NOT NULL,
        satisfied integer NOT NULL,
        source {TEXT} NOT NULL DEFAULT 'app',
        recorded_by {TEXT} NOT NULL DEFAULT '',
        created_at {TEXT} NOT NULL,
        form {TEXT} REFERENCES survey_forms(key)
    );
    CREATE INDEX survey_year ON survey_responses(fiscal_year, grp, satisfied);
    CREATE TABLE survey_imports (
        digest {TEXT} PRIMARY KEY,
        file_name {TEXT} NOT NULL,
        rows integer NOT NULL,
        imported_at {TEXT} NOT NULL
    );
    CREATE TABLE guard_shifts (
        code {TEXT} PRIMARY KEY,
        name_th {TEXT} NOT NULL,
        name_en {TEXT} NOT NULL,
        required_guards integer NOT NULL,
        required integer NOT NULL DEFAULT 1,
        sort integer NOT NULL
    );
    -- The laptop's seeded shifts (m008): shifts are not sent in sync files.
    INSERT INTO guard_shifts VALUES ('day', 'กลางวัน', 'day', 12, 1, 1),
                                    ('night', 'กลางคืน', 'night', 8, 1, 2);
    CREATE TABLE guard_reports (
        id bigserial PRIMARY KEY,
        uuid {TEXT} NOT NULL UNIQUE,
        day {TEXT} NOT NULL,
        fiscal_year integer NOT NULL,
        shift {TEXT} NOT NULL REFERENCES guard_shifts(code),
        supervisor {TEXT} NOT NULL,
        required integer NOT NULL,
        present integer NOT NULL,
        posts {TEXT} NOT NULL DEFAULT '',
        patrols {TEXT} NOT NULL DEFAULT '',
        note {TEXT} NOT NULL DEFAULT '',
        status {TEXT} NOT NULL CHECK (status IN ('draft', 'signed')),
        supersedes {TEXT},
        reason {TEXT} NOT NULL DEFAULT '',
        source {TEXT} NOT NULL DEFAULT 'app',
        recorded_by {TEXT} NOT NULL DEFAULT '',
        created_at {TEXT} NOT NULL,
        signed_at {TEXT}
    );
    CREATE INDEX guard_reports_day ON guard_reports(day, shift, status);
    CREATE INDEX guard_reports_year ON guard_reports(fiscal_year);
    CREATE INDEX guard_reports_supersedes ON guard_reports(supersedes)
        WHERE supersedes IS NOT NULL;
    CREATE TABLE guard_events (
        id bigserial PRIMARY KEY,
        uuid {TEXT} NOT NULL UNIQUE,
        report_id bigint NOT NULL REFERENCES guard_reports(id),
        at {TEXT} NOT NULL,
        place {TEXT} NOT NULL,
        category {TEXT} NOT NULL CHECK (category IN ('theft', 'damage', 'loss', 'intrusion',
            'alarm', 'disturbance', 'found', 'other')),
        description {TEXT} NOT NULL DEFAULT '',
        loss_value double precision,
        action_taken {TEXT} NOT NULL DEFAULT '',
        counts integer,
        reason {TEXT} NOT NULL DEFAULT '',
        classified_by {TEXT},
        classified_at {TEXT},
        changed_at {TEXT}, changed_on {TEXT}, changed_base {TEXT}
    );
    CREATE INDEX guard_events_report ON guard_events(report_id);
    CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at {TEXT} NOT NULL,
        actor {TEXT} NOT NULL,
        action {TEXT} NOT NULL,
        kind {TEXT} NOT NULL,
        record_uuid {TEXT} NOT NULL,
        before {TEXT} NOT NULL,
        after {TEXT} NOT NULL,
        prev_hash {TEXT} NOT NULL,
        hash {TEXT} NOT NULL,
        device_id {TEXT} NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_device ON audit_log(device_id, id);
    CREATE UNIQUE INDEX audit_device_hash ON audit_log(device_id, hash);
    CREATE TABLE sync_history (
        id bigserial PRIMARY KEY,
        kind {TEXT} NOT NULL,
        record_uuid {TEXT} NOT NULL,
        label {TEXT} NOT NULL DEFAULT '',
        kept {TEXT} NOT NULL,
        lost {TEXT} NOT NULL,
        kept_changed_at {TEXT},
        kept_device {TEXT},
        lost_changed_at {TEXT},
        lost_device {TEXT},
        decided_at {TEXT} NOT NULL,
        file_sha256 {TEXT} NOT NULL
    );
    CREATE INDEX sync_history_record ON sync_history(record_uuid);
"""

# What a receiver may change in an office: editable records only. Final records (rounds,
# signed reports, answers, the audit chains) are insert-only at the database too.
_EDITABLE_TABLES = ("points", "plan_steps", "corrective_actions", "guard_events", "survey_forms")


def _h001_office(cur: psycopg.Cursor, schema: str) -> None:
    cur.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(schema)))
    cur.execute(_OFFICE_TABLES)  # type: ignore[arg-type]
    s = sql.Identifier(schema)
    cur.execute(
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}, {}").format(
            s, sql.Identifier(READER), sql.Identifier(RECEIVER)
        )
    )
    cur.execute(
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(s, sql.Identifier(READER))
    )
    cur.execute(
        sql.SQL("GRANT INSERT ON ALL TABLES IN SCHEMA {} TO {}").format(s, sql.Identifier(RECEIVER))
    )
    cur.execute(
        sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
            s, sql.Identifier(RECEIVER)
        )
    )
    for table in _EDITABLE_TABLES:
        cur.execute(
            sql.SQL("GRANT UPDATE ON {}.{} TO {}").format(
                s, sql.Identifier(table), sql.Identifier(RECEIVER)
            )
        )
    # A survey form whose later edit wins comes with its questions (sync/receive.py).
    cur.execute(
        sql.SQL("GRANT DELETE ON {}.survey_questions TO {}").format(s, sql.Identifier(RECEIVER))
    )


@dataclass(frozen=True)
class Migration:
    name: str
    hub: Callable[[psycopg.Cursor], None]
    office: Callable[[psycopg.Cursor, str], None]


def _h002_hub(cur: psycopg.Cursor) -> None:
    """Nothing hub-wide: the change is each office's (below)."""


def _h002_office(cur: psycopg.Cursor, schema: str) -> None:
    """Shift hours, and the day each guard event happened (the laptop's m018, issue 15).

    The plan counts an incident in the fiscal year it happened: an event after midnight on
    a night report happened the next day. Existing events get their day as the laptop's
    migration gives it (a time before the shift's start on a shift past midnight: the next
    day); new ones are given it on receipt by the domain's own Shift.day_of.
    """
    cur.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(schema)))
    cur.execute(
        f"ALTER TABLE guard_shifts ADD COLUMN starts {TEXT} NOT NULL DEFAULT '08:00',"
        f" ADD COLUMN ends {TEXT} NOT NULL DEFAULT '20:00'"
    )
    cur.execute("UPDATE guard_shifts SET starts = '20:00', ends = '08:00' WHERE code = 'night'")
    cur.execute(
        f"ALTER TABLE guard_events ADD COLUMN occurred_on {TEXT}, ADD COLUMN fiscal_year integer"
    )
    cur.execute(
        "UPDATE guard_events e SET occurred_on = CASE WHEN s.ends <= s.starts AND e.at < s.starts"
        " THEN to_char(r.day::date + 1, 'YYYY-MM-DD') ELSE r.day END"
        " FROM guard_reports r JOIN guard_shifts s ON s.code = r.shift WHERE r.id = e.report_id"
    )
    # B.E. fiscal year: the C.E. year + 543, one more from October (core.calendar).
    cur.execute(
        "UPDATE guard_events SET fiscal_year = substr(occurred_on, 1, 4)::integer + 543"
        " + (substr(occurred_on, 6, 2)::integer >= 10)::integer"
    )
    cur.execute("CREATE INDEX guard_events_year ON guard_events(fiscal_year)")


def _h003_hub(cur: psycopg.Cursor) -> None:
    """Nothing hub-wide: the change is each office's (below)."""


def _h003_office(cur: psycopg.Cursor, schema: str) -> None:
    """Sync files of version 2 (the laptop's m016 and m019, issue 14 and 16).

    Audit rows name the actor's role and where the action came from, hold the digests of
    the records they write and say by which formula their hash is made (rows already
    here are of the first); a plan step carries its evidence in English too.
    """
    cur.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(schema)))
    cur.execute(
        f"ALTER TABLE audit_log ADD COLUMN role {TEXT} NOT NULL DEFAULT '',"
        f" ADD COLUMN via {TEXT} NOT NULL DEFAULT '', ADD COLUMN covers {TEXT},"
        " ADD COLUMN format integer NOT NULL DEFAULT 1"
    )
    cur.execute(f"ALTER TABLE plan_steps ADD COLUMN evidence_en {TEXT} NOT NULL DEFAULT ''")


MIGRATIONS: tuple[Migration, ...] = (
    Migration("h001_hub_and_offices", _h001_hub, _h001_office),
    Migration("h002_event_moments", _h002_hub, _h002_office),
    Migration("h003_records_under_the_chain", _h003_hub, _h003_office),
)


def _roles(cur: psycopg.Cursor) -> None:
    """The three roles, made when missing; making them needs CREATEROLE once."""
    have = {
        r[0]
        for r in cur.execute(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", [[READER, RECEIVER, ADMIN]]
        )
    }
    for role in (READER, RECEIVER, ADMIN):
        if role not in have:
            cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(READER), sql.Identifier(RECEIVER)))
    cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(RECEIVER), sql.Identifier(ADMIN)))


def _grants(cur: psycopg.Cursor) -> None:
    r, w, a = (sql.Identifier(x) for x in (READER, RECEIVER, ADMIN))
    for stmt in (
        "GRANT USAGE ON SCHEMA hub TO {r}",
        "GRANT SELECT ON ALL TABLES IN SCHEMA hub TO {r}",
        "GRANT INSERT ON hub.receipts TO {w}",
        "GRANT INSERT, UPDATE ON hub.scores TO {w}",
        "GRANT USAGE ON ALL SEQUENCES IN SCHEMA hub TO {w}",
        "GRANT UPDATE (name_th, name_en, names_from) ON hub.offices TO {w}",
        "GRANT INSERT ON hub.offices TO {a}",
        "GRANT INSERT, UPDATE, DELETE ON hub.trust TO {a}",
    ):
        cur.execute(sql.SQL(stmt).format(r=r, w=w, a=a))
    db = cur.execute("SELECT current_database()").fetchone()[0]
    cur.execute(sql.SQL("GRANT CREATE ON DATABASE {} TO {}").format(sql.Identifier(db), a))


def applied(conn: psycopg.Connection) -> list[str]:
    """The hub migrations applied, in order; [] when this database is not a hub yet."""
    exists = conn.execute("SELECT to_regclass('hub.migrations')").fetchone()[0]
    if exists is None:
        return []
    return [r[0] for r in conn.execute("SELECT name FROM hub.migrations ORDER BY name")]


def office_schemas(conn: psycopg.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT code, schema_name FROM hub.offices ORDER BY code").fetchall())


def migrate(conn: psycopg.Connection) -> list[str]:
    """Create or upgrade the hub's schema; the names of the migrations applied now.
    `hub.upgrade.init` runs it with the scores computed again in the same transaction."""
    done: list[str] = []
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [_INIT_LOCK])
        cur.execute("CREATE SCHEMA IF NOT EXISTS hub")
        cur.execute(
            "CREATE TABLE IF NOT EXISTS hub.migrations (name text PRIMARY KEY,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        have = set(applied(conn))
        _refuse_newer(have)
        _roles(cur)
        offices = list(office_schemas(conn).values()) if have else []
        for m in MIGRATIONS:
            if m.name in have:
                continue
            m.hub(cur)
            for schema in offices:
                m.office(cur, schema)
            cur.execute("INSERT INTO hub.migrations(name) VALUES (%s)", [m.name])
            done.append(m.name)
        _grants(cur)
    return done


def _refuse_newer(have: set[str]) -> None:
    unknown = sorted(have - {m.name for m in MIGRATIONS})
    if unknown:
        raise HubUnavailable("hub.newer", field="--pg")


def require_current(conn: psycopg.Connection) -> None:
    """Every command but `init` works on a hub at this app's version, and says so if not."""
    have = applied(conn)
    if not have:
        raise HubUnavailable("hub.not_initialised", field="--pg")
    _refuse_newer(set(have))
    if len(have) < len(MIGRATIONS):
        raise HubUnavailable("hub.needs_upgrade", field="--pg")


def create_office(
    cur: psycopg.Cursor, code: str, name_th: str, name_en: str, names_from: str | None
) -> str:
    """Register an office and make its schema at the hub's version; its schema name."""
    schema = office_schema(code)
    cur.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    have = {r[0] for r in cur.execute("SELECT name FROM hub.migrations")}
    for m in MIGRATIONS:
        if m.name in have:
            m.office(cur, schema)
    cur.execute("SET LOCAL search_path TO DEFAULT")
    cur.execute(
        "INSERT INTO hub.offices(code, schema_name, name_th, name_en, names_from)"
        " VALUES (%s, %s, %s, %s, %s)",
        [code, schema, name_th, name_en, names_from],
    )
    return schema
