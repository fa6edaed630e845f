"""Issue 7: only a section head signs the annual summary; the signature anchors history."""

import re
import sqlite3

import pytest

from cli import run
from core.db import open_db
from core.integrity import check
from core.users import Actor, PermissionDenied, act_as
from inspection.demo import fill_demo_rounds
from summary.score import annual_score, score_json
from summary.signing import latest_signature, sign_annual_summary


@pytest.mark.parametrize("role", ["inspector", "guard_supervisor", "admin"])
def test_only_a_section_head_signs_and_a_refusal_writes_nothing(db, role) -> None:
    fill_demo_rounds(db, 2564)
    act_as(db, Actor("someone", role))
    before = db.execute("SELECT COUNT(*), MAX(hash) FROM audit_log").fetchone()
    with pytest.raises(PermissionDenied):
        sign_annual_summary(db, 2564)
    assert db.execute("SELECT COUNT(*), MAX(hash) FROM audit_log").fetchone() == before
    assert latest_signature(db, 2564) is None


def test_the_signature_keeps_the_score_and_anchors_the_history(db, db_path) -> None:
    fill_demo_rounds(db, 2564)
    act_as(db, Actor("head", "section_head"))
    first = sign_annual_summary(db, 2564)
    assert first.signed_by == "head" and first.score == score_json(annual_score(db, 2564))
    assert latest_signature(db, 2564) == first
    second = sign_annual_summary(db, 2564)  # signed again: the earlier one is its 'before'
    (before,) = db.execute("SELECT before FROM audit_log WHERE hash = ?", [second.head]).fetchone()
    assert first.at in before
    assert check(db, against=first.head).ok
    db.close()
    # A deciding round rewritten afterwards, with the whole chain recomputed to hide it:
    from core.audit import GENESIS, AuditRow, expected_hash

    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE audit_log SET actor = 'forger' WHERE id = 1")
    prev = GENESIS
    for r in conn.execute("SELECT * FROM audit_log ORDER BY id").fetchall():
        h = expected_hash(AuditRow(*r), prev)
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", [prev, h, r[0]])
        prev = h
    conn.commit()
    conn.close()
    assert not check(open_db(db_path), against=first.head).ok


def test_sign_on_the_command_line_names_the_user_and_prints_the_head(
    db_path, capsys, monkeypatch
) -> None:
    from tests.actors import add_accounts

    assert run(["--db", str(db_path), "demo", "--fy", "2564"]) == 0
    add_accounts(db_path, monkeypatch, head="section_head")
    assert run(["--db", str(db_path), "--user", "head", "sign", "annual", "--fy", "2564"]) == 0
    out = capsys.readouterr().out
    db = open_db(db_path)
    signature = latest_signature(db, 2564)
    assert signature is not None and signature.signed_by == "head"
    assert signature.head in out
    # The row's own role (core.audit, format 2) says who signed: a section head.
    (role,) = db.execute(
        "SELECT role FROM audit_log WHERE kind = 'annual_summary' AND hash = ?", [signature.head]
    ).fetchone()
    db.close()
    assert role == "section_head"


def test_a_signature_from_an_account_that_is_not_a_section_head_is_refused_on_the_command_line(
    db_path, capsys
) -> None:
    """Issue 14, point 3: a signature counts only from a section head's account. The
    command line acts as the operating-system account until it signs in (`--user` with
    a password, DOMAIN.md section 8): its signature is refused, exit 2, nothing
    written."""
    assert run(["--db", str(db_path), "demo", "--fy", "2564"]) == 0
    db = open_db(db_path)
    before = db.execute("SELECT COUNT(*) FROM audit_log").fetchone()
    db.close()
    capsys.readouterr()
    assert run(["--db", str(db_path), "sign", "annual", "--fy", "2564"]) == 2
    err = capsys.readouterr().err
    assert "ไม่มีสิทธิ์" in err and "may not do this" in err and "Traceback" not in err
    db = open_db(db_path)
    assert db.execute("SELECT COUNT(*) FROM audit_log").fetchone() == before
    assert latest_signature(db, 2564) is None
    db.close()


