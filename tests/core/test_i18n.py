"""The message catalogue: one entry per key, Thai and English for each."""

from __future__ import annotations

import json

import pytest

import core.i18n
from core.i18n import catalogue


def test_every_entry_has_thai_and_english() -> None:
    missing = [k for k, v in catalogue().items() if not v.get("th") or not v.get("en")]
    assert missing == []


def test_a_key_repeated_in_two_files_is_refused(tmp_path, monkeypatch) -> None:
    (tmp_path / "i18n").mkdir()
    for name in ("a.json", "b.json"):
        (tmp_path / "i18n" / name).write_text(
            json.dumps({"x.same": {"th": "ก", "en": name}}), encoding="utf-8"
        )
    monkeypatch.setattr(core.i18n, "RESOURCES", tmp_path)
    catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match="x.same"):
            catalogue()
    finally:
        catalogue.cache_clear()


def test_a_key_repeated_in_one_file_is_refused(tmp_path, monkeypatch) -> None:
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "a.json").write_text(
        '{"x.k": {"th": "ก", "en": "a"}, "x.k": {"th": "ข", "en": "b"}}', encoding="utf-8"
    )
    monkeypatch.setattr(core.i18n, "RESOURCES", tmp_path)
    catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match="x.k"):
            catalogue()
    finally:
        catalogue.cache_clear()
