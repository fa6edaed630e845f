"""Incidents page: every event of the fiscal year, pending review first; the section
head decides, with a reason, whether each counts. The counted total and the
ladder level stay in view."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core.calendar import fiscal_year, format_date, fy_values, today
from core.i18n import as_label, language, tr
from security.events import CATEGORIES, GuardEvent, category_name
from security.indicator import classify_event, coverage_line, events_of_year, incident_indicator
from summary.score import fiscal_years
from ui.hub import Hub
from ui.models.base import Index, RowsModel
from ui.ops import Change, reload_on
from ui.widgets.forms import FormDialog, ask_text, is_open
from ui.widgets.messages import clear
from ui.widgets.rights import permit
from ui.widgets.years import fill_years

STATUS_COLOURS = {"pending": "#8a6d00", "counts": "#b3261e", "not": "#1b7f3b"}


class EventsModel(RowsModel[GuardEvent]):
    COLUMNS = ("incidents.happened_on", "guard.shift", "guard.time", "guard.place",
               "guard.category", "guard.description", "col.status", "inc.reason")  # fmt: skip

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        ev = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            # The event's own day (a night report's 02:00 is the next day), and for an event
            # the plan never counts, why, when nobody has written a reason.
            reason = ev.reason or ("" if ev.countable else tr("incidents.not_countable"))
            return (
                format_date(ev.day, language()), as_label(tr(f"shift.{ev.shift}")),
                ev.at.strftime("%H:%M"), ev.place, as_label(category_name(ev.category)),
                ev.description, as_label(tr(f"inc.{ev.status}")), reason,
            )[col]  # fmt: skip
        if role == Qt.ItemDataRole.ToolTipRole and col in (0, 1) and ev.day != ev.report_day:
            return f"{tr('incidents.report_day')}: {format_date(ev.report_day, language())}"
        if role == Qt.ItemDataRole.ForegroundRole and col == 6:
            return QColor(STATUS_COLOURS[ev.status])
        if role == Qt.ItemDataRole.UserRole:
            return (ev.status, ev.category)
        return None


class EventFilter(QSortFilterProxyModel):
    def __init__(self) -> None:
        super().__init__()
        self.status: str | None = None
        self.category: str | None = None

    def set_filter(self, status: str | None, category: str | None) -> None:
        self.beginFilterChange()
        self.status, self.category = status, category
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, EventsModel)
        ev = model.rows[row]
        return (self.status is None or ev.status == self.status) and (
            self.category is None or ev.category == self.category
        )


class IncidentsPage(QWidget):
    def __init__(self, db: Database, hub: Hub) -> None:
        super().__init__()
        self.db, self.hub = db, hub
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.year = QComboBox()
        self.status = QComboBox()
        self.category = QComboBox()
        self.summary = QLabel()
        self.summary.setObjectName("sectionTitle")
        self.model = EventsModel()
        self.proxy = EventFilter()
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.counts_button = QPushButton()
        self.not_button = QPushButton()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.dialog: FormDialog | None = None
        filters = QHBoxLayout()
        for w in (self.year, self.status, self.category):
            filters.addWidget(w)
        filters.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addWidget(self.not_button)
        buttons.addWidget(self.counts_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.year.currentIndexChanged.connect(lambda _: self.reload())
        self.status.currentIndexChanged.connect(self._filter)
        self.category.currentIndexChanged.connect(self._filter)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._buttons())
        self.counts_button.clicked.connect(lambda: self._classify(True))
        self.not_button.clicked.connect(lambda: self._classify(False))
        self.follow = reload_on(self, hub, Change.GUARD, self.refresh)
        hub.language_changed.connect(lambda _: self.retranslate())
        hub.signed_in.connect(self._buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("page.incidents"))
        self.counts_button.setText(tr("inc.mark_counts"))
        self.not_button.setText(tr("inc.mark_not"))
        self._fill_years()
        for combo in (self.status, self.category):
            combo.blockSignals(True)
        self.status.clear()
        self.status.addItem(tr("filter.all_states"), None)
        for s in ("pending", "counts", "not"):
            self.status.addItem(as_label(tr(f"inc.{s}")), s)
        self.category.clear()
        self.category.addItem(tr("inc.all_categories"), None)
        for c in CATEGORIES:
            self.category.addItem(as_label(category_name(c)), c)
        for combo in (self.status, self.category):
            combo.blockSignals(False)
        self.reload()

    def _fill_years(self) -> None:
        fy = self.year.currentData() or fiscal_year(today())
        fill_years(self.year, fiscal_years(self.db, fy), fy)

    def refresh(self) -> None:
        """After a change (a report signed, an event decided, a sync): years, then events."""
        self._fill_years()
        self.reload()

    def focus_main(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.selected() is None and self.proxy.rowCount():
            self.table.selectRow(0)

    def show_pending(self, fy: int) -> None:
        """The pending events of `fy`, the first one selected, ready to classify."""
        if self.year.findData(fy) < 0:
            self.year.addItem(tr("fy.n", **fy_values(fy)), fy)
        self.year.setCurrentIndex(self.year.findData(fy))  # reloads if the year changed
        self.status.setCurrentIndex(self.status.findData("pending"))
        if self.proxy.rowCount():
            self.table.selectRow(0)
        self.table.setFocus()

    def reload(self) -> None:
        fy = self.year.currentData()
        if fy is None:
            return
        self.model.set_rows(events_of_year(self.db, fy))
        ind = incident_indicator(self.db, fy)
        text = tr("inc.summary", counted=ind.counted, pending=ind.pending, level=ind.level,
                  score=f"{ind.score:g}")  # fmt: skip
        if ind.pending:
            text += " · " + tr("ind.pending_warning", n=ind.pending)
        text += "\n" + coverage_line(ind)
        self.summary.setText(text)
        self._buttons()

    def _filter(self) -> None:
        self.proxy.set_filter(self.status.currentData(), self.category.currentData())

    def selected(self) -> GuardEvent | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[self.proxy.mapToSource(rows[0]).row()] if rows else None

    def _buttons(self) -> None:
        # A section head decides; an administrator sees the buttons greyed and why.
        ev = self.selected()
        select = tr("win.rights.select_event")
        permit(self.not_button, self.db, "incidents.classify", ready=ev is not None, hint=select)
        # "Counts" is offered only for theft, damage and loss (DOMAIN.md 7); the domain
        # refuses the rest anyway.
        only = tr("incidents.counts_only_for")
        if permit(self.counts_button, self.db, "incidents.classify",
                  ready=ev is not None and ev.countable,
                  hint=select if ev is None else only):  # fmt: skip
            self.counts_button.setToolTip(only)

    def classify(self, counts: bool, reason: str) -> bool:
        """Decide the selected event with `reason` (the dialog's OK calls this)."""
        ev = self.selected()
        if ev is None:
            return False
        if is_open(self.dialog):
            self.dialog.reject()
        dialog = self._ask(counts)
        dialog.edit.setText(reason)  # type: ignore[attr-defined]
        return dialog.try_accept()

    def _ask(self, counts: bool) -> FormDialog:
        ev = self.selected()
        assert ev is not None
        clear(self.error)
        decision = tr("inc.mark_counts" if counts else "inc.mark_not")
        intro = tr(
            "win.inc.deciding",
            day=format_date(ev.day, language()),
            what=ev.description or category_name(ev.category),
            decision=decision,
        )
        self.dialog = ask_text(
            self, self.hub, tr("page.incidents"), tr("inc.reason_prompt"),
            lambda reason: classify_event(self.db, ev.uuid, counts, reason),
            changes=Change.GUARD, intro=intro,
        )  # fmt: skip
        return self.dialog

    def _classify(self, counts: bool) -> None:
        if self.selected() is not None:
            self._ask(counts)
