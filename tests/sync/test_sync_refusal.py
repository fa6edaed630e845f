"""Issue 9: a truncated, altered or foreign file is refused and changes nothing."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime

import pytest

from cli import run
from core.errors import InvalidInput
from core.users import Actor, PermissionDenied, act_as
from sync.fileformat import encode_content
from sync.keys import device_key
from sync.receive import import_sync
from sync.send import export_sync
from tests.actors import add_accounts
from tests.sync.sync_helpers import KEEP, add_rounds, decode_content, file_state, rewrite

# A's key, which B trusts (the laptops fixture): files re-signed with it reach the
# checks of their content; those left with A's first signature stop at it.
A_KEY: list = []


@pytest.fixture
def sent(laptops, tmp_path):
    a, b = laptops
    add_rounds(a, [("F1-01", datetime(2021, 3, 1, 9, 0), "สมชาย", [4] * 20)])
    out = tmp_path / "a.srsync"
    export_sync(a, out)
    A_KEY[:] = [device_key(a)]
    return b, out


def _refused(db, path) -> InvalidInput:
    state = file_state(db)
    with pytest.raises(InvalidInput) as err:
        import_sync(db, path)
    assert file_state(db) == state
    assert err.value.th and err.value.en and "nothing was changed" in err.value.en
    return err.value


def _rezip(src, out, manifest=None, content=None) -> None:
    """Re-signed by A when the manifest changes (a forger holding A's key), so what is
    tested is the check after the signature; the first signature kept otherwise."""
    rewrite(src, out, manifest=manifest, content=content,
            key=A_KEY[0] if manifest is not None else KEEP)  # fmt: skip


def test_a_truncated_file_is_refused(sent, tmp_path) -> None:
    db, path = sent
    cut = tmp_path / "cut.srsync"
    cut.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    assert "incomplete" in _refused(db, cut).en


def test_a_changed_byte_is_refused(sent, tmp_path) -> None:
    db, path = sent
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0x01
    bad = tmp_path / "bad.srsync"
    bad.write_bytes(bytes(data))
    _refused(db, bad)


def test_altered_content_with_the_old_digest_is_refused(sent, tmp_path) -> None:
    db, path = sent
    with zipfile.ZipFile(path) as zf:
        content = decode_content(zf.read("content.jsonl"))
    content["rounds"][0]["scores"] = "0" + content["rounds"][0]["scores"][1:]
    content["rounds"][0]["total"] -= 4
    bad = tmp_path / "edited.srsync"
    _rezip(path, bad, content=encode_content(content))
    assert "SHA-256" in _refused(db, bad).en


def test_altered_content_with_a_recomputed_digest_breaks_the_audit_chain(sent, tmp_path) -> None:
    db, path = sent
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        content = decode_content(zf.read("content.jsonl"))
    content["audit"][0]["actor"] = "forger"
    body = encode_content(content)
    manifest["content_sha256"] = hashlib.sha256(body).hexdigest()
    bad = tmp_path / "forged.srsync"
    _rezip(path, bad, manifest=json.dumps(manifest), content=body)
    assert "audit" in _refused(db, bad).en
    # Without A's key the forger cannot sign the new digest: the first signature fails.
    unsigned = tmp_path / "forged-unsigned.srsync"
    rewrite(path, unsigned, manifest=json.dumps(manifest), content=body)
    assert "signature does not match" in _refused(db, unsigned).en


def test_foreign_files_are_refused(sent, tmp_path) -> None:
    db, path = sent
    csv = tmp_path / "rounds.srsync"
    csv.write_text("point,date,time\nF1-01,2021-03-01,09:00\n", encoding="utf-8")
    _refused(db, csv)
    other = tmp_path / "other.srsync"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    other.write_bytes(buf.getvalue())
    _refused(db, other)
    newer = tmp_path / "newer.srsync"
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    _rezip(path, newer, manifest=json.dumps(dict(manifest, version=99)))
    assert "newer version" in _refused(db, newer).en
    _refused(db, tmp_path / "missing.srsync")


def test_a_record_pointing_to_an_unknown_point_is_refused(sent, tmp_path) -> None:
    db, path = sent
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        content = decode_content(zf.read("content.jsonl"))
    content["rounds"][0]["point"] = "00000000-0000-4000-8000-000000000000"
    body = encode_content(content)
    manifest["content_sha256"] = hashlib.sha256(body).hexdigest()
    bad = tmp_path / "dangling.srsync"
    _rezip(path, bad, manifest=json.dumps(manifest), content=body)
    assert "refers to point" in _refused(db, bad).en


def test_an_inspector_may_not_import(sent) -> None:
    db, path = sent
    act_as(db, Actor("somchai", "inspector"))
    state = file_state(db)
    with pytest.raises(PermissionDenied):
        import_sync(db, path)
    assert file_state(db) == state


def test_command_line_exit_codes_and_messages(tmp_path, capsys, monkeypatch) -> None:
    a, b, out = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "x.srsync"
    assert run(["--db", str(a), "demo", "--fy", "2564"]) == 0
    capsys.readouterr()
    assert run(["--db", str(a), "sync", "export", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "บันทึก" in said and "Saved" in said
    fingerprint = said.split("fingerprint ")[-1].strip().rstrip(")")
    assert len(fingerprint) == 39  # eight groups of four hex digits
    # Issue 14: B does not know A yet; it names A's fingerprint and changes nothing.
    assert run(["--db", str(b), "sync", "import", str(out)]) == 2
    err = capsys.readouterr().err
    assert fingerprint in err and "not trusted" in err and "ยังไม่ได้รับความเชื่อถือ" in err
    # Trusting is an administrator's decision: the operating-system account may not.
    assert run(["--db", str(b), "sync", "import", str(out), "--trust"]) == 2
    err = capsys.readouterr().err
    assert "ไม่มีสิทธิ์" in err and "may not do this" in err and "Traceback" not in err
    add_accounts(b, monkeypatch)  # the first administrator, `admin`, SALA_PASSWORD set
    capsys.readouterr()
    assert run(["--db", str(b), "--user", "admin", "sync", "import", str(out), "--trust"]) == 0
    said = capsys.readouterr().out
    assert "เพิ่ม" in said and "Added" in said and "rounds" in said
    assert fingerprint in said and "trusted" in said
    assert run(["--db", str(b), "sync", "import", str(out)]) == 0
    assert "received before" in capsys.readouterr().out
    assert run(["--db", str(b), "check"]) == 0
    capsys.readouterr()
    bad = tmp_path / "bad.srsync"
    bad.write_bytes(out.read_bytes()[:100])
    assert run(["--db", str(b), "sync", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "ไม่รับไฟล์" in err and "refused" in err
    assert run(["--db", str(b), "sync", "export", "--out", str(out), "--since", "31/02/2564"]) == 2


def test_a_field_name_carrying_sql_is_refused_before_any_statement(sent, tmp_path) -> None:
    """Issue 7, SQL parameterized: receive.py names columns in its SQL, but only the fixed
    ones of fileformat.FIELDS; a record with any other key never reaches a statement."""
    db, path = sent
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        content = decode_content(zf.read("content.jsonl"))
    content["rounds"][0]["note) VALUES (1); DROP TABLE rounds; --"] = "x"
    body = encode_content(content)
    manifest["content_sha256"] = hashlib.sha256(body).hexdigest()
    bad = tmp_path / "injected.srsync"
    _rezip(path, bad, manifest=json.dumps(manifest), content=body)
    assert "unknown fields" in _refused(db, bad).en


@pytest.mark.parametrize(
    ("field", "value"),
    [("inspected_at", "not a date"), ("inspected_at", "2021-10-01T09:00"),
     ("fiscal_year", 2565)],
)  # fmt: skip
def test_a_round_whose_date_or_fiscal_year_is_wrong_is_refused(sent, tmp_path, field, value):
    """DOMAIN.md 1 and 6: a round is scored in the fiscal year of its date (1 October opens
    the next). A file whose round names another year, or a date no screen can read, is
    refused whole rather than merged and scored in the wrong year (or crash a page)."""
    db, path = sent
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        content = decode_content(zf.read("content.jsonl"))
    content["rounds"][0][field] = value
    body = encode_content(content)
    manifest["content_sha256"] = hashlib.sha256(body).hexdigest()
    bad = tmp_path / "misdated.srsync"
    _rezip(path, bad, manifest=json.dumps(manifest), content=body)
    assert "fiscal year" in _refused(db, bad).en


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [("rounds", "passed", 1), ("survey_responses", "satisfied", 1),
     ("survey_responses", "ratings", "9")],
)  # fmt: skip
def test_a_verdict_that_does_not_follow_from_its_scores_is_refused(
    laptops, tmp_path, kind, field, value
) -> None:
    """DOMAIN.md 3 and 5: the year's score reads each record's stored verdict; a file whose
    round passes with a failed item, or whose answer of 2 is 'satisfied', is refused."""
    from inspection.survey import record_response

    a, b = laptops
    add_rounds(a, [("F1-01", datetime(2021, 3, 1, 9, 0), "สมชาย", [1] + [4] * 19)])
    record_response(a, "2021-03-02", None, "public", [2])
    path = tmp_path / "a.srsync"
    export_sync(a, path)
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        content = decode_content(zf.read("content.jsonl"))
    content[kind][0][field] = value
    body = encode_content(content)
    manifest["content_sha256"] = hashlib.sha256(body).hexdigest()
    bad = tmp_path / "verdict.srsync"
    _rezip(path, bad, manifest=json.dumps(manifest), content=body)
    assert "nothing was changed" in _refused(b, bad).en
