"""`uv run python -m bench.imports [--db FILE] [--all]`: every import on the window's start path.

Runs the benchmark's start-up probe (`ui.app.Session` as `main.py` runs it, the sign-in
answered at once) under `python -X importtime`, after a warm-up run that leaves the
bytecode caches as an installed app has them, and prints a Markdown table in two phases:
before the frame's first paint, and from there until the first page has filled.

Each row is an import made by one of our modules (or by the probe), with everything it
pulled in below it (sqlite-utils' row includes click, dateutil and pluggy); our own
modules appear with their own time only. Times are `-X importtime`'s, which adds its
own overhead: read them relative to each other, not as the start-up's wall time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.probe import FILLED_MARK, PAINTED_MARK

ROOT = Path(__file__).resolve().parent.parent
OURS = {"ui", "core", "inspection", "security", "summary", "reports", "sync", "bench", "cli"}
QT = {"PySide6", "shiboken6", "shibokensupport"}


@dataclass
class Node:
    name: str
    self_us: int
    cumulative_us: int
    phase: int
    children: list[Node] = field(default_factory=list)

    @property
    def top(self) -> str:
        return self.name.split(".")[0]


def parse(lines: list[str]) -> list[Node]:
    """The import tree, roots in the order they finished; phase 0 before the paint, 1 after.

    `-X importtime` prints a module after the modules it imported, one indentation
    level (two spaces) deeper than it; markers the probe writes split the phases.
    """
    phase = 0
    pending: dict[int, list[Node]] = {}
    roots: list[Node] = []
    for line in lines:
        if line.strip() == PAINTED_MARK:
            phase = 1
            continue
        if line.strip() == FILLED_MARK:
            break
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name_field = line[len("import time:") :].split("|", 2)
        name = name_field.rstrip("\n")
        level = (len(name) - len(name.lstrip(" ")) - 1) // 2
        node = Node(name.strip(), int(self_us), int(cumulative_us), phase)
        node.children = pending.pop(level + 1, [])
        pending.setdefault(level, []).append(node)
        if level == 0:
            roots.append(node)
    return roots


def kind(top: str) -> str:
    if top in OURS:
        return "ours"
    if top in QT:
        return "Qt"
    if top in sys.stdlib_module_names or top.startswith("_"):
        return "stdlib"
    return "third party"


def rows(roots: list[Node]) -> list[tuple[int, str, str, float]]:
    """(phase, module, kind, ms): our modules by their own time, the rest with their subtree."""
    out: list[tuple[int, str, str, float]] = []

    def visit(node: Node) -> None:
        if kind(node.top) == "ours":
            out.append((node.phase, node.name, "ours", node.self_us / 1000))
            for child in node.children:
                visit(child)
        else:
            out.append((node.phase, node.name, kind(node.top), node.cumulative_us / 1000))

    for root in roots:
        visit(root)
    return out


def measure(db: Path) -> list[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [sys.executable, "-X", "importtime", "-m", "bench.probe", "startup", "app", str(db)]
    with tempfile.TemporaryDirectory(prefix="sala-imports-") as cache:
        env["PYTHONPYCACHEPREFIX"] = cache
        subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=True)  # warm-up
        out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return out.stderr.splitlines()


def table(found: list[tuple[int, str, str, float]], show_all: bool) -> str:
    lines = ["| phase | import | kind | ms |", "|---|---|---|---:|"]
    for phase, title in ((0, "before the first paint"), (1, "paint to the first page")):
        mine = sorted((r for r in found if r[0] == phase), key=lambda r: -r[3])
        shown = mine if show_all else [r for r in mine if r[3] >= 1.0]
        for _, name, what, ms in shown:
            lines.append(f"| {title} | `{name}` | {what} | {ms:.1f} |")
        rest = mine[len(shown) :]
        if rest:
            ms = sum(r[3] for r in rest)
            lines.append(f"| {title} | {len(rest)} more under 1 ms each | | {ms:.1f} |")
        for what in ("Qt", "stdlib", "third party", "ours"):
            ms = sum(r[3] for r in mine if r[2] == what)
            lines.append(f"| {title} | **all {what}** | | **{ms:.1f}** |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.imports")
    parser.add_argument("--db", type=Path, help="database to open (default: a new one)")
    parser.add_argument("--all", action="store_true", help="every row, not only those >= 1 ms")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sala-imports-db-") as tmp:
        found = rows(parse(measure(args.db or Path(tmp) / "new.db")))
    if any(ms < 0 for *_, ms in found):
        # -X importtime keeps one count for all threads: imports on two threads at once
        # give nonsense (negative) self times.
        raise SystemExit("two threads imported at once: the times cannot be read; run again")
    print(table(found, args.all))


if __name__ == "__main__":
    main()
