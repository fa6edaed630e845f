"""Issue 7: SQL is parameterized everywhere: values travel as `?`, never inside the text.

Some statements are put together from fixed parts (a column list, a shared WHERE). This
test reads every source file and allows, inside an SQL string, only module constants that
are themselves fixed text, and a few reviewed local names, each said below to hold only
fixed text. A new f-string with a value in it fails here.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# sync/ names columns in its SQL from the fixed fileformat.FIELDS (tests/sync prove a
# record with another key is refused first), so it is checked there, not here.
PACKAGES = ("core", "inspection", "security", "reports", "ui")
SQL_CALLS = {"execute", "executemany", "executescript"}

# (file, local name): why the name holds fixed SQL text only.
REVIEWED = {
    ("core/audit.py", "sql"): "built from fixed column names and '?' placeholders",
    ("core/audit.py", "col"): "one of three fixed column names in a tuple literal",
    ("core/integrity.py", "pragma"): "'quick_check' or 'integrity_check'",
    ("core/db.py", "statement"): "one statement of a migration's fixed script, run in turn",
    ("inspection/actions.py", "sql"): "_SQL plus fixed WHERE text",
    ("inspection/points.py", "sql"): "_COLS query plus a fixed 'WHERE active = 1'",
    ("inspection/rounds.py", "sql"): "_ROUND_SQL plus fixed WHERE text with '?'",
    ("inspection/standard.py", "where"): "callers pass 'id = ?' or a fixed newest-version query",
    ("security/contract.py", "sql"): "a fixed query plus a fixed WHERE",
    ("core/migrations.py", "table"): "a key of the literal `editable` dict in m009",
    ("core/migrations.py", "columns"): "a fixed column list of the literal `editable` dict",
    ("core/records.py", "sql"): "made by core.records from the literal RECORDS descriptions"
    " (table and column names) and '?' placeholders",
}


def _fixed(node: ast.AST, constants: dict[str, ast.AST]) -> bool:
    """Is this expression made of string literals and fixed constants only?"""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str | int)
    # int(...) can only give digits and a sign (PRAGMA values cannot be '?' parameters).
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "int":
        return True
    if (
        isinstance(node, ast.UnaryOp | ast.BinOp)
        and all(
            isinstance(n, ast.Constant) and isinstance(n.value, int)
            for n in ast.walk(node)
            if isinstance(n, ast.Constant)
        )
        and not any(isinstance(n, ast.Name | ast.Call) for n in ast.walk(node))
    ):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(
            _fixed(v.value if isinstance(v, ast.FormattedValue) else v, constants)
            for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _fixed(node.left, constants) and _fixed(node.right, constants)
    if isinstance(node, ast.IfExp):
        return _fixed(node.body, constants) and _fixed(node.orelse, constants)
    if isinstance(node, ast.Name) and node.id in constants:
        return _fixed(constants[node.id], constants)
    return False


def _sql_parts(node: ast.AST) -> list[ast.AST]:
    """The pieces an SQL expression is glued from (f-string holes, `+` operands)."""
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _sql_parts(node.left) + _sql_parts(node.right)
    if isinstance(node, ast.Constant):
        return []
    return [node]


def _constants(tree: ast.Module) -> dict[str, ast.AST]:
    return {
        t.id: stmt.value
        for stmt in tree.body
        if isinstance(stmt, ast.Assign)
        for t in stmt.targets
        if isinstance(t, ast.Name) and t.id.lstrip("_").isupper()
    }


def _imported_constants(root: Path, tree: ast.Module) -> dict[str, ast.AST]:
    """Constants imported from another module of ours (security.reports.CURRENT), each
    judged as it is written in its own module."""
    out: dict[str, ast.AST] = {}
    for stmt in tree.body:
        if not isinstance(stmt, ast.ImportFrom) or not stmt.module:
            continue
        source = root / (stmt.module.replace(".", "/") + ".py")
        if stmt.module.split(".")[0] not in PACKAGES or not source.exists():
            continue
        theirs = _constants(ast.parse(source.read_text(encoding="utf-8")))
        for alias in stmt.names:
            if alias.name in theirs:
                out[alias.asname or alias.name] = theirs[alias.name]
    return out


def _violations(root: Path, used: set | None = None) -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"))
            constants = _imported_constants(root, tree) | _constants(tree)
            # What a reviewed local is set to is checked like the SQL itself, so that
            # `sql += f"... {value}"` cannot hide behind the name `sql`.
            assigned: list[tuple[int, ast.AST]] = []
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign) and node.value:
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    if any(isinstance(t, ast.Name) and (rel, t.id) in REVIEWED for t in targets):
                        assigned.append((node.lineno, node.value))
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in SQL_CALLS
                    and node.args
                ):
                    assigned.append((node.lineno, node.args[0]))
            for lineno, expr in assigned:
                for part in _sql_parts(expr):
                    if _fixed(part, constants):
                        continue
                    if isinstance(part, ast.Name) and (rel, part.id) in REVIEWED:
                        if used is not None:
                            used.add((rel, part.id))
                        continue
                    found.append(f"{rel}:{lineno}: {ast.unparse(part)}")
    return found


def test_no_value_is_pasted_into_sql_text() -> None:
    used: set = set()
    assert _violations(ROOT, used) == []
    assert used == set(REVIEWED)  # no stale excuse stays on the list


def test_the_scan_catches_a_value_pasted_into_sql(tmp_path) -> None:
    """The scan itself can fail: pasted values are reported, fixed parts are not."""
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "probe.py").write_text(
        "_COLS = 'id, name'\n"
        "def f(db, name, n):\n"
        "    db.execute(f'SELECT {_COLS} FROM users WHERE id = ?', [n])\n"
        "    db.execute(f\"SELECT * FROM users WHERE username = '{name}'\")\n"
        "    db.execute('SELECT * FROM users LIMIT ' + str(n))\n",
        encoding="utf-8",
    )
    assert _violations(tmp_path) == ["core/probe.py:4: name", "core/probe.py:5: str(n)"]
