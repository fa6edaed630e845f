"""Issue 14: hostile sync files, each made four ways, are refused and change nothing.

Every input the issue lists (and a few of their kind) is written into a copy of a real
file of laptop A, the digest and counts made to match, then:
- signed by a computer B does not trust (its own id and key): refused before the
  content is even inflated, showing the key's fingerprint;
- claiming to come from A (trusted) but signed with another key: refused;
- with no signature: refused;
- signed with A's key, as if A itself (or a thief of its key) had made it: the
  signature holds, so what refuses the file is the check of its records (point 2),
  of its numbers and depth (point 4) and of its digits (point 5), naming the field.
Each time B's database is byte for byte what it was, and the message is in Thai and
English. The command line gives exit 2 with the same message, never a traceback.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from cli import run
from core.audit import FORMAT, GENESIS, row_hash_v2
from core.db import open_db
from core.errors import InvalidInput
from sync.fileformat import UntrustedComputer
from sync.keys import device_key
from sync.receive import import_sync
from sync.send import export_sync
from tests.sync.sync_helpers import add_rounds, file_state, forge

FAILING = [1] + [4] * 19  # item 1 fails: F1-01 does not pass
PASSING = [4] * 20


@pytest.fixture
def scene(laptops, tmp_path):
    a, b = laptops
    add_rounds(a, [("F1-01", datetime(2021, 3, 1, 9, 0), "สมชาย", FAILING),
                   ("F1-02", datetime(2021, 3, 1, 9, 30), "สมชาย", PASSING)])  # fmt: skip
    src = tmp_path / "a.srsync"
    export_sync(a, src)
    mallory = open_db(tmp_path / "mallory.db")
    stranger = SimpleNamespace(key=device_key(mallory),
                               device=mallory.execute(
                                   "SELECT value FROM meta WHERE key = 'device_id'"
                               ).fetchone()[0])  # fmt: skip
    mallory.close()
    return SimpleNamespace(a=a, b=b, src=src, a_key=device_key(a), stranger=stranger,
                           tmp=tmp_path)  # fmt: skip


def _round(content: dict, *, failing: bool = False) -> dict:
    return next(r for r in content["rounds"] if (r["passed"] == 0) == failing)


def _set_scores(scores: str, total: int, passed: int = 0):
    def edit(content: dict) -> None:
        r = _round(content)
        r.update(scores=scores, total=total, passed=passed)

    return edit


def _dated_2030(content: dict) -> None:
    r = _round(content)
    r.update(inspected_at="2030-03-01T09:00", fiscal_year=2573)


def _cross_point(reason: str):
    """A round at F1-02 that 'corrects' F1-01's failing round: F1-01 would then pass."""

    def edit(content: dict) -> None:
        failing, passing = _round(content, failing=True), _round(content)
        fake = dict(passing, uuid="7d3f1c2a-0000-4000-8000-000000000001",
                    supersedes=failing["uuid"], reason=reason,
                    inspected_at=failing["inspected_at"], notes=[])  # fmt: skip
        content["rounds"].append(fake)

    return edit


