"""Restrooms page: the points by floor with their standing this fiscal year, a point's history."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
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
from core.i18n import language, tr
from core.settings import get_setting
from inspection.actions import CorrectiveAction, close_action, list_actions, update_action
from inspection.indicator import active_points
from inspection.points import floors
from inspection.rounds import Round, correct_round, point_statuses, rounds_for_point
from inspection.standard import max_totals
from summary.score import fiscal_years
from ui.hub import Hub
from ui.models.points_model import SORT_ROLE, ActionsModel, HistoryModel, PointStatusModel
from ui.ops import Change, reload_on
from ui.widgets.forms import FormDialog, ask_text
from ui.widgets.rights import permit
from ui.widgets.years import fill_years


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


def action_dialog(parent: QWidget, hub: Hub, db: Database, action: CorrectiveAction) -> FormDialog:
    """What a corrective action asks, who does it and by when; a refused date stays typed."""
    what, who = QLineEdit(action.what), QLineEdit(action.who)
    due = QLineEdit(format_date_short(action.due_date, language()) if action.due_date else "")
    due.setPlaceholderText(format_date_short(today(), language()))

    def save() -> CorrectiveAction:
        return update_action(db, action.uuid, what=what.text(), who=who.text(),
                             due=due.text().strip() or None)  # fmt: skip

    fields = [("what", tr("col.what"), what), ("who", tr("col.who"), who),
              ("due", tr("col.due"), due)]  # fmt: skip
    return FormDialog(parent, hub, tr("action.edit_title", item=action.item_no), fields, save,
                      changes=Change.ACTIONS, ok_text=tr("ind.save"))  # fmt: skip


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
        self.dialog: FormDialog | None = None
        self.out_of: dict[int, int] = {}
        self.follow = reload_on(self, hub, Change.ROUNDS | Change.ACTIONS | Change.POINTS,
                                self.refresh)  # fmt: skip
        hub.language_changed.connect(lambda _: self.retranslate())
        hub.open_point.connect(self.select_point)
        hub.signed_in.connect(self._update_buttons)

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
        fill_years(self.year, fiscal_years(self.db, self.fy), self.fy)
        for combo in (self.floor, self.state):
            combo.blockSignals(True)
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
        for combo in (self.floor, self.state):
            combo.blockSignals(False)

    # --- data ------------------------------------------------------------------------

    def refresh(self) -> None:
        """After a change: a year or floor may have appeared (a sync), then the figures."""
        self._fill_combos()
        self.reload()

    def reload(self) -> None:
        code = self.selected_code()
        self.out_of = max_totals(self.db)
        # The points the year's score judges: one deactivated since still counts in it.
        statuses = point_statuses(self.db, self.fy, active_points(self.db, self.fy))
        open_counts: dict[int, int] = {}
        for a in list_actions(self.db, open_only=True):
            open_counts[a.point_id] = open_counts.get(a.point_id, 0) + 1
        self.model.set_statuses(statuses, open_counts, self.out_of)
        passed = sum(1 for s in statuses if s.state == "passed")
        self.summary.setText(tr("restrooms.summary", passed=passed, total=len(statuses)))
        if code:
            self.select_point(code)
        self._show_point()

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
            self.history_model.out_of = self.out_of
            self.history_model.set_rows(rounds_for_point(self.db, st.point.id))
            self.actions_model.set_rows(list_actions(self.db, point_id=st.point.id))
        self._update_buttons()

    def _selected_round(self) -> Round | None:
        rows = self.history.selectionModel().selectedRows()
        return self.history_model.round_at(rows[0].row()) if rows else None

    def _selected_action(self) -> CorrectiveAction | None:
        rows = self.actions.selectionModel().selectedRows()
        return self.actions_model.action_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        rnd = self._selected_round()
        permit(self.start_button, self.db, "rounds.record", ready=self.selected_code() is not None,
               hint=tr("win.rights.select_point"))  # fmt: skip
        permit(self.correct_button, self.db, "rounds.correct",
               ready=rnd is not None and rnd.is_final and rnd.superseded_by is None,
               hint=tr("win.rights.select_round"))  # fmt: skip
        act = self._selected_action()
        for button in (self.edit_action_button, self.close_action_button):
            permit(button, self.db, "actions.edit", ready=act is not None and act.is_open,
                   hint=tr("win.rights.select_action"))  # fmt: skip

    # --- actions ---------------------------------------------------------------------

    def _start_round(self) -> None:
        code = self.selected_code()
        if code:
            self.hub.start_round.emit(code)

    def _open_round(self, index: QModelIndex) -> None:
        self.hub.open_round.emit(self.history_model.round_at(index.row()).uuid)

    def focus_main(self) -> None:
        """Ctrl+2: the keys go to the points (not the year box, which Down would change)."""
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.selected_code() is None and self.proxy.rowCount():
            self.table.selectRow(0)

    def correct_selected(self, reason: str, inspector: str) -> str | None:
        """Start a correction of the selected final round; returns the new draft's uuid
        (None, and the refusal shown, when the domain refuses)."""
        rnd = self._selected_round()
        if rnd is None:
            return None
        draft = correct_round(self.db, rnd.uuid, reason, inspector)
        self.hub.open_round.emit(draft.uuid)
        return draft.uuid

    def _correct(self) -> FormDialog | None:
        """Ask the reason; an empty one is refused beside the field, the dialog stays."""
        rnd = self._selected_round()
        if rnd is None:
            return None
        inspector = get_setting(self.db, "last_inspector", "") or ""
        self.dialog = ask_text(
            self, self.hub, tr("restrooms.correct"), tr("correct.reason"),
            lambda reason: self.correct_selected(reason, inspector), changes=Change.ROUNDS,
            intro=tr("win.correct.intro", code=rnd.point_code, total=rnd.total),
        )  # fmt: skip
        return self.dialog

    def _edit_action(self) -> FormDialog | None:
        act = self._selected_action()
        if act is None:
            return None
        self.dialog = action_dialog(self, self.hub, self.db, act)
        self.dialog.open()
        return self.dialog

    def _close_action(self) -> FormDialog | None:
        """The close date, today filled in; a refused date is asked again as typed."""
        act = self._selected_action()
        if act is None:
            return None
        self.dialog = ask_text(
            self, self.hub, tr("action.close"), tr("win.date_done"),
            lambda text: close_action(self.db, act.uuid, text), field="closed",
            text=format_date_short(today(), language()), changes=Change.ACTIONS,
            placeholder=format_date_short(today(), language()),
        )  # fmt: skip
        return self.dialog
