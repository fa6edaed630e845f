"""Every printable report, one entry each: the Reports page and the CLI read this list.

A report is built by one function `build(db, out, scope, *, lang, progress) -> Path`.
`scope` holds what the report is about (a fiscal year, a floor, a round...): the
entry's `scope` tuple names the keys it needs, so a screen can ask for exactly
those. `progress(done, total)` is called as the report advances; it may raise
`Cancelled` to stop (the partial file is removed and nothing is written).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from core.errors import SalaError

Progress = Callable[[int, int], None]

# The kinds of scope a report can need; the UI shows one input per key.
SCOPE_KEYS = ("fy", "floor", "round", "point", "month", "incident")


class Cancelled(SalaError):
    """The user cancelled a report while it was being written."""

    def __init__(
        self,
        th: str = "ยกเลิกการสร้างรายงานแล้ว",
        en: str = "the report was cancelled",
        **where: Any,
    ) -> None:
        super().__init__(th, en, **where)


def no_progress(done: int, total: int) -> None:
    """The default progress callback: nobody is watching."""


@dataclass(frozen=True)
class ReportKind:
    key: str  # CLI name: `report KEY ...`
    title_key: str  # i18n key of the report's name
    scope: tuple[str, ...]  # keys of SCOPE_KEYS this report needs
    build: Callable[..., Path] = field(repr=False)


def _annual(
    db: Database, out: Path, scope: dict[str, Any], *, lang: str, progress: Progress
) -> Path:
    from reports.annual_pdf import build_annual_pdf

    return build_annual_pdf(db, int(scope["fy"]), out, lang=lang, progress=progress)


REPORTS: dict[str, ReportKind] = {
    k.key: k for k in (ReportKind("annual", "report.annual", ("fy",), _annual),)
}


def build_report(
    db: Database,
    key: str,
    out: Path,
    scope: dict[str, Any],
    *,
    lang: str = "th",
    progress: Progress = no_progress,
) -> Path:
    """Write report `key` for `scope` to `out`; the one path for the UI and the CLI."""
    kind = REPORTS[key]
    missing = [k for k in kind.scope if scope.get(k) in (None, "")]
    if missing:
        from core.errors import InvalidInput

        raise InvalidInput(
            f"รายงานนี้ต้องระบุ {', '.join(missing)}",
            f"this report needs {', '.join(missing)}",
            field=missing[0],
        )
    return kind.build(db, Path(out), scope, lang=lang, progress=progress)
