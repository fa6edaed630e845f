"""Audit page (section heads): who changed what, and who recorded each deciding round."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core import audit
from core.calendar import (
    fiscal_year,
    fiscal_year_range,
    format_date,
    format_date_short,
    from_utc,
    fy_values,
    parse_date,
    today,
)
from core.i18n import as_label, language, tr
from core.users import role_name
from inspection.indicator import active_points
from inspection.rounds import deciding_rounds
from inspection.standard import max_totals
from summary.score import annual_score, fiscal_years, score_text
from summary.signing import latest_signature, sign_annual_summary
from summary.trail import sentences
from ui import ops
from ui.hub import Hub
from ui.models.base import Index, RowsModel
from ui.models.points_model import out_of
from ui.ops import Change, reload_on
from ui.widgets.messages import clear, say_error
from ui.widgets.rights import permit
from ui.widgets.years import fill_years

SIZE_SAMPLE_ROWS = 100


class _RowsModel(RowsModel[tuple]):
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return str(self.rows[index.row()][index.column()])
        return None


def _source(role: str, via: str) -> str:
    """The actor's role and where the action came from (rows before m016 have neither)."""
    if not role and not via:
        return "—"
    return f"{as_label(role_name(role, language()))} · {_code_via(via)}"


def _code_via(via: str) -> str:
    key = f"records.via.{via}"
    text = tr(key)
    return via if text == key else text


def _local(stamp: str) -> str:
    """Audit times are stored in UTC; people read Bangkok time."""
    moment = from_utc(stamp)
    return f"{format_date(moment.date(), language())} {moment:%H:%M:%S}"


