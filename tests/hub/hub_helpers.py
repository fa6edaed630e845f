"""Laptops of district offices for the hub tests: a demo year, exported as a sync file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import psycopg

from cli import run
from core.db import open_db
from core.office import set_office
from core.users import create_user

DISTRICTS = {
    "D04": ("สำนักงานเขตบางรัก", "Bang Rak District Office"),
    "D07": ("สำนักงานเขตปทุมวัน", "Pathum Wan District Office"),
    "D13": ("สำนักงานเขตสัมพันธวงศ์", "Samphanthawong District Office"),
}


def laptop(folder: Path, code: str, *, demo: bool = True) -> Path:
    """A laptop database of office `code` (a demo year of FY 2564 unless told not)."""
    path = folder / f"{code}.db"
    db = open_db(path)
    try:
        create_user(db, "admin", "ผู้ดูแล", "admin", "password1")
        th, en = DISTRICTS[code]
        set_office(db, code=code, name_th=th, name_en=en)
    finally:
        db.close()
    if demo:
        assert run(["--db", str(path), "demo", "--fy", "2564"]) == 0
    return path


def export(db_path: Path, out: Path) -> Path:
    assert run(["--db", str(db_path), "sync", "export", "--out", str(out)]) == 0
    return out


def hub_state(url: str) -> str:
    """A digest of every row of every table the hub holds, to prove nothing changed."""
    h = hashlib.sha256()
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_schema = 'hub' OR table_schema LIKE 'office\\_%'"
            " ORDER BY 1, 2"
        ).fetchall()
        for schema, table in tables:
            h.update(f"{schema}.{table}".encode())
            for row in conn.execute(f'SELECT * FROM "{schema}"."{table}" ORDER BY 1'):
                h.update(repr(row).encode())
    return h.hexdigest()


def count(url: str, office: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM office_{office.lower()}.{table}").fetchone()[0]
