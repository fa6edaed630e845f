"""Issue 14, point 3: each computer makes its own key pair on first start."""

from __future__ import annotations

import base64


def test_the_first_start_makes_the_key_beside_the_database_never_inside_it(
    qtbot, db, db_path
) -> None:
    from sync.keys import key_path
    from ui.app import HealthCheck

    assert not key_path(db).exists()
    health = HealthCheck(db_path, backup=False)
    with qtbot.waitSignal(health.finished, timeout=10_000):
        health.start()
    health.wait()
    key = key_path(db)
    assert key == db_path.with_name(db_path.name + ".key") and key.exists()
    pem = key.read_bytes()
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    (public,) = db.execute(
        "SELECT json_extract(after, '$.public_key') FROM audit_log WHERE kind = 'device_key'"
    ).fetchone()
    assert len(public) == 64
    # The private key is in no table of the database (so in no backup, no sync file).
    from sync.keys import device_key

    secret = device_key(db).private.private_bytes_raw()
    dump = "\n".join(db.conn.iterdump())
    assert secret.hex() not in dump and base64.b64encode(secret).decode() not in dump
    # A second start keeps the same key.
    again = HealthCheck(db_path, backup=False)
    with qtbot.waitSignal(again.finished, timeout=10_000):
        again.start()
    again.wait()
    assert key.read_bytes() == pem
