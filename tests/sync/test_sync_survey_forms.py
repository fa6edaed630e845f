"""Issue 5 forms across laptops (issue 9): forms travel, answers keep their form."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from inspection.survey import forms, get_form, record_response, retire_form, save_form
from sync.fileformat import read_sync_file
from sync.receive import import_sync
from sync.send import export_sync
from tests.sync.conftest import canonical, dumps

THREE = [("สะอาด", "Clean"), ("มีกระดาษชำระ", "Paper"), ("ปลอดภัย", "Safe")]


def test_forms_versions_and_answers_meet_as_one_record(laptops, tmp_path) -> None:
    a, b = laptops
    record_response(a, "2021-07-01", None, "public", [5, 4, 4, 4, 5], form="detailed")
    v2 = save_form(a, 2564, "detailed", "สามข้อ", "Three", THREE).form
    record_response(a, "2021-07-02", None, "public", [2, 2, 2], form=v2.key)
    new = save_form(b, 2564, None, "ของ B", "B's", THREE[:1]).form
    retire_form(b, 2564, "overall")
    export_sync(a, tmp_path / "a.srsync")
    export_sync(b, tmp_path / "b.srsync")
    into_b = import_sync(b, tmp_path / "a.srsync")
    into_a = import_sync(a, tmp_path / "b.srsync")
    assert into_b.added["survey_forms"] == 1 and into_a.added["survey_forms"] == 1
    assert dumps(canonical(a)) == dumps(canonical(b))
    for db in (a, b):
        assert {f.key for f in forms(db, 2564)} == {v2.key, new.key}
        assert get_form(db, "detailed").replaced_by == v2.key
        rows = db.execute("SELECT ratings, form FROM survey_responses ORDER BY ratings").fetchall()
        assert rows == [("2;2;2", v2.key), ("5;4;4;4;5", "detailed")]


def test_each_laptop_versioning_one_form_keeps_both_versions(laptops, tmp_path) -> None:
    """Neither edit is lost: this laptop's version replaces, the other's is listed beside it."""
    a, b = laptops
    va = save_form(a, 2564, "detailed", "แบบ A", "A", THREE).form
    vb = save_form(b, 2564, "detailed", "แบบ B", "B", THREE[:2]).form
    export_sync(b, tmp_path / "b.srsync")
    import_sync(a, tmp_path / "b.srsync")
    assert get_form(a, "detailed").replaced_by == va.key
    assert {f.key for f in forms(a, 2564)} == {"overall", va.key, vb.key}


def test_a_version_1_file_is_read_its_answers_naming_no_form(laptops, tmp_path) -> None:
    """Files written before forms travelled (format version 1) are still received."""
    a, b = laptops
    record_response(a, "2021-07-01", None, "public", [5])
    path = tmp_path / "a.srsync"
    export_sync(a, path)
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        content = json.loads(zf.read("content.json"))
    del content["survey_forms"]
    for row in content["survey_responses"]:
        del row["form"]
    old = tmp_path / "v1.srsync"
    _write(old, manifest, content)
    assert read_sync_file(old).content["survey_responses"][0]["form"] is None
    result = import_sync(b, old)
    assert result.added["survey_responses"] == 1
    assert b.execute("SELECT form FROM survey_responses").fetchone()[0] is None


def test_an_answer_naming_an_unknown_form_is_refused_and_changes_nothing(laptops, tmp_path):
    import pytest

    from core.errors import InvalidInput
    from tests.sync.conftest import file_state

    a, b = laptops
    record_response(a, "2021-07-01", None, "public", [5])
    path = tmp_path / "a.srsync"
    export_sync(a, path)
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        content = json.loads(zf.read("content.json"))
    content["survey_responses"][0]["form"] = "no-such-form"
    bad = tmp_path / "bad.srsync"
    _write(bad, manifest, content, version=2)
    state = file_state(b)
    with pytest.raises(InvalidInput) as err:
        import_sync(b, bad)
    assert "no-such-form" in err.value.bilingual() and file_state(b) == state


def _write(path: Path, manifest: dict, content: dict, version: int = 1) -> None:
    import hashlib

    body = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = body.encode("utf-8")
    manifest = {**manifest, "version": version, "content_sha256": hashlib.sha256(data).hexdigest(),
                "counts": {k: len(v) for k, v in content.items()}}  # fmt: skip
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("content.json", data)
