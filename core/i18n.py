"""One small message catalogue for every layer (Thai first, English available).

Messages live in resources/i18n/*.json as {"key": {"th": ..., "en": ...}}; one
file per package keeps them apart. `tr(key, **values)` formats with str.format.
"""

from __future__ import annotations

import json
from functools import cache

from core.resources import RESOURCES

LANGUAGES = ("th", "en")
_state = {"lang": "th"}


def set_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _state["lang"] = lang


def language() -> str:
    return _state["lang"]


@cache
def catalogue() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted((RESOURCES / "i18n").glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_no_duplicates)
        clash = merged.keys() & entries.keys()
        if clash:
            # dict.update let the later file win without a word (issue 19).
            raise ValueError(f"{path.name} repeats catalogue keys: {sorted(clash)}")
        merged.update(entries)
    return merged


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(f"catalogue keys repeated in one file: {repeated}")
    return dict(pairs)


def tr_both(key: str, /, **values: object) -> str:
    """Thai, then English, on two lines: how a refusal of bad input reads (SalaError's way),
    whichever language the screen is in."""
    return f"{tr(key, 'th', **values)}\n{tr(key, 'en', **values)}"


def tr(key: str, lang: str | None = None, /, **values: object) -> str:
    """The text of `key` in `lang` (default: the current language)."""
    entry = catalogue().get(key)
    if entry is None:
        # A missing key shows itself rather than crash a screen; a test checks none is missing.
        return key
    text = entry.get(lang or _state["lang"]) or entry["th"]
    return text.format(**values) if values else text


def tr_n(key: str, n: int, lang: str | None = None, /, **values: object) -> str:
    """`tr` of a text about `n` things: `KEY.one` when n is 1 and the catalogue has it
    ("imported 1 round", not "1 rounds"; Thai has one form, written in both)."""
    if n == 1 and f"{key}.one" in catalogue():
        key = f"{key}.one"
    return tr(key, lang, n=n, **values)


def count_en(n: int, one: str, many: str | None = None) -> str:
    """`n` things in English: "1 round", "2 rounds" (Thai counts have one form)."""
    return f"{n} {one if n == 1 else many or one + 's'}"
