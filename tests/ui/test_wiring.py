"""Signals wired to methods: what the signal passes must be what the method expects.

A button's clicked(bool) and an action's triggered(bool) pass `checked` to a slot that
can take it. The guard page's Sign button was wired as `clicked.connect(self.sign)`:
False reached sign()'s `supersedes`, every report signed by mouse was stored as a
correction of '0', and other laptops refused the sync files carrying them (214bed5,
m020). Read from the source, so a page never shown by a test is held to it too.
"""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"
BOOL_SIGNALS = frozenset({"clicked", "triggered"})


def _methods(tree: ast.Module) -> dict[str, list[ast.FunctionDef]]:
    found: dict[str, list[ast.FunctionDef]] = {}
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for f in cls.body:
            if isinstance(f, ast.FunctionDef):
                found.setdefault(f.name, []).append(f)
    return found


def _takes_checked_unasked(f: ast.FunctionDef) -> bool:
    """A positional parameter besides self that is not named for the bool it gets."""
    params = [*f.args.posonlyargs, *f.args.args][1:]
    return bool(params and params[0].arg != "checked") or f.args.vararg is not None


def wiring_faults(source: str, name: str = "<source>") -> list[str]:
    """Each `<x>.clicked/triggered.connect(self.<method>)` whose method, in a class of the
    same source, would take the signal's bool as something else."""
    tree = ast.parse(source)
    methods = _methods(tree)
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "connect" and node.args):  # fmt: skip
            continue
        signal, slot = node.func.value, node.args[0]
        if not (isinstance(signal, ast.Attribute) and signal.attr in BOOL_SIGNALS):
            continue
        if not (isinstance(slot, ast.Attribute) and isinstance(slot.value, ast.Name)
                and slot.value.id == "self"):  # fmt: skip
            continue
        for f in methods.get(slot.attr, []):
            if _takes_checked_unasked(f):
                out.append(f"{name}:{node.lineno}: {signal.attr} -> {slot.attr}"
                           f"({ast.unparse(f.args)})")  # fmt: skip
    return out


def test_no_button_hands_its_checked_flag_to_a_parameter_meant_for_something_else() -> None:
    faults = []
    for path in sorted(UI.rglob("*.py")):
        faults += wiring_faults(path.read_text(encoding="utf-8"), str(path.relative_to(UI)))
    assert faults == []


def test_the_wiring_check_finds_the_sign_button_as_it_was() -> None:
    """The check itself, on the guard page's wiring before 214bed5 and after."""
    page = """
class GuardPage:
    def __init__(self):
        self.sign_button.clicked.connect(self.sign)
        self.copy_button.clicked.connect(self.copy_yesterday)
        self.box.toggled.connect(self.show_more)

    def sign(self, supersedes=None, reason=""):
        pass

    def copy_yesterday(self):
        pass

    def show_more(self, shown):
        pass
"""
    (fault,) = wiring_faults(page)
    assert "clicked -> sign(self, supersedes=None, reason='')" in fault
    fixed = page.replace("clicked.connect(self.sign)", "clicked.connect(lambda: self.sign())")
    assert wiring_faults(fixed) == []