class AuditPage(QWidget):
    def __init__(self, db: Database, hub: Hub) -> None:
        super().__init__()
        self.db, self.hub = db, hub
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.tabs = QTabWidget()

        self.user = QComboBox()
        self.since = QLineEdit()
        self.until = QLineEdit()
        self.record = QLineEdit()
        self.record.setClearButtonEnabled(True)
        self.filter_error = QLabel()
        self.filter_error.setStyleSheet("color: #b3261e")
        self.log_model = _RowsModel(("col.when", "win.audit.what", "records.col.source"))
        self.log = self._table(self.log_model, stretch=1)
        log_tab = QWidget()
        lv = QVBoxLayout(log_tab)
        filters = QHBoxLayout()
        self.user_label, self.since_label = QLabel(), QLabel()
        self.until_label, self.record_label = QLabel(), QLabel()
        for label, w in (
            (self.user_label, self.user),
            (self.since_label, self.since),
            (self.until_label, self.until),
            (self.record_label, self.record),
        ):
            filters.addWidget(label)
            filters.addWidget(w)
        filters.addStretch(1)
        lv.addLayout(filters)
        lv.addWidget(self.filter_error)
        lv.addWidget(self.log)

        self.year = QComboBox()
        self.behind_model = _RowsModel(
            ("col.code", "col.date", "col.total", "col.result", "col.inspector", "col.recorded_by")
        )
        self.behind = self._table(self.behind_model, stretch=4)
        behind_tab = QWidget()
        bv = QVBoxLayout(behind_tab)
        self.signed = QLabel()
        self.signed.setWordWrap(True)
        self.signed.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sign_button = QPushButton()
        self.sign_button.clicked.connect(self._sign_clicked)
        self.sign_error = QLabel()
        self.sign_error.setWordWrap(True)
        self.sign_error.hide()  # a blank line above the table until there is a refusal
        top = QHBoxLayout()
        top.addWidget(self.year)
        top.addWidget(self.sign_button)
        top.addStretch(1)
        bv.addLayout(top)
        bv.addWidget(self.signed)
        bv.addWidget(self.sign_error)
        bv.addWidget(self.behind)

        self.tabs.addTab(log_tab, "")
        self.tabs.addTab(behind_tab, "")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs)

        for w in (self.since, self.until, self.record):
            w.editingFinished.connect(self.reload)
        self.user.currentIndexChanged.connect(self.reload)
        self.year.currentIndexChanged.connect(self.reload_behind)
        # Every change writes the trail: the page follows them all (when it is seen).
        self.follow = reload_on(self, hub, Change.ALL, self.reload_all)
        hub.language_changed.connect(lambda _: self.retranslate())
        hub.signed_in.connect(self._apply_role)
        self.retranslate()

    @staticmethod
    def _table(model: QAbstractTableModel, stretch: int) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().hide()
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        # Column widths from the first rows, not all 5,000: measuring every cell took
        # most of a second each time the page was opened or filtered (benchmark, issue 8).
        header.setResizeContentsPrecision(SIZE_SAMPLE_ROWS)
        return view

    def retranslate(self) -> None:
        self.title.setText(tr("page.audit"))
        self.tabs.setTabText(0, tr("audit.log"))
        self.tabs.setTabText(1, tr("audit.behind"))
        self.sign_button.setText(tr("audit.sign"))
        self.user_label.setText(tr("col.user"))
        self.since_label.setText(tr("audit.since"))
        self.until_label.setText(tr("audit.until"))
        self.record_label.setText(tr("win.audit.search"))
        # This fiscal year's first and last day, as the filters read them.
        first, last = fiscal_year_range(fiscal_year(today()))
        self.since.setPlaceholderText(format_date_short(first, language()))
        self.until.setPlaceholderText(format_date_short(last, language()))
        self.record.setPlaceholderText(tr("win.audit.search_hint"))
        self.reload_all()

    def reload_all(self) -> None:
        self.user.blockSignals(True)
        chosen = self.user.currentData()
        self.user.clear()
        self.user.addItem(tr("audit.all_users"), None)
        for name in audit.actors(self.db):
            self.user.addItem(name, name)
        self.user.setCurrentIndex(max(0, self.user.findData(chosen)))
        self.user.blockSignals(False)
        fy = self.year.currentData() or fiscal_year(today())
        fill_years(self.year, fiscal_years(self.db, fy), fy)
        self._apply_role()
        self.reload()
        self.reload_behind()

    def _dates(self) -> tuple[date | None, date | None]:
        since = parse_date(self.since.text(), field="since") if self.since.text() else None
        until = parse_date(self.until.text(), field="until") if self.until.text() else None
        return since, until

    def reload(self) -> None:
        """The trail as sentences, newest first; the search box finds words in them."""
        clear(self.filter_error)
        dates = ops.run(self, self.hub, self._dates,
                        errors=lambda e: say_error(self.filter_error, e))  # fmt: skip
        if not dates or dates.value is None:
            return
        since, until = dates.value
        rows = audit.rows(
            self.db,
            actor=self.user.currentData(),
            since=(since - timedelta(days=1)).isoformat() + "T17:00" if since else None,
            until=until.isoformat() + "T17:00" if until else None,
            limit=5000,
        )
        # Each row also says the actor's role and where it came from (issue 14).
        lines = [(when, what, _source(r.role, r.via))
                 for (when, _, what), r in zip(sentences(self.db, rows, language()), rows,
                                               strict=True)]  # fmt: skip
        text = self.record.text().strip().casefold()
        if text:
            lines = [line for line in lines if any(text in cell.casefold() for cell in line)]
        self.log_model.set_rows(lines)

    def sign(self) -> bool:
        """The signed-in section head signs the selected year's summary (refused to others)."""
        fy = self.year.currentData()
        self.sign_error.hide()
        return bool(ops.run(self, self.hub, lambda: sign_annual_summary(self.db, fy),
                            changes=Change.SIGNATURES,
                            errors=lambda e: say_error(self.sign_error, e)))  # fmt: skip

    def _sign_clicked(self) -> None:
        fy = self.year.currentData()
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(tr("audit.sign_do"))
        score = score_text(annual_score(self.db, fy), language())
        box.setText(tr("audit.sign_confirm", score=score, **fy_values(fy)))
        yes = box.addButton(tr("audit.sign_do"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("trust.cancel"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is yes:
            self.sign()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        self._apply_role()
        super().showEvent(event)

    def _apply_role(self) -> None:
        # Only a section head may sign (the domain refuses anyone else regardless): an
        # administrator sees the button greyed, with who may.
        permit(self.sign_button, self.db, "summary.sign")

    def focus_main(self) -> None:
        table = self.log if self.tabs.currentIndex() == 0 else self.behind
        table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def reload_behind(self) -> None:
        fy = self.year.currentData()
        if fy is None:
            return
        signature = latest_signature(self.db, fy)
        self.signed.setText(
            tr(
                "audit.signed",
                name=signature.signed_by,
                when=_local(signature.at),
                head=signature.head,
            )  # fmt: skip
            if signature
            else tr("audit.unsigned")
        )
        deciding = deciding_rounds(self.db, fy)
        totals = max_totals(self.db)
        rows = []
        # The points the year's score judges (a point deactivated since still counts in it).
        for p in active_points(self.db, fy):
            rnd = deciding.get(p.id)
            if rnd is None:
                rows.append((p.code, "", "", tr("state.unchecked"), "", ""))
                continue
            rows.append(
                (
                    p.code,
                    format_date(rnd.inspected_at.date(), language()),
                    out_of(rnd, totals),
                    tr("state.passed" if rnd.passed else "state.failed"),
                    rnd.inspector,
                    rnd.recorded_by,
                )
            )
        self.behind_model.set_rows(rows)
