"""The message catalogue: one file per package, one entry per key, Thai and English for
each; every key the code uses exists, none is unused; every error is built from a key
(issue 19 point 5: user text is written one way)."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import core.i18n
from core.errors import InvalidInput, SalaError
from core.i18n import ByLanguage, Phrase, catalogue, joined, tr

ROOT = Path(__file__).resolve().parents[2]
# Lowest first: a key used by several packages lives in the lowest one's file.
PACKAGES = ("core", "inspection", "security", "summary", "reports", "sync", "hub", "cli", "ui",
            "bench")  # fmt: skip
KEYISH = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
PREFIXISH = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.$")
# Calls whose string arguments are catalogue keys (besides the SalaError classes, found
# below): the catalogue's own functions and the helpers that build one kind of refusal.
KEY_TAKERS = {"tr", "tr_both", "tr_n", "Phrase", "say", "say_n", "_refuse", "_bad", "_not_csv"}
# Keys the code builds from a prefix and a value: each prefix with the values it takes.
# None: the code falls back to the value itself when a key is missing (a row of the audit
# trail written by a later version, a field without a Thai label), or it is no key at all.
DYNAMIC: dict[str, tuple[str, ...] | None] = {
    "group.": ("official", "employee", "public"),
    "role.": ("inspector", "guard_supervisor", "section_head", "admin", "os_account", "system"),
    "rp.group.": ("official", "employee", "public"),
    "inc.": ("pending", "counts", "not"),
    "rp.decision.": ("pending", "counts", "not"),
    "rp.events.": ("pending", "counts", "not"),
    "shift.": ("day", "night"),
    "shift.short.": ("day", "night"),
    "rp.shift.": ("day", "night"),
    "rp.shift.short.": ("day", "night"),
    "state.": ("passed", "failed", "unchecked"),
    "status.": ("draft", "final"),
    "rp.status.": ("draft", "final"),
    "rp.kind.": ("male", "female", "accessible", "mixed"),
    "rp.weekday.": tuple(str(d) for d in range(7)),
    "rpt.csv.": ("rounds", "survey", "guard"),
    "rpt.scope.": ("fy", "floor", "round", "point", "month", "incident"),
    "records.problem.": ("changed", "deleted", "missing", "more", "unrecorded"),
    "records.via.": ("window", "cli", "sync", "migration", "script"),
    "sync.conflict.": ("local", "remote", "both", "both_corrections"),
    "sync.kind.": (
        "points",
        "standards",
        "rounds",
        "actions",
        "survey_forms",
        "survey_questions",
        "survey_responses",
        "survey_imports",
        "plan_projects",
        "plan_steps",
        "guard_reports",
        "guard_events",
        "audit",
    ),  # fmt: skip
    "rp.field.": (
        "action_taken",
        "check_note",
        "description",
        "evidence",
        "note",
        "patrols",
        "place",
        "point",
        "post",
        "reason",
        "reason_fix",
        "what",
    ),  # fmt: skip
    "office.": ("bad_code", "bad_text", "name_required"),
    "guard.": None,  # the guard page's labels, each named where the label is made
    "field.": None,
    "audit.action.": None,
    "audit.kind.": None,
    "trail.": None,
    "trail.setting_name.": None,
    "t.": None,  # SQL aliases, not keys
    "c.": None,
}


def _sources() -> Iterator[tuple[str, Path]]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in ("tests", ".venv") or ".venv" in parts or "site-packages" in parts:
            continue
        yield ("cli" if parts[0] in ("cli.py", "main.py") else parts[0]), path


@cache
def _trees() -> tuple[tuple[str, Path, ast.Module], ...]:
    return tuple(
        (pkg, path, ast.parse(path.read_text(encoding="utf-8"))) for pkg, path in _sources()
    )


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


@cache
def _error_classes() -> frozenset[str]:
    """Every class name that derives from SalaError in the code (reports.catalog.Cancelled is
    one; core.errors.Cancelled, a request rather than a refusal, is not)."""
    found = {"SalaError"}
    classes = [n for *_, tree in _trees() for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    while True:
        more = {c.name for c in classes if any(_name(b) in found for b in c.bases)} - found
        if not more:
            return frozenset(found)
        found |= more


def _strings(node: ast.expr) -> list[str]:
    """The literal texts an argument can be (`"a" if x else "b"` is two)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def _is_error_call(call: ast.Call, pkg: str, path: Path) -> bool:
    if _name(call.func) not in _error_classes():
        return False
    # Two classes are called Cancelled: only reports.catalog's is a SalaError.
    return _name(call.func) != "Cancelled" or "reports" in _imports_of(path, "Cancelled")


