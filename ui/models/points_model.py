"""Table models of the Restrooms page: points with their standing, a point's history."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from core.calendar import format_date, format_datetime
from core.i18n import as_label, language, tr
from inspection.actions import CorrectiveAction
from inspection.rounds import PointStatus, Round
from ui.models.base import Index, RowsModel

STATE_COLOURS = {"passed": "#1b7f3b", "failed": "#b3261e", "unchecked": "#7a6a00"}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


def out_of(rnd: Round, totals: dict[int, int]) -> str:
    """ "74/80": a total out of its standard's highest (the standard decides, not a constant)."""
    highest = totals.get(rnd.standard_id)
    return f"{rnd.total}/{highest}" if highest else str(rnd.total)


class PointStatusModel(RowsModel[PointStatus]):
    COLUMNS = ("col.floor", "col.code", "col.name", "col.status", "col.total", "col.date")

    def __init__(self) -> None:
        super().__init__()
        self._open_actions: dict[int, int] = {}
        self.out_of: dict[int, int] = {}

    def set_statuses(
        self, rows: list[PointStatus], open_actions: dict[int, int], out_of: dict[int, int]
    ) -> None:
        """`out_of`: standard id -> its highest total (inspection.standard.max_totals)."""
        self._open_actions, self.out_of = open_actions, out_of
        self.set_rows(rows)

    def status_at(self, row: int) -> PointStatus:
        return self.rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        st = self.rows[index.row()]
        col = index.column()
        rnd = st.round
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return tr("floor.n", n=st.point.floor)
            if col == 1:
                return st.point.code
            if col == 2:
                name = st.point.name(language())
                n = self._open_actions.get(st.point.id, 0)
                return name + (f"  ({tr('actions.open_n', n=n)})" if n else "")
            if col == 3:
                return tr(f"state.{st.state}")
            if col == 4:
                return "" if rnd is None else out_of(rnd, self.out_of)
            if col == 5:
                return "" if rnd is None else format_date(rnd.inspected_at.date(), language())
        if role == SORT_ROLE:
            if col == 0:
                return st.point.floor
            if col == 4:
                return -1 if rnd is None else rnd.total
            if col == 5:
                return "" if rnd is None else rnd.inspected_at.isoformat()
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.ForegroundRole and col == 3:
            return QColor(STATE_COLOURS[st.state])
        if role == Qt.ItemDataRole.UserRole:
            return st.state
        return None


class HistoryModel(RowsModel[Round]):
    COLUMNS = ("col.date", "col.inspector", "col.total", "col.result", "col.status")

    def __init__(self) -> None:
        super().__init__()
        self.out_of: dict[int, int] = {}

    def round_at(self, row: int) -> Round:
        return self.rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return format_datetime(r.inspected_at, language())
            if col == 1:
                return r.inspector
            if col == 2:
                return out_of(r, self.out_of) if r.complete else f"{r.total} …"
            if col == 3:
                if r.passed is None:
                    return ""
                return tr("state.passed" if r.passed else "state.failed")
            if col == 4:
                parts = [as_label(tr(f"status.{r.status}"))]
                if r.superseded_by:
                    parts.append(tr("history.superseded"))
                if r.supersedes:
                    parts.append(tr("history.corrects", reason=r.reason))
                return " · ".join(parts)
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.superseded_by:
                return QColor("#888888")
            if col == 3 and r.passed is not None:
                return QColor(STATE_COLOURS["passed" if r.passed else "failed"])
        if role == Qt.ItemDataRole.ToolTipRole and r.reason:
            return r.reason
        return None


class ActionsModel(RowsModel[CorrectiveAction]):
    COLUMNS = ("col.no", "col.what", "col.who", "col.due", "col.closed")

    def action_at(self, row: int) -> CorrectiveAction:
        return self.rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        a = self.rows[index.row()]
        col = index.column()
        lang = language()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(a.item_no)
            if col == 1:
                return a.what
            if col == 2:
                return a.who
            if col == 3:
                return format_date(a.due_date, lang) if a.due_date else ""
            if col == 4:
                if a.closed_date is None:
                    return as_label(tr("action.open"))
                if a.resolved_by_correction is not None:
                    return tr("win.action.resolved_short", day=format_date(a.closed_date, lang))
                return format_date(a.closed_date, lang)
        if role == Qt.ItemDataRole.ToolTipRole and col == 4 and a.resolved_by_correction:
            # Closed as resolved by a correction: the correction's reason (issue 17).
            return tr("win.action.resolved", day=format_date(a.closed_date, lang),
                      reason=a.resolved_by_correction)  # fmt: skip
        if role == Qt.ItemDataRole.ToolTipRole and col == 1:
            return a.what
        if role == Qt.ItemDataRole.ForegroundRole and col == 4 and a.is_open:
            return QColor(STATE_COLOURS["failed"])
        return None
