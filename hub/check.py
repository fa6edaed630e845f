"""`hub check`: every device's audit chain at the hub, verified as `check` does on a laptop
(core.audit.chain_report on each device's rows, in chain order), and every office's
records covered by their latest audit row's digest (core.coverage, as on a laptop)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import psycopg

from core.audit import ROW_COLUMNS, AuditRow, ChainReport, chain_report
from core.coverage import table_problems
from core.records import COVERED, Record, digester
from hub.dialect import PgDatabase, claims, record_rows
from hub.schema import office_schemas


@dataclass(frozen=True)
class DeviceChain:
    office: str
    device_id: str
    report: ChainReport


def verify_chains(conn: psycopg.Connection) -> list[DeviceChain]:
    out = []
    for code, schema in office_schemas(conn).items():
        db = PgDatabase(conn, schema)
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            devices = [
                r[0]
                for r in db.execute(
                    "SELECT device_id FROM audit_log GROUP BY device_id ORDER BY MIN(id)"
                )
            ]
            for device in devices:
                # Every field a row's hash may cover (core.audit.expected_hash).
                rows = db.execute(
                    f"SELECT {ROW_COLUMNS} FROM audit_log WHERE device_id = ? ORDER BY id",
                    [device],
                )
                out.append(DeviceChain(code, device, chain_report(AuditRow(*r) for r in rows)))
    return out


@dataclass(frozen=True)
class OfficeRecords:
    """What `hub check` proves of one office's records (core.coverage, as `check` does)."""

    office: str
    records: int
    problems: list[str]  # Thai and English lines, naming table and record


def verify_records(conn: psycopg.Connection) -> list[OfficeRecords]:
    """Per office, every record the hub holds against its latest audit row: covered with a
    matching digest, or named (changed, added or deleted outside `hub receive`).

    The hub keeps no chain of its own: every row is a sending computer's, read as any
    other computer reads it. Only what sync files carry is held here (an event's day is
    the hub's own derivation, as each laptop's is)."""
    out = []
    for code, schema in office_schemas(conn).items():
        db = PgDatabase(conn, schema)
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            every = claims(db, set())
            problems: list[str] = []
            counted = [0]
            for rec in COVERED:
                if not rec.synced:
                    continue
                problems.extend(table_problems(rec, every, _digested(db, rec, counted)))
            out.append(OfficeRecords(code, counted[0], problems))
    return out


def _digested(db: PgDatabase, rec: Record, counted: list[int]) -> Iterator[tuple[str, str]]:
    digest = digester(rec)
    for row in record_rows(db, rec):
        counted[0] += 1
        yield rec.key_of(row), digest(row)