@cache
def _imports_of(path: Path, name: str) -> str:
    tree = next(t for _, p, t in _trees() if p == path)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == name for a in node.names):
            return node.module or ""
    return path.stem


@cache
def _used_keys() -> dict[str, set[str]]:
    """Key -> the packages whose code names it where a key is taken (tr, Phrase, an error,
    a refusal helper, an argument called *key)."""
    used: dict[str, set[str]] = {}
    for pkg, path, tree in _trees():
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            taker = _name(call.func) in KEY_TAKERS or _is_error_call(call, pkg, path)
            args = list(call.args) if taker else []
            args += [k.value for k in call.keywords if k.arg and k.arg.endswith("key")]
            for text in (s for a in args for s in _strings(a)):
                if KEYISH.match(text):
                    used.setdefault(text, set()).add(pkg)
    return used


@cache
def _literals() -> dict[str, set[str]]:
    """Every string literal of the code -> the packages it appears in."""
    found: dict[str, set[str]] = {}
    for pkg, _, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.setdefault(node.value, set()).add(pkg)
    return found


@cache
def _prefixes() -> dict[str, set[str]]:
    """Prefixes of keys built at run time (f"rp.group.{g}", "sync.kind." + kind) -> packages."""
    found: dict[str, set[str]] = {}
    for pkg, _, tree in _trees():
        for node in ast.walk(tree):
            head = None
            if isinstance(node, ast.JoinedStr) and node.values:
                head = node.values[0]
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
                head = node.left
            if isinstance(head, ast.Constant) and isinstance(head.value, str):
                if PREFIXISH.match(head.value):
                    found.setdefault(head.value, set()).add(pkg)
    return found


def _users(key: str) -> set[str]:
    users = set(_literals().get(key, ()))
    for prefix, packages in _prefixes().items():
        if key.startswith(prefix):
            users |= packages
    if key.endswith(".one"):  # core.i18n.tr_n: English "1 shift", not "1 shifts"
        users |= _users(key[: -len(".one")])
    return users


def _files() -> dict[str, dict[str, dict[str, str]]]:
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "resources" / "i18n").glob("*.json"))
    }


def _both(key: str) -> bool:
    entry = catalogue().get(key, {})
    return bool(entry.get("th")) and bool(entry.get("en"))


def test_every_entry_has_thai_and_english() -> None:
    missing = [k for k, v in catalogue().items() if not v.get("th") or not v.get("en")]
    assert missing == []


def test_every_key_the_code_names_exists_in_thai_and_english() -> None:
    missing = sorted(k for k in _used_keys() if not _both(k))
    assert missing == [], "keys used in the code but missing from resources/i18n/"


def test_every_built_key_is_registered_and_exists() -> None:
    unknown = sorted(set(_prefixes()) - set(DYNAMIC))
    assert unknown == [], "a key built from a prefix: add the prefix and its values to DYNAMIC"
    built = [prefix + value for prefix, values in DYNAMIC.items() for value in values or ()]
    missing = [key for key in built if not _both(key)]
    assert missing == []


def test_no_key_is_unused() -> None:
    unused = sorted(k for k in catalogue() if not _users(k))
    assert unused == [], "keys no code uses: remove them (or name the code that builds them)"


