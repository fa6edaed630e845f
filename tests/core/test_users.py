"""Issue 7: roles enforced in the domain; a refused action changes nothing."""

from pathlib import Path

import pytest

from core.audit import rows
from core.db import open_db
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
from tests.shared import copy_database, pinned_now


def _signin(db, username, password="correct horse"):
    act_as(db, authenticate(db, username, password).actor())


def _staff(db):
    create_user(db, "admin", "ผู้ดูแล", "admin", "correct horse")
    for name, role in (("somchai", "inspector"), ("guard1", "guard_supervisor")):
        create_user(db, name, name, role, "correct horse")
    return db


@pytest.fixture
def staffed(db):
    return _staff(db)


@pytest.fixture(scope="module")
def staffed_year_once(tmp_path_factory) -> Path:
    """Staff and a demo year of guard reports and rounds entered by the operating-system
    account (as a command-line run without --user): made once, copied for each test."""
    from core.users import os_actor
    from inspection.demo import fill_demo_rounds
    from security.demo import fill_demo_guard

    path = tmp_path_factory.mktemp("staffed") / "sala.db"
    with pinned_now():
        db = _staff(open_db(path))
        act_as(db, os_actor("office"))  # data entry, as a command-line run without --user
        fill_demo_guard(db, 2564)
        fill_demo_rounds(db, 2564)
        db.close()
    return path


@pytest.fixture
def staffed_year(staffed_year_once, db_path):
    db = open_db(copy_database(staffed_year_once, db_path))
    yield db
    db.close()


def test_passwords_are_scrypt_hashed_never_stored_in_clear(staffed) -> None:
    stored = [r[0] for r in staffed.execute("SELECT pw_hash FROM users")]
    assert all(h.startswith("scrypt$") and "correct horse" not in h for h in stored)
    assert verify_password("pw-12345", hash_password("pw-12345"))
    assert not verify_password("pw-12346", hash_password("pw-12345"))


def test_the_app_hashes_at_its_own_scrypt_work_factor(app_scrypt, monkeypatch) -> None:
    """The tests hash at a lower n (tests/conftest.py); the app's own is n = 2**14, r = 8,
    p = 1, and an unknown user name costs the same scrypt as a known one."""
    import core.users

    assert app_scrypt == {"n": 2**14, "r": 8, "p": 1}
    monkeypatch.setattr(core.users, "_SCRYPT", app_scrypt)
    stored = hash_password("pw-12345")
    assert stored.startswith("scrypt$16384$8$1$")
    assert verify_password("pw-12345", stored) and not verify_password("pw-12346", stored)
    assert core.users._DUMMY_HASH.startswith("scrypt$16384$8$1$")


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


def test_only_an_administrator_sets_the_idle_lock_time_within_limits(staffed) -> None:
    from core.users import idle_lock_minutes, set_idle_lock_minutes

    assert idle_lock_minutes(staffed) == 10
    _signin(staffed, "somchai")
    audit_before = len(rows(staffed))
    with pytest.raises(PermissionDenied):
        set_idle_lock_minutes(staffed, 1)
    assert idle_lock_minutes(staffed) == 10 and len(rows(staffed)) == audit_before
    _signin(staffed, "admin")
    for bad in (0, 241, True, "5"):
        with pytest.raises(InvalidInput):
            set_idle_lock_minutes(staffed, bad)
    set_idle_lock_minutes(staffed, 3)
    assert idle_lock_minutes(staffed) == 3
    (last,) = rows(staffed, kind="setting", limit=1)
    assert (last.actor, last.before, last.after) == ("admin", "null", '"3"')


def _content(db) -> str:
    import hashlib

    return hashlib.sha256("\n".join(db.conn.iterdump()).encode("utf-8")).hexdigest()


def _refusals():
    """(role, what is refused): each call must raise PermissionDenied and change nothing."""
    from core.plan import mark_step_done, plan_for_year
    from core.users import set_idle_lock_minutes
    from inspection.csv_io import import_rounds
    from inspection.points import set_point_active
    from inspection.standard import create_standard_version
    from security.contract import set_contract
    from security.indicator import classify_event
    from security.reports import mark_month_checked
    from summary.signing import sign_annual_summary

    def event(db):
        return db.execute(
            "SELECT uuid FROM guard_events WHERE category = 'theft' LIMIT 1"
        ).fetchone()[0]

    def step(db):
        return plan_for_year(db, 2564)[0].uuid

    classify = ("classify", lambda db: classify_event(db, event(db), True, "เหตุจริง"))
    sign = ("sign", lambda db: sign_annual_summary(db, 2564))
    users = ("create_user", lambda db: create_user(db, "eve", "", "admin", "correct horse"))
    reset = ("reset_password", lambda db: reset_password(db, "admin", "taken over"))
    point = ("deactivate_point", lambda db: set_point_active(db, "F1-01", False))
    standard = ("new_standard", lambda db: create_standard_version(db, "items.csv"))
    contract = ("set_contract", lambda db: set_contract(db, {"night": (False, 0)}, ["x"]))
    idle = ("idle_time", lambda db: set_idle_lock_minutes(db, 1))
    month = ("month_check", lambda db: mark_month_checked(db, 2021, 8, "ok"))
    plan = ("plan", lambda db: mark_step_done(db, step(db), "2021-08-01"))
    draft = ("start_round", lambda db: R.start_draft(db, "F1-01", "สมชาย"))
    imports = ("import_rounds", lambda db: import_rounds(db, "rounds.csv"))
    return [
        *[
            ("inspector", c)
            for c in (classify, users, reset, point, standard, contract, idle, month, plan)
        ],  # fmt: skip
        *[("guard_supervisor", c) for c in (classify, draft, imports, users, point, plan)],
        *[("section_head", c) for c in (users, reset, standard, contract, idle)],
        ("admin", classify),  # classifying incidents is the section head's call alone
        # Issue 15 point 6: the operating-system account (no --user) decides nothing.
        *[
            ("os_account", c)
            for c in (classify, users, point, standard, contract, idle, month, plan, sign)
        ],
    ]


