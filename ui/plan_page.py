"""Plan progress: both projects' steps with weight, months, done date and evidence."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core.calendar import MONTHS_EN_ABBR, MONTHS_TH_ABBR, fiscal_year, format_date, today
from core.errors import SalaError
from core.i18n import language, tr
from core.plan import PlanStep, mark_step_done, plan_for_year, plan_progress
from ui.hub import Hub


class PlanPage(QWidget):
    def __init__(self, db: Database, hub: Hub) -> None:
        super().__init__()
        self.db, self.hub = db, hub
        self.steps: list[PlanStep] = []
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.year = QComboBox()
        self.progress = QLabel()
        self.progress.setObjectName("sectionTitle")
        self.table = QTableWidget(0, 7)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.done_button = QPushButton()
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e")
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.year)
        bottom = QHBoxLayout()
        bottom.addWidget(self.error, 1)
        bottom.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.year.currentIndexChanged.connect(lambda _: self.reload())
        self.done_button.clicked.connect(self._mark_done)
        hub.changed.connect(lambda kind: self.reload() if kind in ("plan", "all") else None)
        hub.language_changed.connect(lambda _: self.retranslate())
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("page.plan"))
        self.done_button.setText(tr("plan.mark_done"))
        self.table.setHorizontalHeaderLabels(
            [tr("plan.project"), tr("plan.step"), tr("plan.title"), tr("plan.weight"),
             tr("plan.cumulative"), tr("plan.months"), tr("plan.done")]
        )  # fmt: skip
        self.year.blockSignals(True)
        fy = self.year.currentData() or fiscal_year(today())
        self.year.clear()
        years = {fiscal_year(today()), fy} | {
            r[0] for r in self.db.execute("SELECT DISTINCT fiscal_year FROM plan_steps")
        }
        for y in sorted(years, reverse=True):
            self.year.addItem(tr("fy.n", n=y), y)
        self.year.setCurrentIndex(self.year.findData(fy))
        self.year.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        fy = self.year.currentData()
        if fy is None:
            return
        lang = language()
        months = MONTHS_TH_ABBR if lang == "th" else MONTHS_EN_ABBR
        self.steps = plan_for_year(self.db, fy)
        self.table.setRowCount(len(self.steps))
        for r, s in enumerate(self.steps):
            done = format_date(s.done_date, lang) if s.done_date else ""
            if s.evidence:
                done += f" — {s.evidence}"
            when = " ".join(months[m - 1] for m in s.months)
            cells = (str(s.project), str(s.step_no), s.title(lang), f"{s.weight:g}",
                     f"{s.cumulative:g}", when, done)  # fmt: skip
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        parts = []
        for project in (1, 2):
            steps = [s for s in self.steps if s.project == project]
            parts.append(tr("plan.progress", project=project, pct=f"{plan_progress(steps):g}"))
        self.progress.setText(" · ".join(parts))

    def mark_selected_done(self, when: str, evidence: str) -> bool:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return False
        try:
            mark_step_done(self.db, self.steps[rows[0].row()].uuid, when, evidence)
        except SalaError as exc:
            self.error.setText(exc.bilingual())
            return False
        self.error.setText("")
        self.hub.changed.emit("plan")
        return True

    def _mark_done(self) -> None:
        when, ok = QInputDialog.getText(self, tr("plan.mark_done"), tr("plan.done_date"))
        if not ok:
            return
        evidence, ok = QInputDialog.getText(self, tr("plan.mark_done"), tr("plan.evidence"))
        if ok:
            self.mark_selected_done(when, evidence)