def test_one_file_per_package_each_key_in_its_lowest_user() -> None:
    files = _files()
    assert set(files) <= set(PACKAGES), "catalogue files are named after packages"
    misplaced = {}
    for stem, entries in files.items():
        for key in entries:
            users = _users(key)
            lowest = min(users, key=PACKAGES.index) if users else stem
            if lowest != stem:
                misplaced[key] = f"{stem}.json -> {lowest}.json"
    assert misplaced == {}


def _own_inits() -> dict[str, ast.FunctionDef]:
    """The SalaError classes that build their key themselves: their __init__ by name."""
    return {
        c.name: f
        for *_, tree in _trees()
        for c in ast.walk(tree)
        if isinstance(c, ast.ClassDef) and c.name in _error_classes() - {"SalaError"}
        for f in c.body
        if isinstance(f, ast.FunctionDef) and f.name == "__init__"
    }


def _key_or_given(first: ast.expr | None, fn: ast.FunctionDef) -> bool:
    """A key of the catalogue, or a parameter of `fn` that the checked callers fill (a
    refusal helper), or whose default is a key."""
    if isinstance(first, ast.Name):
        args = fn.args.posonlyargs + fn.args.args
        defaults = dict(zip([a.arg for a in args][::-1], fn.args.defaults[::-1], strict=False))
        if first.id in defaults:
            return all(k in catalogue() for k in _strings(defaults[first.id]) or [""])
        return first.id in {a.arg for a in args} and fn.name in KEY_TAKERS
    keys = _strings(first) if first is not None else []
    return bool(keys) and all(k in catalogue() for k in keys)


def test_every_error_is_built_from_a_catalogue_key() -> None:
    """No raise writes its own Thai and English: the first argument of every SalaError (and
    subclass) built outside tests is a key of the catalogue; a helper that passes on the
    key it was given is checked where it is called (KEY_TAKERS); a class that builds its
    own key is checked in its __init__."""
    own = _own_inits()
    bad = []
    for pkg, path, tree in _trees():
        for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
                is_super = fn in own.values() and ast.unparse(call.func) == "super().__init__"
                if not is_super and (
                    not _is_error_call(call, pkg, path) or _name(call.func) in own
                ):
                    continue
                if not _key_or_given(call.args[0] if call.args else None, fn):
                    bad.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert bad == []


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


def test_an_error_reads_its_key_in_each_language_and_keeps_its_place() -> None:
    err = InvalidInput("values.not_whole", field="patrols", what=Phrase("values.what.value"),
                       shown="x", low=0, high=9)  # fmt: skip
    assert err.th == "ค่า «x» ต้องเป็นจำนวนเต็ม 0 ถึง 9"
    assert err.en == "the value «x» must be a whole number from 0 to 9"
    moved = err.at_row(4)
    assert moved.message("en") == f"row 4, field patrols: {err.en}"
    assert type(moved) is InvalidInput and err.row is None and moved.key == err.key
    assert str(moved) == moved.bilingual()


def test_a_part_of_a_message_reads_in_the_message_language() -> None:
    inner = InvalidInput("fileformat.field_twice")
    outer = SalaError("fileformat.part_error", part="x", error=inner)
    assert outer.th == "x: มีชื่อช่องซ้ำในรายการเดียวกัน"
    assert outer.en == "x: a record names one field twice"
    both = joined([Phrase("rounds_csv.what.scores", items="1, 2"), Phrase("rounds_csv.what.note")],
                  Phrase("rounds_csv.and"))  # fmt: skip
    assert tr("values.required", "th", what=both) == "โปรดระบุคะแนนข้อ 1, 2 และหมายเหตุ"
    assert tr("values.required", "en", what=both) == "give scores of items 1, 2 and note"
    assert tr("values.required", "en", what=ByLanguage(str.upper)) == "give EN"


def test_an_error_survives_pickling() -> None:
    import pickle

    err = InvalidInput("values.required", field="note", what=Phrase("values.what.text"))
    back = pickle.loads(pickle.dumps(err.at_row(2)))
    assert back.bilingual() == err.at_row(2).bilingual() and back.key == "values.required"