def test_the_printed_summary_names_the_signature_and_warns_of_a_later_change(db) -> None:
    """Issue 7: the signed annual summary carries the signature's head hash; issue 6 prints
    it; issue 16: by the signer's display name and position, with a B.E. date, never the
    login."""
    from datetime import datetime

    from core.office import set_office
    from core.users import create_user
    from reports.annual_pdf import signature_lines
    from tests.sync.sync_helpers import add_rounds

    fill_demo_rounds(db, 2564)
    assert signature_lines(db, 2564, "en") == [
        "This year's summary has not been signed in the app yet"
    ]
    create_user(db, "admin", "ผู้ดูแลระบบ", "admin", "password-1")
    act_as(db, Actor("admin", "admin"))
    create_user(db, "head", "นางสมหญิง ใจดี", "section_head", "password-2")
    set_office(db, head_position_th="หัวหน้ากลุ่มงานอาคารสถานที่")
    act_as(db, Actor("head", "section_head"))
    sig = sign_annual_summary(db, 2564)
    (line,) = signature_lines(db, 2564, "th")
    assert "นางสมหญิง ใจดี" in line and "หัวหน้ากลุ่มงานอาคารสถานที่" in line
    assert "head" not in line.replace(sig.head, "")
    assert sig.head in line
    assert re.search(r"เมื่อวันที่ \d{1,2} \S+ 25\d\d เวลา \d\d:\d\d น\.", line), line
    # A failing round after the signature changes the score: the paper says so.
    add_rounds(db, [("F1-01", datetime(2021, 9, 29, 9, 0), "สมชาย", [0] * 20)])
    assert len(signature_lines(db, 2564, "en")) == 2
    assert "changed after it was signed" in signature_lines(db, 2564, "en")[1]


def test_a_round_written_while_signing_is_in_both_the_score_and_the_anchor(
    db, writer_first
) -> None:
    """The signed score is the score of the history up to the signed head hash: a write
    another process commits at the moment of signing is in both or in neither."""
    from datetime import datetime

    from core.db import transaction
    from inspection.points import get_point
    from inspection.rounds import record_round
    from summary import signing

    def one_round(other) -> None:
        with transaction(other):
            record_round(other, get_point(other, "F1-01"), datetime(2021, 8, 1, 9, 0), "สมชาย",
                         [4] * 20)  # fmt: skip

    act_as(db, Actor("head", "section_head"))
    writer_first(signing, one_round)
    signed = sign_annual_summary(db, 2564)
    assert signed.score == score_json(annual_score(db, 2564))
    assert signed.score["restrooms"]["points_passing"] == 1


def test_the_latest_signature_is_the_latest_signed_not_the_last_row(db) -> None:
    """After a sync the row order of two laptops' signatures differs; the time decides."""
    from core.audit import audit
    from core.db import transaction

    act_as(db, Actor("head", "section_head"))
    later = sign_annual_summary(db, 2564)
    with transaction(db):  # an earlier signature received later (from another laptop)
        audit(db, "sign", "annual_summary", "2564", None, {"fiscal_year": 2564})
        db.execute(
            "UPDATE audit_log SET at = '2021-01-01T00:00:00+00:00' WHERE id = "
            "(SELECT MAX(id) FROM audit_log)"
        )
    assert latest_signature(db, 2564).head == later.head


def test_a_signature_counts_only_from_a_section_head_on_a_trusted_computer_not_ahead(db) -> None:
    """Issue 14, point 3. A signature's role is its audit row's own (rows record the
    actor's role under their hash, core.audit); one written before roles were recorded
    (its row names none and holds the score alone) counts when the signer's account held
    the section-head role on that computer, as its chain of account rows says; one dated
    ahead never counts."""
    import json

    from core.audit import audit
    from core.db import transaction
    from core.users import create_user, set_user_role

    act_as(db, Actor("admin", "admin"))
    create_user(db, "admin", "Admin", "admin", "password123")
    create_user(db, "somsri", "สมศรี", "section_head", "password123")
    create_user(db, "somchai", "สมชาย", "inspector", "password123")
    score = score_json(annual_score(db, 2564))
    for who in ("somchai", "somsri"):
        act_as(db, Actor(who, ""))  # a row that names no role: written before m016
        with transaction(db):  # the first signatures' shape: the score alone
            audit(db, "sign", "annual_summary", "2564", None, score)
    signed = latest_signature(db, 2564)
    assert signed is not None and signed.signed_by == "somsri" and signed.score == score
    # Demoted before a later legacy signature: that one does not count.
    act_as(db, Actor("admin", "admin"))
    set_user_role(db, "somsri", "inspector")
    act_as(db, Actor("somsri", ""))
    with transaction(db):
        audit(db, "sign", "annual_summary", "2564", None, score)
    assert latest_signature(db, 2564) == signed
    # The row's own role wins over what its content claims: an inspector's row that says
    # "section_head" inside is not a signature.
    act_as(db, Actor("somchai", "inspector"))
    with transaction(db):
        audit(db, "sign", "annual_summary", "2564", None, {"score": score, "role": "section_head"})
    assert latest_signature(db, 2564) == signed
    # A signature dated next year (a wrong clock, a forger) is history, not a signature.
    act_as(db, Actor("head", "section_head"))
    ahead = sign_annual_summary(db, 2564)
    db.execute("UPDATE audit_log SET at = '2099-01-01T00:00:00+00:00' WHERE hash = ?",
               [ahead.head])  # fmt: skip
    assert latest_signature(db, 2564) == signed
    assert json.loads(db.execute("SELECT after FROM audit_log WHERE hash = ?",
                                 [ahead.head]).fetchone()[0])["role"] == "section_head"  # fmt: skip
