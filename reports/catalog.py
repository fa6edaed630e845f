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
from core.i18n import ByLanguage

Progress = Callable[[int, int], None]

# The kinds of scope a report can need; the UI shows one input per key.
SCOPE_KEYS = ("fy", "floor", "round", "point", "month", "incident")


class Cancelled(SalaError):
    """The user cancelled a report while it was being written."""

    def __init__(self, key: str = "rpt.report_cancelled", /, **where: Any) -> None:
        super().__init__(key, **where)


def no_progress(done: int, total: int) -> None:
    """The default progress callback: nobody is watching."""


@dataclass(frozen=True)
class ReportKind:
    key: str  # CLI name: `report KEY ...`
    title_key: str  # i18n key of the report's name
    scope: tuple[str, ...]  # keys of SCOPE_KEYS this report needs
    build: Callable[..., Path] = field(repr=False)
    optional: tuple[str, ...] = ()  # keys it takes when given (the blank form's fiscal year)


def _fy(scope: dict[str, Any]) -> int:
    from core.calendar import parse_fiscal_year

    return parse_fiscal_year(scope["fy"], field="fy")


def _annual(
    db: Database, out: Path, scope: dict[str, Any], *, lang: str, progress: Progress
) -> Path:
    from reports.annual_pdf import build_annual_pdf

    return build_annual_pdf(db, _fy(scope), out, lang=lang, progress=progress)


def _floor(
    db: Database, out: Path, scope: dict[str, Any], *, lang: str, progress: Progress
) -> Path:
    from core.errors import InvalidInput
    from core.values import digits
    from inspection.points import floors
    from reports.restroom_pdf import build_floor_pdf

    fy = _fy(scope)
    known = floors(db)
    text = digits(str(scope["floor"]).strip(), field="floor")  # issue 14: '²' is no floor
    if not (text.isascii() and text.isdigit() and len(text) <= 3) or int(text) not in known:
        listed = ", ".join(str(f) for f in known)
        raise InvalidInput("rpt.there_no_floor_floors", field="floor", text=text, listed=listed)
    return build_floor_pdf(db, fy, int(text), out, lang=lang, progress=progress)


def _round(
    db: Database, out: Path, scope: dict[str, Any], *, lang: str, progress: Progress
) -> Path:
    from inspection.rounds import get_round
    from reports.restroom_pdf import build_round_pdf

    rnd = get_round(db, str(scope["round"]).strip())
    return build_round_pdf(db, rnd, out, lang=lang, progress=progress)


def _blank(
    db: Database, out: Path, scope: dict[str, Any], *, lang: str, progress: Progress
) -> Path:
    from inspection.points import get_point
    from reports.restroom_pdf import build_blank_form_pdf

    point = get_point(db, str(scope["point"]), field="point")
    # Without a fiscal year the form names none: the inspector writes the date on it.
    fy = _fy(scope) if scope.get("fy") not in (None, "") else None
    return build_blank_form_pdf(db, point, out, lang=lang, fy=fy, progress=progress)


def _guard_month(
    db: Database, out: Path, scope: dict[str, Any], *, lang: str, progress: Progress
) -> Path:
    from reports.guard_pdf import build_guard_month_pdf, parse_month

    year, month = parse_month(scope["month"], field="month")
    return build_guard_month_pdf(db, year, month, out, lang=lang, progress=progress)


def _incident(
    db: Database, out: Path, scope: dict[str, Any], *, lang: str, progress: Progress
) -> Path:
    from reports.guard_pdf import build_incident_pdf

    return build_incident_pdf(db, str(scope["incident"]), out, lang=lang, progress=progress)


REPORTS: dict[str, ReportKind] = {
    k.key: k
    for k in (
        ReportKind("annual", "report.annual", ("fy",), _annual),
        ReportKind("floor", "rp.report.floor", ("fy", "floor"), _floor),
        ReportKind("round", "rp.report.round", ("round",), _round),
        ReportKind("blank", "rp.report.blank", ("point",), _blank, optional=("fy",)),
        ReportKind("guard-month", "rp.report.guard_month", ("month",), _guard_month),
        ReportKind("incident", "rp.report.incident", ("incident",), _incident),
    )
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
    kind = REPORTS.get(key)
    if kind is None:
        from core.errors import InvalidInput

        known = ", ".join(REPORTS)
        raise InvalidInput("rpt.unknown_report_use", field="report", name=key, known=known)
    missing = [k for k in kind.scope if scope.get(k) in (None, "")]
    if missing:
        from core.errors import InvalidInput
        from core.i18n import catalogue, tr

        # By the Reports page's own labels, not scope keys: "ต้องระบุ round" read as a
        # fault, where the list of rounds was only empty for that point and year.
        def names(lang: str) -> str:
            # A scope with no label on the page (none today) is named by its key.
            labels = catalogue()
            return ", ".join(tr(f"rpt.scope.{k}", lang) if f"rpt.scope.{k}" in labels else k
                             for k in missing)  # fmt: skip

        raise InvalidInput("rpt.needs", names=ByLanguage(names))
    return kind.build(db, Path(out), scope, lang=lang, progress=progress)
