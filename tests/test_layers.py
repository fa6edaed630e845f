"""ARCHITECTURE.md rule 1: nothing below ui/ imports PySide6; imports run one way."""

import ast
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


# --- imports run one way (issue 19 point 3: "the core cycle gone") -------------------------

LAPTOP = ("core", "inspection", "security", "summary", "reports", "sync", "ui")


def _module_names(packages: tuple[str, ...]) -> dict[str, Path]:
    found = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            found[".".join(p for p in rel.parts if p != "__init__")] = path
    return found


def _imports(packages: tuple[str, ...]) -> dict[str, set[str]]:
    """module -> the modules among `packages` it imports anywhere: at the top, inside a
    function, under TYPE_CHECKING. An import inside a function still runs one module's
    code from another's: hiding it there is how a cycle hid before."""
    modules = _module_names(packages)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                deps |= {node.module} & modules.keys()
                deps |= {f"{node.module}.{a.name}" for a in node.names} & modules.keys()
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names} & modules.keys()
        graph[name] = deps - {name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of `graph` as [a, b, ..., a], or [] when imports run one way."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return [*path[path.index(dep) :], dep]
            if dep not in state and (found := visit(dep)):
                return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for dep in graph.get(todo.pop(), ()):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function() -> None:
    """The finder itself: a test that passes on any graph would prove nothing."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []
    code = "def f():\n    from core.audit import audit\n"
    tree = ast.parse(code)
    assert [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)] == ["core.audit"]


def test_core_modules_import_each_other_one_way() -> None:
    graph = _imports(("core",))
    assert len(graph) > 20 and graph["core.audit"]
    assert _cycle(graph) == []


def test_the_actor_sits_below_the_audit_trail_and_settings_above_it() -> None:
    """Issue 19 point 3: who acts and what a role may do is below core.audit (which names
    the actor in every row); settings and accounts, which write audited rows, above it."""
    graph = _imports(("core",))
    below_audit = _reach(graph, "core.audit")
    assert "core.actors" in below_audit
    assert not {"core.users", "core.settings", "core.db"} & below_audit
    assert not {"core.audit", "core.db", "core.settings", "core.users"} & _reach(
        graph, "core.actors"
    )
    assert {"core.audit", "core.db"} <= _reach(graph, "core.settings")
    assert {"core.actors", "core.audit", "core.settings"} <= _reach(graph, "core.users")


def test_the_laptop_s_modules_import_each_other_one_way() -> None:
    """Every package of the laptop's app, the window included."""
    graph = _imports(LAPTOP)
    assert len(graph) > 100
    assert _cycle(graph) == []


def test_the_hub_s_modules_import_each_other_one_way() -> None:
    """The city hub over the laptop's packages: `hub init` rescoring used to run hub.score
    from inside hub.schema, which hub.score imports (hub.upgrade now sits above both)."""
    graph = _imports((*LAPTOP, "hub"))
    assert _cycle(graph) == []
