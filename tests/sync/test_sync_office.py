"""Sync files carry their office (issue 18 point 1): code and names in the manifest, and a
laptop of one office refuses another office's file."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from core.errors import InvalidInput
from core.office import DEFAULT_CODE, set_office
from core.users import create_user
from sync.fileformat import MANIFEST, read_sync_file
from sync.receive import import_sync
from sync.send import export_sync
from tests.sync.sync_helpers import file_state, key_of, rewrite


def _make_office(db, code: str, th: str, en: str) -> None:
    create_user(db, "admin", "ผู้ดูแล", "admin", "password1")
    set_office(db, code=code, name_th=th, name_en=en)


def test_a_sync_file_names_the_office_of_the_database_that_wrote_it(laptops, tmp_path) -> None:
    a, _ = laptops
    _make_office(a, "D04", "สำนักงานเขตบางรัก", "Bang Rak District Office")
    export_sync(a, tmp_path / "a.srsync")
    office = read_sync_file(tmp_path / "a.srsync", trusted={}, accept_new=True).manifest.office
    assert (office.code, office.name_th, office.name_en) == (
        "D04", "สำนักงานเขตบางรัก", "Bang Rak District Office")  # fmt: skip


def test_a_file_of_another_office_is_refused_and_changes_nothing(laptops, tmp_path) -> None:
    a, b = laptops
    _make_office(a, "D04", "สำนักงานเขตบางรัก", "Bang Rak District Office")
    export_sync(a, tmp_path / "a.srsync")
    before = file_state(b)
    with pytest.raises(InvalidInput) as err:
        import_sync(b, tmp_path / "a.srsync")
    assert "สำนักงานเขตบางรัก" in err.value.th and "D04" in err.value.th
    assert "Bang Rak District Office" in err.value.en and DEFAULT_CODE in err.value.en
    assert file_state(b) == before


def test_two_laptops_of_one_office_exchange_files(laptops, tmp_path) -> None:
    a, b = laptops
    _make_office(a, "D04", "สำนักงานเขตบางรัก", "Bang Rak District Office")
    _make_office(b, "D04", "สำนักงานเขตบางรัก", "Bang Rak District Office")
    export_sync(a, tmp_path / "a.srsync")
    assert not import_sync(b, tmp_path / "a.srsync").already_imported


def _rewrite_manifest(path: Path, change) -> None:
    """The manifest changed and signed again with laptop A's key (the file verifies)."""
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read(MANIFEST))
    change(manifest)
    copy = path.with_name("copy-" + path.name)
    rewrite(path, copy, manifest=manifest, key=key_of(path.parent / "a.db"))
    copy.replace(path)


def test_a_file_made_before_offices_existed_is_the_city_hall_office_s(laptops, tmp_path) -> None:
    a, b = laptops
    path = tmp_path / "old.srsync"
    export_sync(a, path)
    _rewrite_manifest(path, lambda m: m.pop("office"))
    assert read_sync_file(path, trusted={}, accept_new=True).manifest.office.code == DEFAULT_CODE
    assert not import_sync(b, path).already_imported


@pytest.mark.parametrize(
    "office",
    [{"code": "ศาลา", "name_th": "x", "name_en": "x"}, {"code": "D1", "name_th": "",
     "name_en": "x"}, {"code": "d1", "name_th": "x", "name_en": "x"}, "D1",
     {"code": "D1", "name_th": "x"}, {"code": 5, "name_th": "x", "name_en": "x"},
     {"code": "D1", "name_th": "สอง\nบรรทัด", "name_en": "x"}],
)  # fmt: skip
def test_a_manifest_naming_no_valid_office_is_refused(laptops, tmp_path, office) -> None:
    a, _ = laptops
    path = tmp_path / "bad.srsync"
    export_sync(a, path)
    _rewrite_manifest(path, lambda m: m.update(office=office))
    with pytest.raises(InvalidInput) as err:
        read_sync_file(path, trusted={}, accept_new=True)
    assert "หน่วยงาน" in err.value.th and "office" in err.value.en
