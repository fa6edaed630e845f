"""Issue 7: roles enforced in the domain; a refused action changes nothing."""

import pytest

from core.audit import rows
from core.errors import InvalidInput
from core.users import (
    PermissionDenied,
    act_as,
    authenticate,
    create_user,
    has_users,
    hash_password,
    reset_password,
    verify_password,
)
from inspection import rounds as R


def _signin(db, username, password="correct horse"):
    act_as(db, authenticate(db, username, password).actor())


@pytest.fixture
def staffed(db):
    create_user(db, "admin", "ผู้ดูแล", "admin", "correct horse")
    for name, role in (("somchai", "inspector"), ("guard1", "guard_supervisor")):
        create_user(db, name, name, role, "correct horse")
    return db


def test_passwords_are_scrypt_hashed_never_stored_in_clear(staffed) -> None:
    stored = [r[0] for r in staffed.execute("SELECT pw_hash FROM users")]
    assert all(h.startswith("scrypt$") and "correct horse" not in h for h in stored)
    assert verify_password("pw-12345", hash_password("pw-12345"))
    assert not verify_password("pw-12346", hash_password("pw-12345"))


def test_first_account_must_be_the_administrator(db) -> None:
    assert not has_users(db)
    with pytest.raises(InvalidInput):
        create_user(db, "somchai", "", "inspector", "correct horse")
    assert not has_users(db)


def test_wrong_password_is_refused(staffed) -> None:
    with pytest.raises(InvalidInput):
        authenticate(staffed, "somchai", "wrong password")


def test_only_an_administrator_manages_users(staffed) -> None:
    _signin(staffed, "somchai")
    with pytest.raises(PermissionDenied):
        create_user(staffed, "eve", "", "admin", "correct horse")
    with pytest.raises(PermissionDenied):
        reset_password(staffed, "guard1", "new password")
    assert staffed.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 3
    _signin(staffed, "admin")
    reset_password(staffed, "somchai", "new password 1")
    authenticate(staffed, "somchai", "new password 1")


def test_a_guard_supervisor_cannot_finalize_rounds_and_nothing_changes(staffed) -> None:
    _signin(staffed, "somchai")
    d = R.start_draft(staffed, "F1-01", "สมชาย")
    for no in range(1, 21):
        R.set_score(staffed, d.uuid, no, 4)
    audit_before = len(rows(staffed))
    _signin(staffed, "guard1")
    with pytest.raises(PermissionDenied) as err:
        R.finalize_round(staffed, d.uuid)
    assert "guard1" in err.value.en and "สิทธิ์" in err.value.th
    assert R.get_round(staffed, d.uuid).status == "draft"
    assert len(rows(staffed)) == audit_before


def test_the_audit_trail_names_who_recorded_each_round(staffed) -> None:
    _signin(staffed, "somchai")
    d = R.start_draft(staffed, "F1-01", "สมชาย")
    for no in range(1, 21):
        R.set_score(staffed, d.uuid, no, 4)
    R.finalize_round(staffed, d.uuid)
    (final,) = rows(staffed, record_uuid=d.uuid, kind="round", actor="somchai")[:1]
    assert final.action == "finalize" and '"total":80' in final.after
