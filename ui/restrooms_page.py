"""Restrooms page: the points by floor with their standing this fiscal year, a point's history."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core.calendar import fiscal_year, format_date_short, today
from core.errors import SalaError
from core.i18n import language, tr
from inspection.actions import CorrectiveAction, close_action, list_actions, update_action
from inspection.indicator import active_points
from inspection.points import floors
from inspection.rounds import correct_round, point_statuses, rounds_for_point
from ui.hub import Hub, ReloadWhenSeen
from ui.models.points_model import SORT_ROLE, ActionsModel, HistoryModel, PointStatusModel
from ui.widgets.messages import show_error


def _fit_columns(view: QTableView, stretch: int) -> None:
    """Columns as wide as their text; one column takes the rest (long Thai names)."""
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


class PointFilter(QSortFilterProxyModel):
    """Filter by floor and by standing (passed / failed / not yet checked)."""

    def __init__(self) -> None:
        super().__init__()
        self.floor: int | None = None
        self.state: str | None = None
        self.setSortRole(SORT_ROLE)

    def set_filter(self, floor: int | None, state: str | None) -> None:
        self.beginFilterChange()
        self.floor, self.state = floor, state
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, PointStatusModel)
        st = model.status_at(row)
        if self.floor is not None and st.point.floor != self.floor:
            return False
        return self.state is None or st.state == self.state


class ActionDialog(QDialog):
    """Edit what a corrective action asks, who does it and by when."""

    def __init__(self, parent: QWidget, action: CorrectiveAction) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("action.edit_title", item=action.item_no))
        self.what = QLineEdit(action.what)
        self.who = QLineEdit(action.who)
        self.due = QLineEdit(format_date_short(action.due_date, "th") if action.due_date else "")
        self.due.setPlaceholderText("15/10/2564")
        form = QFormLayout(self)
        form.addRow(tr("col.what"), self.what)
        form.addRow(tr("col.who"), self.who)
        form.addRow(tr("col.due"), self.due)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(520, 0)


class RestroomsPage(QWidget):
    def __init__(self, db: Database, hub: Hub) -> None:
        super().__init__()
        self.db, self.hub = db, hub
        self.fy = fiscal_year(today())

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.year = QComboBox()
        self.floor = QComboBox()
        self.state = QComboBox()
        self.summary = QLabel()

        self.model = PointStatusModel()
        self.proxy = PointFilter()
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        _fit_columns(self.table, stretch=2)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)

        self.point_title = QLabel()
        self.point_title.setObjectName("sectionTitle")
        self.start_button = QPushButton()
        self.correct_button = QPushButton()
        self.history_model = HistoryModel()
        self.history = QTableView()
        self.history.setModel(self.history_model)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().hide()
        _fit_columns(self.history, stretch=4)
        self.actions_title = QLabel()
        self.actions_title.setObjectName("sectionTitle")
        self.actions_model = ActionsModel()
        self.actions = QTableView()
        self.actions.setModel(self.actions_model)
        self.actions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.actions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.actions.verticalHeader().hide()
        _fit_columns(self.actions, stretch=1)
        self.edit_action_button = QPushButton()
        self.close_action_button = QPushButton()

        filters = QHBoxLayout()
        for w in (self.year, self.floor, self.state):
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(self.summary)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addLayout(filters)
        lv.addWidget(self.table)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.point_title, 1)
        head.addWidget(self.start_button)
        rv.addLayout(head)
        rv.addWidget(self.history, 3)
        hb = QHBoxLayout()
        hb.addStretch(1)
        hb.addWidget(self.correct_button)
        rv.addLayout(hb)
        rv.addWidget(self.actions_title)
        rv.addWidget(self.actions, 2)
        ab = QHBoxLayout()
        ab.addStretch(1)
        ab.addWidget(self.edit_action_button)
        ab.addWidget(self.close_action_button)
        rv.addLayout(ab)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 4)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(split, 1)

        self.year.currentIndexChanged.connect(self._year_changed)
        self.floor.currentIndexChanged.connect(self._filter_changed)
        self.state.currentIndexChanged.connect(self._filter_changed)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_point())
        self.table.doubleClicked.connect(lambda _: self._start_round())
        self.start_button.clicked.connect(self._start_round)
        self.correct_button.clicked.connect(self._correct)
        self.history.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.history.doubleClicked.connect(self._open_round)
        self.actions.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.edit_action_button.clicked.connect(self._edit_action)
        self.close_action_button.clicked.connect(self._close_action)
        self._later = ReloadWhenSeen(self, self.reload)
        hub.changed.connect(self._data_changed)
        hub.language_changed.connect(lambda _: self.retranslate())
        hub.open_point.connect(self.select_point)

        self.retranslate()

    # --- texts -----------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(tr("page.restrooms"))
        self.start_button.setText(tr("restrooms.start_round"))
        self.correct_button.setText(tr("restrooms.correct"))
        self.actions_title.setText(tr("restrooms.actions"))
        self.edit_action_button.setText(tr("action.edit"))
        self.close_action_button.setText(tr("action.close"))
        self._fill_combos()
        self.reload()

    def _fill_combos(self) -> None:
        for combo in (self.year, self.floor, self.state):
            combo.blockSignals(True)
        self.year.clear()
        current = fiscal_year(today())
        years = sorted(
            {current, self.fy}
            | {r[0] for r in self.db.execute("SELECT DISTINCT fiscal_year FROM rounds")},
            reverse=True,
        )
        for fy in years:
            self.year.addItem(tr("fy.n", n=fy), fy)
        self.year.setCurrentIndex(years.index(self.fy))
        floor, state = self.proxy.floor, self.proxy.state
        self.floor.clear()
        self.floor.addItem(tr("filter.all_floors"), None)
        for f in floors(self.db):
            self.floor.addItem(tr("floor.n", n=f), f)
        self.floor.setCurrentIndex(max(0, self.floor.findData(floor)))
        self.state.clear()
        self.state.addItem(tr("filter.all_states"), None)
        for s in ("passed", "failed", "unchecked"):
            self.state.addItem(tr(f"state.{s}"), s)
        self.state.setCurrentIndex(max(0, self.state.findData(state)))
        for combo in (self.year, self.floor, self.state):
            combo.blockSignals(False)

    # --- data ------------------------------------------------------------------------

    def reload(self) -> None:
        code = self.selected_code()
        # The points the year's score judges: one deactivated since still counts in it.
        statuses = point_statuses(self.db, self.fy, active_points(self.db, self.fy))
        open_counts: dict[int, int] = {}
        for a in list_actions(self.db, open_only=True):
            open_counts[a.point_id] = open_counts.get(a.point_id, 0) + 1
        self.model.set_statuses(statuses, open_counts)
        passed = sum(1 for s in statuses if s.state == "passed")
        self.summary.setText(tr("restrooms.summary", passed=passed, total=len(statuses)))
        if code:
            self.select_point(code)
        self._show_point()

    def _data_changed(self, kind: str) -> None:
        if kind in ("rounds", "actions", "points", "all"):
            self._later.request()

    def _year_changed(self) -> None:
        self.fy = self.year.currentData()
        self.reload()

    def _filter_changed(self) -> None:
        self.proxy.set_filter(self.floor.currentData(), self.state.currentData())

    def selected_code(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.model.status_at(self.proxy.mapToSource(rows[0]).row()).point.code

    def show_year(self, fy: int) -> None:
        """Show the points' state in `fy` (a page that points here from that year)."""
        if self.year.findData(fy) < 0:
            # A year with no round yet: added with the combo's signals held, so reload here.
            self.fy = fy
            self._fill_combos()
            self.reload()
            return
        self.year.setCurrentIndex(self.year.findData(fy))  # reloads if the year changed

    def select_point(self, code: str) -> None:
        for row in range(self.model.rowCount()):
            if self.model.status_at(row).point.code == code:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                if index.isValid():
                    self.table.selectRow(index.row())
                    self.table.scrollTo(index)
                return

    def _show_point(self) -> None:
        code = self.selected_code()
        if code is None:
            self.point_title.setText(tr("restrooms.pick_point"))
            self.history_model.set_rows([])
            self.actions_model.set_rows([])
        else:
            st = next(s for s in self.model.rows if s.point.code == code)
            self.point_title.setText(f"{code}  {st.point.name(language())}")
            self.history_model.set_rows(rounds_for_point(self.db, st.point.id))
            self.actions_model.set_rows(list_actions(self.db, point_id=st.point.id))
        self._update_buttons()

    def _selected_round(self):
        rows = self.history.selectionModel().selectedRows()
        return self.history_model.round_at(rows[0].row()) if rows else None

    def _selected_action(self) -> CorrectiveAction | None:
        rows = self.actions.selectionModel().selectedRows()
        return self.actions_model.action_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        rnd = self._selected_round()
        self.start_button.setEnabled(self.selected_code() is not None)
        self.correct_button.setEnabled(
            rnd is not None and rnd.is_final and rnd.superseded_by is None
        )
        act = self._selected_action()
        self.edit_action_button.setEnabled(act is not None and act.is_open)
        self.close_action_button.setEnabled(act is not None and act.is_open)

    # --- actions ---------------------------------------------------------------------

    def _start_round(self) -> None:
        code = self.selected_code()
        if code:
            self.hub.start_round.emit(code)

    def _open_round(self, index: QModelIndex) -> None:
        self.hub.open_round.emit(self.history_model.round_at(index.row()).uuid)

    def correct_selected(self, reason: str, inspector: str) -> str | None:
        """Start a correction of the selected final round; returns the new draft's uuid."""
        rnd = self._selected_round()
        if rnd is None:
            return None
        try:
            draft = correct_round(self.db, rnd.uuid, reason, inspector)
        except SalaError as exc:
            show_error(self, exc)
            return None
        self.hub.changed.emit("rounds")
        self.hub.open_round.emit(draft.uuid)
        return draft.uuid

    def _correct(self) -> None:
        reason, ok = QInputDialog.getText(self, tr("restrooms.correct"), tr("correct.reason"))
        if ok:
            from core.db import get_setting

            self.correct_selected(reason, get_setting(self.db, "last_inspector", "") or "")

    def _edit_action(self) -> None:
        act = self._selected_action()
        if act is None:
            return
        dialog = ActionDialog(self, act)
        while True:
            # A refusal keeps the dialog and what was typed in it, to be corrected.
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            try:
                update_action(
                    self.db, act.uuid, what=dialog.what.text(), who=dialog.who.text(),
                    due=dialog.due.text().strip() or None,
                )  # fmt: skip
            except SalaError as exc:
                show_error(self, exc)
                continue
            break
        self.hub.changed.emit("actions")

    def _close_action(self) -> None:
        act = self._selected_action()
        if act is None:
            return
        text = format_date_short(today(), "th")
        while True:
            # A refused date (31/02/2564) is asked again with what was typed, not dropped.
            text, ok = QInputDialog.getText(
                self, tr("action.close"), tr("action.closed_on"), text=text
            )
            if not ok:
                return
            try:
                close_action(self.db, act.uuid, text)
            except SalaError as exc:
                show_error(self, exc)
                continue
            break
        self.hub.changed.emit("actions")
