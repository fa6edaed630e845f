"""`hub check`: every device's audit chain at the hub, verified as `check` does on a laptop
(core.audit.chain_report on each device's rows, in chain order)."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from core.audit import ROW_COLUMNS, AuditRow, ChainReport, chain_report
from hub.dialect import PgDatabase
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
