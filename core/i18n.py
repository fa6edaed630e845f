"""One small message catalogue for every layer (Thai first, English available).

Messages live in resources/i18n/<package>.json as {"key": {"th": ..., "en": ...}}: one
file per package (core.json, inspection.json, ..., ui.json), each key in the file of the
lowest package that uses it. `tr(key, **values)` formats with str.format; a value that
reads in either language (a `Localised`: a `Phrase`, a `SalaError`) is put in the
message's own language. tests/core/test_i18n.py proves every key the code uses exists in
both languages, and none is defined twice or unused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
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


class Localised:
    """Text that reads in either language, resolved where it is shown."""

    def text(self, lang: str = "th") -> str:
        raise NotImplementedError


class Phrase(Localised):
    """A catalogue message not yet put in a language: a part of another message (the
    reason inside a refusal), resolved in the language of the message it goes into."""

    def __init__(self, key: str, /, **values: object) -> None:
        self.key = key
        self.values = values

    def text(self, lang: str = "th") -> str:
        return tr(self.key, lang, **self.values)

    def __repr__(self) -> str:
        return f"Phrase({self.key!r})"


class ByLanguage(Localised):
    """A value written differently per language (a date, a list of names), made by
    `write(lang)` when the message it goes into is put in that language."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self.write = write

    def text(self, lang: str = "th") -> str:
        return str(self.write(lang))


def joined(parts: Sequence[Localised], sep: str | Localised = ", ") -> ByLanguage:
    """Parts of a message listed in its language, `sep` between them (a Phrase when the
    languages join differently: " และ" / " and ")."""

    def write(lang: str) -> str:
        between = sep.text(lang) if isinstance(sep, Localised) else sep
        return between.join(p.text(lang) for p in parts)

    return ByLanguage(write)


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
    lang = lang or _state["lang"]
    text = entry.get(lang) or entry["th"]
    if not values:
        return text
    return text.format(**{k: _in(v, lang) for k, v in values.items()})


def _in(value: object, lang: str) -> object:
    return value.text(lang) if isinstance(value, Localised) else value


def as_label(text: str) -> str:
    """`text` starting a label, a table cell or a list entry: a first letter in lower case
    becomes a capital, as the English labels beside it are ("Day", "Final", "Officials");
    the same word inside a sentence keeps its lower case. Thai has no case: unchanged."""
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def tr_n(key: str, n: int, lang: str | None = None, /, **values: object) -> str:
    """`tr` of a text about `n` things: `KEY.one` when n is 1 and the catalogue has it
    ("imported 1 round", not "1 rounds"; Thai has one form, written in both)."""
    if n == 1 and f"{key}.one" in catalogue():
        key = f"{key}.one"
    return tr(key, lang, n=n, **values)


def tr_both_n(key: str, n: int, /, **values: object) -> str:
    """`tr_both` of a text about `n` things (`tr_n` in each language)."""
    return f"{tr_n(key, n, 'th', **values)}\n{tr_n(key, n, 'en', **values)}"
