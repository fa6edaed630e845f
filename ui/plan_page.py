"""Plan progress: both projects' steps with weight, months, done date and evidence.

Section heads and administrators edit a step (titles, weight, cumulative %,
planned months) in a small dialog; core.plan.edit_step checks the permission
and the order of the cumulative column, so the page only shows its refusal.
The year list offers the next fiscal year: choosing it starts that year's plan
from the previous year's (core.plan.plan_for_year).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core.calendar import (
    MONTHS_EN_ABBR,
    MONTHS_TH_ABBR,
    fiscal_year,
    format_date,
    format_date_short,
    fy_values,
    today,
)
from core.i18n import language, tr
from core.plan import (
    PlanStep,
    edit_step,
    get_step,
    mark_step_done,
    months_text,
    plan_for_year,
    plan_progress,
    plan_years,
    project_title,
)
from core.users import current_actor
from summary.score import fiscal_years
from ui import ops
from ui.hub import Hub
from ui.ops import Change, reload_on
from ui.widgets.messages import clear, say_error
from ui.widgets.rights import permit
from ui.widgets.thai_label import ThaiLabel
from ui.widgets.years import fill_years

DONE = QColor("#e3f1e6")


class PlanPage(QWidget):
    def __init__(self, db: Database, hub: Hub) -> None:
        super().__init__()
        self.db, self.hub = db, hub
        self.steps: list[PlanStep] = []
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.year = QComboBox()
        # The projects' long Thai names wrap between words ("กรุงเทพมหา / นคร" was Qt's).
        self.progress = ThaiLabel()
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
        # The evidence shares the width with the title, rather than squeezing it to a
        # column of one word per line once steps are done.
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.done_button = QPushButton()
        self.edit_button = QPushButton()
        self.dialog: PlanStepDialog | None = None
        self.done_dialog: PlanDoneDialog | None = None
        self.error = QLabel()
        self.error.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.year)
        bottom = QHBoxLayout()
        bottom.addWidget(self.error, 1)
        bottom.addWidget(self.edit_button)
        bottom.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.year.currentIndexChanged.connect(lambda _: self.reload())
        self.done_button.clicked.connect(self._mark_done)
        self.edit_button.clicked.connect(self.edit_selected)
        self.table.doubleClicked.connect(lambda _: self.edit_selected())
        self.follow = reload_on(self, hub, Change.PLAN, self.refresh)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._apply_permissions())
        hub.open_plan_step.connect(self.select_step)
        hub.language_changed.connect(lambda _: self.retranslate())
        hub.signed_in.connect(self._apply_permissions)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("page.plan"))
        self.done_button.setText(tr("plan.mark_done"))
        self.edit_button.setText(tr("plan.edit_step"))
        self.table.setHorizontalHeaderLabels(
            [tr("plan.project"), tr("plan.step"), tr("plan.title"), tr("plan.weight"),
             tr("plan.cumulative"), tr("plan.months"), tr("plan.done")]
        )  # fmt: skip
        self.refresh()

    def refresh(self) -> None:
        fy = self.year.currentData() or fiscal_year(today())
        # The next year is offered so that the office can prepare its plan in September.
        years = fiscal_years(self.db, fiscal_year(today()) + 1, fy, *plan_years(self.db))
        fill_years(self.year, years, fy)
        self.reload()

    def focus_main(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        # Another user may have signed in since the page was last shown.
        self._apply_permissions()
        super().showEvent(event)

    def _apply_permissions(self) -> None:
        # Shown greyed to those who may not, with who may: not hidden, so that a reader
        # knows the steps are kept up to date by someone.
        ready = bool(self.table.selectionModel().selectedRows())
        for button in (self.edit_button, self.done_button):
            permit(button, self.db, "plan.edit", ready=ready, hint=tr("win.rights.select_step"))

    def reload(self) -> None:
        fy = self.year.currentData()
        if fy is None:
            return
        lang = language()
        self._apply_permissions()
        self.steps = plan_for_year(self.db, fy)
        self.table.setRowCount(len(self.steps))
        for r, s in enumerate(self.steps):
            done = format_date(s.done_date, lang) if s.done_date else ""
            if s.evidence:
                done += f" — {s.evidence}"
            when = months_text(s.months, lang)  # the PDF's ต.ค.-ก.ย. spans
            cells = (str(s.project), str(s.step_no), s.title(lang), f"{s.weight:g}",
                     f"{s.cumulative:g}", when, done)  # fmt: skip
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if s.done_date is not None:
                    item.setBackground(DONE)
                self.table.setItem(r, c, item)
        parts = []
        for project in (1, 2):
            steps = [s for s in self.steps if s.project == project]
            # The project's name beside its number: "1" and "2" alone mean nothing to a reader.
            name = project_title(self.db, fy, project, lang)
            text = tr("plan.progress", project=project, pct=f"{plan_progress(steps):g}")
            parts.append(f"{text} — {name}" if name else text)
        self.progress.setText("\n".join(parts))

    def select_step(self, step_uuid: str) -> None:
        """Show the step's year and select it: the Today page's lines open here."""
        found = ops.run(self, self.hub, lambda: get_step(self.db, step_uuid), errors=lambda e: None)
        if not found or found.value is None:
            return  # a step another laptop's plan has since replaced: nothing to show
        step = found.value
        self.year.setCurrentIndex(self.year.findData(step.fiscal_year))
        row = next((r for r, s in enumerate(self.steps) if s.uuid == step_uuid), None)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollToItem(self.table.item(row, 0))

    def mark_selected_done(
        self, when: str | None, evidence: str, evidence_en: str | None = None
    ) -> bool:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return False
        clear(self.error)
        step = self.steps[rows[0].row()].uuid
        return bool(
            ops.run(
                self,
                self.hub,
                lambda: mark_step_done(self.db, step, when, evidence, evidence_en),
                changes=Change.PLAN,
                errors=lambda e: say_error(self.error, e),
            )
        )

    def edit_selected(self) -> PlanStepDialog | None:
        """Open the edit dialog on the selected step (non-modal: the table stays readable)."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or not current_actor(self.db).may("plan.edit"):
            return None
        self.dialog = PlanStepDialog(self, self.steps[rows[0].row()])
        self.dialog.open()
        return self.dialog

    def _mark_done(self) -> PlanDoneDialog | None:
        """One dialog, the date filled in (today, or the date already recorded)."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.error.setText(tr("ind.plan_select"))
            return None
        self.done_dialog = PlanDoneDialog(self, self.steps[rows[0].row()])
        self.done_dialog.open()
        return self.done_dialog


class PlanDoneDialog(QDialog):
    """When a step was done and the evidence (a note: an order number, a file, a record)."""

    def __init__(self, page: PlanPage, step: PlanStep) -> None:
        super().__init__(page)
        self.page = page
        lang = language()
        self.setWindowTitle(tr("plan.mark_done"))
        heading = QLabel(f"{step.project}.{step.step_no} {step.title(lang)}")
        heading.setWordWrap(True)
        heading.setObjectName("sectionTitle")
        self.when = QLineEdit(format_date_short(step.done_date or today(), lang))
        self.evidence = QLineEdit(step.evidence)
        self.evidence.setMinimumWidth(480)
        # English reports print this one where it is given (issue 16); Thai otherwise.
        self.evidence_en = QLineEdit(step.evidence_en)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.not_done = buttons.addButton(tr("ind.plan_not_done"),
                                          QDialogButtonBox.ButtonRole.ResetRole)  # fmt: skip
        self.not_done.setVisible(step.done_date is not None)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.not_done.clicked.connect(self.clear)
        form = QFormLayout()
        self.when.setPlaceholderText(format_date_short(today(), lang))
        form.addRow(tr("win.plan.date_done"), self.when)
        form.addRow(tr("plan.evidence"), self.evidence)
        form.addRow(tr("rp.plan.evidence_en"), self.evidence_en)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def save(self) -> bool:
        if not self.page.mark_selected_done(self.when.text(), self.evidence.text(),
                                            self.evidence_en.text()):  # fmt: skip
            self.error.setText(self.page.error.text())
            self.error.setToolTip(self.page.error.toolTip())
            return False
        self.accept()
        return True

    def clear(self) -> bool:
        """The step turns out not to be done: its date goes, the note stays."""
        if not self.page.mark_selected_done(None, self.evidence.text()):
            self.error.setText(self.page.error.text())
            self.error.setToolTip(self.page.error.toolTip())
            return False
        self.accept()
        return True


class PlanStepDialog(QDialog):
    """Titles (th/en), weight, cumulative % and planned months of one step."""

    saved = Signal()

    def __init__(self, page: PlanPage, step: PlanStep) -> None:
        super().__init__(page)
        self.db, self.hub, self.step = page.db, page.hub, step
        lang = language()
        self.setWindowTitle(tr("plan.edit_title", project=step.project, no=step.step_no,
                               **fy_values(step.fiscal_year)))  # fmt: skip
        self.title_th = QLineEdit(step.title_th)
        self.title_en = QLineEdit(step.title_en)
        for edit in (self.title_th, self.title_en):
            edit.setMinimumWidth(640)  # the plan's Thai titles run to some 80 characters
            edit.setCursorPosition(0)  # show a long title from its start
        self.weight = QDoubleSpinBox()
        self.cumulative = QDoubleSpinBox()
        for spin, value in ((self.weight, step.weight), (self.cumulative, step.cumulative)):
            spin.setRange(0, 100)
            spin.setDecimals(1)
            spin.setSuffix(" %")
            spin.setValue(value)
        names = MONTHS_TH_ABBR if lang == "th" else MONTHS_EN_ABBR
        self.months: dict[int, QCheckBox] = {}
        grid = QGridLayout()
        for i, month in enumerate((10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)):  # fiscal order
            box = QCheckBox(names[month - 1])
            box.setChecked(month in step.months)
            self.months[month] = box
            grid.addWidget(box, i // 6, i % 6)
        self.hint = QLabel(tr("plan.edit_hint"))
        self.hint.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(tr("plan.title_th"), self.title_th)
        form.addRow(tr("plan.title_en"), self.title_en)
        form.addRow(tr("plan.weight"), self.weight)
        form.addRow(tr("plan.cumulative"), self.cumulative)
        form.addRow(tr("plan.months"), grid)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def save(self) -> bool:
        """Save through core.plan.edit_step; a refusal stays in the dialog with its reason."""
        months = [m for m, box in self.months.items() if box.isChecked()]
        clear(self.error)
        result = ops.run(
            self, self.hub,
            lambda: edit_step(
                self.db, self.step.uuid, title_th=self.title_th.text(),
                title_en=self.title_en.text(), weight=self.weight.value(),
                cumulative=self.cumulative.value(), months=months,
            ),
            changes=Change.PLAN, errors=lambda e: say_error(self.error, e),
        )  # fmt: skip
        if not result:
            return False
        self.saved.emit()
        self.accept()
        return True