def _chain(device: str, rows: list[tuple[str, str, str, str, str, str, object]]) -> list[dict]:
    """Audit rows of `device` forming a valid hash chain (anyone can compute one), of the
    format rows are written in now (role, source, what they cover: core.audit)."""
    out, prev = [], GENESIS
    for at, actor, role, action, kind, record, after in rows:
        after_text = json.dumps(after, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest = row_hash_v2(prev, at, actor, role, "window", action, kind, record, "null",
                             after_text, None)  # fmt: skip
        out.append({"device_id": device, "at": at, "actor": actor, "role": role,
                    "via": "window", "action": action, "kind": kind, "record_uuid": record,
                    "before": "null", "after": after_text, "covers": None, "format": FORMAT,
                    "prev_hash": prev, "hash": digest})  # fmt: skip
        prev = digest
    return out


SCORE = {
    "fiscal_year": 2564,
    "restrooms": {"points_total": 27, "points_passing": 27, "points_pct": 100.0,
                  "satisfaction_pct": 100.0, "respondents": 1, "level": 5, "score": 15.0},
    "incidents": {"counted": 0, "pending": 0, "level": 5, "score": 15.0},
}  # fmt: skip
FAKE_DEVICE = "0badc0de-0000-4000-8000-000000000099"


def _signature_by(at: str):
    """A device chain holding an annual-summary signature by 'head1' (issue 14)."""

    def edit(content: dict) -> None:
        content["audit"] += _chain(FAKE_DEVICE, [
            ("2021-01-01T00:00:00.000001+00:00", "admin", "admin", "create", "user", "u1",
             {"username": "head1", "role": "section_head"}),
            (at, "head1", "section_head", "sign", "annual_summary", "2564",
             {"score": SCORE, "role": "section_head"}),
        ])  # fmt: skip

    return edit


def _huge(kind: str, field: str, literal: str):
    """A number the file writes as `literal` (JSON allows any size)."""

    def edit(content: dict) -> None:
        content[kind][0][field] = "@@HUGE@@"

    return edit, literal


# name -> (edit, the field the refusal names when the file is signed with A's key)
CASES = {
    "score_5": (_set_scores("44445" + "4" * 15, 81), "i5"),
    "score_9": (_set_scores("9" + "4" * 19, 85), "i1"),
    "three_scores": (_set_scores("444", 12), "scores"),
    "fullwidth_digits": (_set_scores("４" * 20, 80), "scores"),
    "superscript_two": (_set_scores("²" + "4" * 19, 78), "scores"),
    "devanagari_digit": (_set_scores("४" + "4" * 19, 80), "scores"),
    "dated_2030": (_dated_2030, "inspected_at"),
    "cross_point_correction_without_reason": (_cross_point(""), "reason"),
    "cross_point_correction_with_reason": (_cross_point("แก้ไข"), "point"),
    "signature_dated_2099": (_signature_by("2099-01-01T00:00:00.000001+00:00"), "at"),
    "huge_integer": (_huge("rounds", "total", "99999999999999999999999"), "total"),
    "huge_float": (_huge("points", "floor", "1e30"), "floor"),
    "not_a_number": (_huge("rounds", "total", "NaN"), "total"),
    "deep_json": (None, "content.jsonl"),
}
SIGNINGS = ("stranger", "claims_a", "unsigned", "a_key")


def make(scene, name: str, signing: str) -> Path:
    """The hostile file `name`, signed the way `signing` says."""
    edit, _ = CASES[name]
    key = {"stranger": scene.stranger.key, "claims_a": scene.stranger.key, "unsigned": None,
           "a_key": scene.a_key}[signing]  # fmt: skip
    changes = {}
    if signing == "stranger":
        changes = {"device_id": scene.stranger.device, "public_key": scene.stranger.key.public_key}
    elif signing == "claims_a":
        changes = {"public_key": scene.stranger.key.public_key}
    out = scene.tmp / f"{name}-{signing}.srsync"
    if name == "deep_json":
        body = b"[" * 200_000 + b"]" * 200_000 + b"\n"
        forge(scene.src, out, lambda c: None, key=key, manifest_changes=changes, body=body)
    elif isinstance(edit, tuple):
        fn, literal = edit
        forge(scene.src, out, fn, key=key, manifest_changes=changes,
              replace=(b'"@@HUGE@@"', literal.encode()))  # fmt: skip
    else:
        forge(scene.src, out, edit, key=key, manifest_changes=changes)
    return out


def _refused(db, path: Path) -> InvalidInput:
    state = file_state(db)
    with pytest.raises(InvalidInput) as err:
        import_sync(db, path)
    assert file_state(db) == state
    assert err.value.th and err.value.en and "nothing was changed" in err.value.en
    assert "ไม่มีการเปลี่ยนแปลงข้อมูลใด ๆ" in err.value.th
    return err.value


@pytest.mark.parametrize("signing", SIGNINGS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_hostile_file_is_refused_and_changes_nothing(scene, name, signing) -> None:
    path = make(scene, name, signing)
    error = _refused(scene.b, path)
    if signing == "stranger":
        assert isinstance(error, UntrustedComputer)
        assert scene.stranger.key.fingerprint in error.en and "not trusted" in error.en
    elif signing == "claims_a":
        assert "claims to come from trusted computer" in error.en
    elif signing == "unsigned":
        assert "carries no signature" in error.en
    else:
        field = CASES[name][1]
        assert f"field {field}" in error.message("en"), error.message("en")
        assert error.field == field


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_command_line_refuses_each_with_exit_2_naming_the_field(scene, name, capsys):
    path = make(scene, name, "a_key")
    b_path = scene.b.execute("PRAGMA database_list").fetchone()[2]
    state = file_state(scene.b)
    capsys.readouterr()
    assert run(["--db", b_path, "sync", "import", str(path)]) == 2
    err = capsys.readouterr().err
    field = CASES[name][1]
    assert "ไม่รับไฟล์" in err and "refused" in err and field in err
    assert "Traceback" not in err
    assert file_state(scene.b) == state


def test_a_trusted_computer_may_not_pass_on_a_signature_made_where_nobody_trusts(scene) -> None:
    """Issue 14, point 3: a chain of a computer B never trusted, carried in A's file,
    joins B's history but its 'signature' is not one: not on the Audit page, not printed."""
    from reports.annual_pdf import signature_lines
    from summary.signing import latest_signature

    path = scene.tmp / "relayed.srsync"
    forge(scene.src, path, _signature_by("2021-09-01T00:00:00.000001+00:00"), key=scene.a_key)
    result = import_sync(scene.b, path)
    assert result.added["audit"] >= 2
    assert scene.b.execute(
        "SELECT COUNT(*) FROM audit_log WHERE device_id = ? AND kind = 'annual_summary'",
        [FAKE_DEVICE],
    ).fetchone() == (1,)
    assert latest_signature(scene.b, 2564) is None
    assert signature_lines(scene.b, 2564, "en") == [
        "This year's summary has not been signed in the app yet"
    ]


def test_a_signature_from_a_trusted_computer_by_its_section_head_counts(scene) -> None:
    """The same signature made on A by an account A holds as section head counts on B."""
    from core.users import Actor, act_as
    from summary.signing import latest_signature, sign_annual_summary

    act_as(scene.a, Actor("head1", "section_head"))
    signed = sign_annual_summary(scene.a, 2564)
    export_sync(scene.a, scene.tmp / "signed.srsync")
    import_sync(scene.b, scene.tmp / "signed.srsync")
    assert latest_signature(scene.b, 2564) == signed
    # An administrator of B stops trusting A: A's signature no longer counts there.
    from core.devices import untrust_device
    from core.users import acting_as
    from tests.actors import ADMIN

    with acting_as(scene.b, ADMIN):
        untrust_device(scene.b, scene.a.execute(
            "SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0])  # fmt: skip
    assert latest_signature(scene.b, 2564) is None


def test_after_such_files_report_round_and_export_import_still_work(scene, tmp_path) -> None:
    """Issue 14: after the hostile merges, `report round` crashed (IndexError) and `export
    rounds` wrote a file `import-rounds` refused. Refused now, they leave B whole: every
    round B holds reports and round-trips."""
    for name in ("three_scores", "score_9", "superscript_two"):
        with pytest.raises(InvalidInput):
            import_sync(scene.b, make(scene, name, "a_key"))
    import_sync(scene.b, scene.src)
    b_path = scene.b.execute("PRAGMA database_list").fetchone()[2]
    for (uuid,) in scene.b.execute("SELECT uuid FROM rounds").fetchall():
        out = tmp_path / f"{uuid}.pdf"
        assert run(["--db", b_path, "report", "round", "--id", uuid, "--out", str(out)]) == 0
    csv = tmp_path / "rounds.csv"
    assert run(["--db", b_path, "export", "rounds", "--fy", "2564", "--out", str(csv)]) == 0
    fresh = str(tmp_path / "fresh.db")
    assert run(["--db", fresh, "import-rounds", str(csv)]) == 0
    assert {len(s) for (s,) in scene.b.execute("SELECT scores FROM rounds")} == {20}


def test_a_file_from_the_untrusted_computer_is_accepted_once_an_administrator_trusts_it(
    scene,
) -> None:
    """The same stranger's file, clean this time: refused until trusted, then merged."""
    from core.devices import trusted_devices
    from core.users import Actor, PermissionDenied, act_as

    path = scene.tmp / "stranger-clean.srsync"
    forge(scene.src, path, lambda c: None, key=scene.stranger.key,
          manifest_changes={"device_id": scene.stranger.device,
                            "public_key": scene.stranger.key.public_key})  # fmt: skip
    _refused(scene.b, path)
    act_as(scene.b, Actor("head", "section_head"))
    state = file_state(scene.b)
    with pytest.raises(PermissionDenied):
        import_sync(scene.b, path, trust=True)
    assert file_state(scene.b) == state
    act_as(scene.b, Actor("admin", "admin"))
    result = import_sync(scene.b, path, trust=True)
    assert result.trusted_now == scene.stranger.key.fingerprint
    assert scene.stranger.device in {d.device_id for d in trusted_devices(scene.b)}
    assert "trusted" in result.summary("en")


def test_trusting_a_file_whose_records_are_bad_trusts_nothing(scene) -> None:
    """--trust and a bad record: the file is refused whole, the computer stays untrusted."""
    from core.devices import trusted_devices
    from core.users import act_as
    from tests.actors import ADMIN

    path = make(scene, "three_scores", "stranger")
    state = file_state(scene.b)
    act_as(scene.b, ADMIN)
    with pytest.raises(InvalidInput) as err:
        import_sync(scene.b, path, trust=True)
    assert "field scores" in err.value.message("en")
    assert file_state(scene.b) == state
    assert scene.stranger.device not in {d.device_id for d in trusted_devices(scene.b)}
