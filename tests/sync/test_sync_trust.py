"""Issue 14, point 3: the trust list, and the file check the city hub calls without a
laptop database (DOMAIN.md section 8)."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.audit import local_device
from core.db import open_db
from core.devices import (
    fingerprint,
    own_devices,
    trust_device,
    trusted_device_ids,
    trusted_devices,
    untrust_device,
)
from core.errors import InvalidInput, SalaError
from core.users import Actor, PermissionDenied, act_as
from sync.fileformat import UntrustedComputer, read_sync_file
from sync.keys import device_key, existing_key, key_path
from sync.receive import import_sync
from sync.send import export_sync
from sync.status import last_import
from tests.sync.sync_helpers import add_rounds, file_state


@pytest.fixture
def two(tmp_path):
    a, b = open_db(tmp_path / "a.db"), open_db(tmp_path / "b.db")
    add_rounds(a, [("F1-01", datetime(2021, 3, 1, 9, 0), "สมชาย", [4] * 20)])
    out = tmp_path / "a.srsync"
    export_sync(a, out)
    yield a, b, out
    a.close()
    b.close()


def test_the_hub_checks_a_file_with_a_trust_list_given_as_data(two) -> None:
    """read_sync_file takes the trust list as a mapping: no SQLite database needed."""
    a, _, out = two
    key = device_key(a)
    device = local_device(a)
    checked = read_sync_file(out, trusted={device: key.public_key})
    assert checked.manifest.device_id == device and not checked.newly_trusted
    assert checked.manifest.fingerprint == key.fingerprint
    assert [r["inspector"] for r in checked.content["rounds"]] == ["สมชาย"]
    with pytest.raises(UntrustedComputer) as err:
        read_sync_file(out, trusted={})
    assert err.value.device_id == device and err.value.public_key == key.public_key
    assert read_sync_file(out, trusted={}, accept_new=True).newly_trusted
    other = device_key(open_db(":memory:")).public_key
    with pytest.raises(InvalidInput) as err:
        read_sync_file(out, trusted={device: other})
    assert "not signed by its key" in err.value.en


def test_trusting_is_an_administrator_s_decision_checked_in_the_domain(two) -> None:
    a, b, out = two
    device, key = local_device(a), device_key(a).public_key
    for role in ("inspector", "guard_supervisor", "section_head"):
        act_as(b, Actor("someone", role))
        state = file_state(b)
        with pytest.raises(PermissionDenied):
            trust_device(b, device, key)
        with pytest.raises(PermissionDenied):
            import_sync(b, out, trust=True)
        assert file_state(b) == state
    act_as(b, Actor("admin", "admin"))
    trusted = trust_device(b, device, key)
    assert trusted.trusted_by == "admin" and trusted.fingerprint == fingerprint(key)
    assert trust_device(b, device, key) == trusted  # again: nothing changes
    (row,) = b.execute(
        "SELECT actor, action, after FROM audit_log WHERE kind = 'device' AND record_uuid = ?",
        [device],
    ).fetchall()
    assert row[0] == "admin" and row[1] == "trust" and key in row[2]
    # Another key for a trusted computer is what a forger sends: refused, even to an admin.
    with pytest.raises(InvalidInput) as err:
        trust_device(b, device, device_key(open_db(":memory:")).public_key)
    assert err.value.field == "key"
    with pytest.raises(InvalidInput):
        trust_device(b, local_device(b), key)  # this computer trusts itself already
    import_sync(b, out)
    untrust_device(b, device)
    assert trusted_devices(b) == []
    with pytest.raises(InvalidInput):
        untrust_device(b, device)


def test_receiving_never_makes_a_key_and_a_file_of_this_computer_comes_back(two) -> None:
    a, b, out = two
    assert existing_key(b) is None and not key_path(b).exists()
    with pytest.raises(UntrustedComputer):
        import_sync(b, out)
    assert existing_key(b) is None  # a refusal writes nothing, not even a key
    # A's own file, brought back, is A's: accepted without anyone trusting it.
    result = import_sync(a, out)
    assert result.source_device == local_device(a)
    assert local_device(a) in own_devices(a) and local_device(a) in trusted_device_ids(a)


def test_the_sync_page_s_last_result_says_a_computer_was_trusted(two) -> None:
    a, b, out = two
    act_as(b, Actor("admin", "admin"))
    import_sync(b, out, trust=True)
    shown = last_import(b)
    assert shown is not None and shown.trusted_now == device_key(a).fingerprint
    assert device_key(a).fingerprint in shown.summary("th")


def test_a_damaged_key_file_is_not_replaced_silently(tmp_path) -> None:
    db = open_db(tmp_path / "x.db")
    key = device_key(db)
    key_path(db).write_bytes(b"not a key")
    with pytest.raises(SalaError) as err:
        device_key(db)
    assert err.value.field == "key" and "new key" in err.value.en
    assert key_path(db).read_bytes() == b"not a key"
    key_path(db).unlink()
    assert device_key(db).public_key != key.public_key  # moved away: a new key is made
    db.close()


def test_a_restored_computer_keeps_its_trust_by_its_key(laptops, tmp_path) -> None:
    """A restore gives the database a new device id; it signs with the same key, which the
    other computer trusts: the new id joins that trust, audited, naming the old id."""
    from core.backup import backup_to
    from core.restore import restore_from
    from tests.actors import ADMIN

    a, b = laptops
    a_path = tmp_path / "a.db"
    old = local_device(a)
    backup_to(a, tmp_path / "backup.db")
    a.close()
    restore_from(a_path, tmp_path / "backup.db", ADMIN)
    a = open_db(a_path)
    try:
        assert local_device(a) != old
        export_sync(a, tmp_path / "after.srsync")
        import_sync(b, tmp_path / "after.srsync")
        assert {old, local_device(a)} <= trusted_device_ids(b)
        (after,) = b.execute(
            "SELECT after FROM audit_log WHERE kind = 'device' AND record_uuid = ?",
            [local_device(a)],
        ).fetchone()
        assert old in after
    finally:
        a.close()
