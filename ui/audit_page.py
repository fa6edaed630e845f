"""Audit page (section heads): who changed what, and who recorded each deciding round."""

from __future__ import annotations

from datetime import timedelta
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
from core.calendar import fiscal_year, format_date, from_utc, parse_date, today
from core.errors import SalaError
from core.i18n import language, tr
from core.users import current_actor, role_name
from inspection.indicator import active_points
from inspection.rounds import deciding_rounds
from summary.score import annual_score, score_text
from summary.signing import latest_signature, sign_annual_summary
from ui.hub import Hub, ReloadWhenSeen
from ui.models.base import Index, RowsModel

SIZE_SAMPLE_ROWS = 100


class _RowsModel(RowsModel[tuple]):
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return str(self.rows[index.row()][index.column()])
        return None


def _code(prefix: str, code: str) -> str:
    """An action or record kind in words; a code without words shows as itself."""
    key = f"audit.{prefix}.{code}"
    text = tr(key)
    return code if text == key else text


def _source(role: str, via: str) -> str:
    """The actor's role and where the action came from (rows before m016 have neither)."""
    if not role and not via:
        return "—"
    return f"{role_name(role, language())} · {_code_via(via)}"


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
        self.since.setPlaceholderText("01/10/2563")
        self.until = QLineEdit()
        self.until.setPlaceholderText("30/09/2564")
        self.record = QLineEdit()
        self.filter_error = QLabel()
        self.filter_error.setStyleSheet("color: #b3261e")
        self.log_model = _RowsModel(
            (
                "col.when",
                "col.user",
                "records.col.source",
                "col.action",
                "col.kind",
                "col.record",
                "col.change",
            )
        )
        self.log = self._table(self.log_model, stretch=6)
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
        self.sign_error.setStyleSheet("color: #b3261e")
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
        self._later = ReloadWhenSeen(self, self.reload_all)
        hub.changed.connect(lambda _: self._later.request())
        hub.language_changed.connect(lambda _: self.retranslate())
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
        self.record_label.setText(tr("col.record"))
        self.reload_all()

    def reload_all(self) -> None:
        self.user.blockSignals(True)
        chosen = self.user.currentData()
        self.user.clear()
        self.user.addItem(tr("audit.all_users"), None)
        for (name,) in self.db.execute("SELECT DISTINCT actor FROM audit_log ORDER BY actor"):
            self.user.addItem(name, name)
        self.user.setCurrentIndex(max(0, self.user.findData(chosen)))
        self.user.blockSignals(False)
        self.year.blockSignals(True)
        fy = self.year.currentData() or fiscal_year(today())
        self.year.clear()
        years = {fiscal_year(today())} | {
            r[0] for r in self.db.execute("SELECT DISTINCT fiscal_year FROM rounds")
        }
        for y in sorted(years, reverse=True):
            self.year.addItem(tr("fy.n", n=y), y)
        self.year.setCurrentIndex(max(0, self.year.findData(fy)))
        self.year.blockSignals(False)
        self.reload()
        self.reload_behind()

    def reload(self) -> None:
        self.filter_error.setText("")
        try:
            since = parse_date(self.since.text(), field="since") if self.since.text() else None
            until = parse_date(self.until.text(), field="until") if self.until.text() else None
        except SalaError as exc:
            self.filter_error.setText(exc.bilingual())
            return
        text = self.record.text().strip()
        rows = audit.rows(
            self.db,
            actor=self.user.currentData(),
            since=(since - timedelta(days=1)).isoformat() + "T17:00" if since else None,
            until=until.isoformat() + "T17:00" if until else None,
            limit=5000,
        )
        if text:
            rows = [r for r in rows if text in r.record_uuid or text in r.after or text in r.before]
        self.log_model.set_rows(
            [
                (
                    _local(r.at),
                    r.actor,
                    _source(r.role, r.via),
                    _code("action", r.action),
                    _code("kind", r.kind),
                    r.record_uuid,
                    r.after or r.before,
                )
                for r in rows
            ]
        )

    def sign(self) -> bool:
        """The signed-in section head signs the selected year's summary (refused to others)."""
        fy = self.year.currentData()
        self.sign_error.hide()
        try:
            sign_annual_summary(self.db, fy)
        except SalaError as exc:
            self.sign_error.setText(exc.bilingual())
            self.sign_error.show()
            return False
        self.hub.changed.emit("audit")
        return True

    def _sign_clicked(self) -> None:
        fy = self.year.currentData()
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(tr("audit.sign_do"))
        score = score_text(annual_score(self.db, fy), language())
        box.setText(tr("audit.sign_confirm", fy=fy, score=score))
        yes = box.addButton(tr("audit.sign_do"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("trust.cancel"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is yes:
            self.sign()

    def showEvent(self, event: QShowEvent) -> None:
        # Only a section head may sign; the domain refuses anyone else regardless.
        self.sign_button.setVisible(current_actor(self.db).may("summary.sign"))
        super().showEvent(event)

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
        recorded = dict(
            self.db.execute(
                "SELECT uuid, recorded_by FROM rounds WHERE fiscal_year = ? AND status = 'final'",
                [fy],
            ).fetchall()
        )
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
                    f"{rnd.total}/80",
                    tr("state.passed" if rnd.passed else "state.failed"),
                    rnd.inspector,
                    recorded.get(rnd.uuid, ""),
                )
            )
        self.behind_model.set_rows(rows)
