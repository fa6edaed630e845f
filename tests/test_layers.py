"""ARCHITECTURE.md rule 1: nothing below ui/ imports PySide6."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT_FREE = ("core", "inspection", "security", "summary", "reports", "sync", "hub")


def _modules() -> list[str]:
    names = ["cli"]
    for package in QT_FREE:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            names.append(".".join(parts))
    return names


def test_every_package_outside_ui_imports_with_pyside6_blocked() -> None:
    code = (
        "import sys, importlib\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'PySide6' or name.startswith('PySide6.'):\n"
        "            raise ImportError('PySide6 is blocked below ui/: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)\n"
    )
    modules = _modules()
    assert len(modules) > 8
    subprocess.run([sys.executable, "-c", code, *modules], cwd=ROOT, check=True)


def test_no_module_outside_ui_mentions_pyside6() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for package in QT_FREE
        for p in (ROOT / package).rglob("*.py")
        if "PySide6" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_only_the_command_line_and_the_window_import_sync() -> None:
    """sync/ sits above the domain packages: none of them may depend on it."""
    offenders = [
        str(p.relative_to(ROOT))
        for package in ("core", "inspection", "security", "summary", "reports")
        for p in (ROOT / package).rglob("*.py")
        if re.search(r"^\s*(from|import) sync\b", p.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []


def test_only_the_command_line_and_the_benchmarks_import_the_hub() -> None:
    """hub/ sits above everything but the command line: no laptop package depends on it."""
    offenders = [
        str(p.relative_to(ROOT))
        for package in ("core", "inspection", "security", "summary", "reports", "sync", "ui")
        for p in (ROOT / package).rglob("*.py")
        if re.search(r"^\s*(from|import) hub\b", p.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []


def test_the_laptop_s_commands_never_load_the_postgresql_driver() -> None:
    code = "import sys, cli; cli.build_parser(); print('psycopg' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    assert out.strip() == "False"