@pytest.mark.parametrize(
    ("role", "action"), _refusals(), ids=[f"{r}-{a[0]}" for r, a in _refusals()]
)
def test_a_refused_action_changes_nothing(staffed_year, role, action) -> None:
    from core.users import Actor

    staffed = staffed_year
    act_as(staffed, Actor("someone", role))
    before = _content(staffed)
    with pytest.raises(PermissionDenied) as err:
        action[1](staffed)
    assert "someone" in err.value.en
    assert _content(staffed) == before


def test_an_unknown_user_name_gets_the_same_answer_as_a_wrong_password(staffed) -> None:
    answers = []
    for name, password in (("nobody", "correct horse"), ("somchai", "wrong password")):
        with pytest.raises(InvalidInput) as err:
            authenticate(staffed, name, password)
        answers.append(err.value.en)
    assert answers[0] == answers[1]


def test_the_contract_change_is_audited_with_what_it_was_before(staffed) -> None:
    from security.contract import set_contract

    set_contract(staffed, {"night": (False, 0)}, ["ประตู 1"])
    (row,) = rows(staffed, kind="guard_contract", limit=1)
    assert '"night":[true,' in row.before and '"night":[false,0]' in row.after


def test_an_administrator_closes_an_account_and_changes_a_role(staffed) -> None:
    from core.users import list_users, set_user_active, set_user_role

    _signin(staffed, "somchai")
    before = _content(staffed)
    with pytest.raises(PermissionDenied):
        set_user_active(staffed, "guard1", False)
    with pytest.raises(PermissionDenied):
        set_user_role(staffed, "somchai", "admin")
    assert _content(staffed) == before
    _signin(staffed, "admin")
    set_user_active(staffed, "somchai", False)
    with pytest.raises(InvalidInput):  # a closed account cannot sign in
        authenticate(staffed, "somchai", "correct horse")
    set_user_active(staffed, "somchai", True)
    authenticate(staffed, "somchai", "correct horse")
    assert set_user_role(staffed, "guard1", "section_head").role == "section_head"
    (row,) = rows(staffed, kind="user", limit=1)
    assert row.action == "set_role" and '"guard_supervisor"' in row.before
    # The last active administrator can be neither closed nor demoted.
    before = _content(staffed)
    with pytest.raises(InvalidInput):
        set_user_active(staffed, "admin", False)
    with pytest.raises(InvalidInput):
        set_user_role(staffed, "admin", "inspector")
    assert _content(staffed) == before
    set_user_role(staffed, "guard1", "admin")
    with pytest.raises(InvalidInput):  # not one's own, even with another administrator
        set_user_active(staffed, "admin", False)
    _signin(staffed, "guard1")
    set_user_active(staffed, "admin", False)  # another administrator remains
    assert {u.username: u.active for u in list_users(staffed)}["admin"] is False


@pytest.mark.parametrize("failure", [KeyError, ImportError, OSError])
def test_a_command_line_run_without_a_login_name_acts_as_the_os_account(
    monkeypatch, failure
) -> None:
    """Issue 7: the CLI records the operating-system account, and must still run where
    there is none (Python 3.11 raises KeyError for a container uid without a passwd entry,
    ImportError on Windows without USERNAME). Issue 15: that account decides nothing."""
    import getpass

    from core.users import PERMISSIONS, os_actor

    def no_login() -> str:
        raise failure("no login name")

    monkeypatch.setattr(getpass, "getuser", no_login)
    assert os_actor().username == "os-account"
    assert os_actor("office").username == "office"
    assert (os_actor().role, os_actor().via) == ("os_account", "cli")
    decisions = {"summary.sign", "incidents.classify", "points.activate", "backup.restore",
                 "users.manage", "plan.edit", "settings.edit"}  # fmt: skip
    assert not decisions & PERMISSIONS["os_account"]
    assert "script" not in PERMISSIONS  # no role holds every right


@pytest.mark.parametrize(
    "name",
    ["admin\nsigned-by: head", "a" * 41, "two words", "tab\there", "", " ", "nul\x00",
     "zero\u200bwidth", "bell\x07"],
)  # fmt: skip
def test_a_user_name_is_one_printable_line_at_most_the_window_length(staffed, name) -> None:
    """Issue 15 point 8: anything else is refused, not cleaned (a newline forged a line)."""
    from core.users import USERNAME_MAX, check_username

    assert USERNAME_MAX == 40
    with pytest.raises(InvalidInput) as err:
        check_username(name)
    assert err.value.field == "username"
    _signin(staffed, "admin")
    with pytest.raises(InvalidInput):
        create_user(staffed, name, "", "inspector", "correct horse")
    assert check_username("สมชาย.ใจดี") == "สมชาย.ใจดี"
    assert check_username("Head1") == "head1"
