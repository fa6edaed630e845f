"""Reports page: choose a report and what it is about, see it, print it, save it.

The list of reports and the scope each needs come from reports.catalog.REPORTS,
so a report added there appears here with no change to this screen: one input
per scope key. Writing the PDF runs in a worker thread with its own SQLite
connection (sqlite objects never cross threads); the window stays responsive
and Cancel stops the report through its progress callback.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, QTemporaryDir, Signal
from PySide6.QtGui import QImage, QKeySequence, QShortcut
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core.calendar import fiscal_months, fiscal_year, format_date, format_month, fy_values, today
from core.errors import SalaError
from core.i18n import as_label, language, tr
from core.instance import refuse_database_path
from inspection.csv_io import export_rounds
from inspection.points import floors, get_point, list_points
from inspection.rounds import rounds_for_point
from inspection.survey import export_survey
from reports.catalog import REPORTS, Progress, ReportKind, build_report
from security.csv_io import export_guard
from security.events import category_name
from security.indicator import events_of_year
from summary.score import fiscal_years
from ui import ops
from ui.hub import Hub
from ui.ops import Change, reload_on
from ui.widgets.elided import ElidedLabel
from ui.widgets.messages import say_error
from ui.widgets.pdf_preview import PdfPreview, prepare_printer, print_pdf, thumbnails

# Scope inputs the page knows how to offer; any other key gets a text field.
KNOWN_SCOPE = ("fy", "floor", "point", "month", "round", "incident")
# Inputs that narrow the choices of another: a round is chosen among the final rounds
# of a point in a fiscal year; a month and an incident within a fiscal year.
FILTERS = {"round": ("fy", "point"), "month": ("fy",), "incident": ("fy",)}
CSV_EXPORTS: dict[str, Callable[..., int]] = {
    "rounds": export_rounds,
    "survey": export_survey,
    "guard": export_guard,
}


def pages_text(n: int) -> str:
    """ "1 page" / "3 pages" (Thai has one form)."""
    return tr("rpt.one_page") if n == 1 else tr("rpt.n_pages", n=n)


def inputs_for(kind: ReportKind) -> list[str]:
    """The scope inputs to show for `kind`: its keys and the filters they need, in a
    stable order (the filters first, as a person narrows down)."""
    wanted = set(kind.scope)
    for key in kind.scope:
        wanted |= set(FILTERS.get(key, ()))
    ordered = [k for k in KNOWN_SCOPE if k in wanted]
    return ordered + [k for k in kind.scope if k not in KNOWN_SCOPE]


@dataclass(frozen=True)
class Generated:
    key: str
    path: Path
    thumbs: list[QImage]


Check = Callable[[], None]


def write_report(db: Database, key: str, scope: dict[str, Any], out: Path, lang: str,
                 progress: Progress, check: Check) -> Generated:  # fmt: skip
    """Build report `key` into `out` (on the worker's own connection, ui.ops), with page
    thumbnails. Whatever stops it (Cancel, bad input, a full disk) leaves no file behind."""
    written = False
    try:
        build_report(db, key, out, scope, lang=lang, progress=progress)
        # A builder that never calls progress() cannot be stopped mid-way: Cancel still
        # wins, and its file is thrown away.
        check()
        thumbs = thumbnails(out, check)
        written = True
        return Generated(key, out, thumbs)
    except OSError as exc:
        raise SalaError("rpt.write_failed", path=str(out), error=exc) from exc
    finally:
        if not written:
            out.unlink(missing_ok=True)


class ReportsPage(QWidget):
    generated = Signal(object)  # Generated: the preview shows it
    job_ended = Signal(str)  # "done", "failed" or "cancelled", once the worker has stopped

    def __init__(self, db: Database, hub: Hub, db_path: Path) -> None:
        super().__init__()
        self.db, self.hub, self.db_path = db, hub, Path(db_path)
        self.job: ops.Background | None = None
        self.result: Generated | None = None
        self._printer: QPrinter | None = None
        self._temp = QTemporaryDir()
        self._serial = count(1)

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.report_label = QLabel()
        self.report = QComboBox()
        self.report.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.report.setMinimumContentsLength(18)
        self.scope_form = QFormLayout()
        self.scope_form.addRow(self.report_label, self.report)
        self.inputs: dict[str, QComboBox | QLineEdit] = {}
        self.input_labels: dict[str, QLabel] = {}
        for key in KNOWN_SCOPE:
            self._add_input(key, QComboBox())
        self.generate_button = QPushButton()
        self.cancel_button = QPushButton()
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report_box = QGroupBox()
        rv = QVBoxLayout(self.report_box)
        rv.addLayout(self.scope_form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.generate_button, 1)
        buttons.addWidget(self.cancel_button)
        rv.addLayout(buttons)
        rv.addWidget(self.progress)
        rv.addWidget(self.status)

        self.csv_box = QGroupBox()
        self.csv_year = QComboBox()
        self.csv_year_label = QLabel()
        self.csv_buttons = {name: QPushButton() for name in CSV_EXPORTS}
        cv = QFormLayout(self.csv_box)
        cv.addRow(self.csv_year_label, self.csv_year)
        for button in self.csv_buttons.values():
            cv.addRow(button)

        left = QVBoxLayout()
        left.addWidget(self.report_box)
        left.addWidget(self.csv_box)
        left.addStretch(1)
        left_widget = QWidget()
        left_widget.setLayout(left)
        left_widget.setFixedWidth(400)
        left.setContentsMargins(0, 0, 0, 0)

        self.preview = PdfPreview()
        self.previewing = ElidedLabel()
        self.previewing.setObjectName("sectionTitle")
        self.prev_button, self.next_button = QPushButton("◀"), QPushButton("▶")
        self.page_label = QLabel()
        self.zoom_out_button, self.zoom_in_button = QPushButton("−"), QPushButton("+")
        self.fit_button = QPushButton()
        self.print_button, self.save_button = QPushButton(), QPushButton()
        for b in (self.prev_button, self.next_button, self.zoom_out_button, self.zoom_in_button):
            b.setFixedWidth(36)
        bar = QHBoxLayout()
        bar.addWidget(self.previewing, 1)
        for w in (
            self.prev_button,
            self.page_label,
            self.next_button,
            self.zoom_out_button,
            self.fit_button,
            self.zoom_in_button,
            self.print_button,
            self.save_button,
        ):
            bar.addWidget(w)
        right = QVBoxLayout()
        right.addLayout(bar)
        right.addWidget(self.preview, 1)

        body = QHBoxLayout()
        body.addWidget(left_widget)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(body, 1)

        # Connections
        self.report.currentIndexChanged.connect(lambda _: self._show_inputs())
        self.inputs["fy"].currentIndexChanged.connect(lambda _: self._fill_dependents())
        self.inputs["point"].currentIndexChanged.connect(lambda _: self._fill_rounds())
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button.clicked.connect(self.cancel)
        self.prev_button.clicked.connect(lambda: self.preview.step(-1))
        self.next_button.clicked.connect(lambda: self.preview.step(1))
        self.zoom_in_button.clicked.connect(lambda: self._zoom(1.25))
        self.zoom_out_button.clicked.connect(lambda: self._zoom(0.8))
        self.fit_button.clicked.connect(lambda: self.preview.set_zoom(None))
        self.print_button.clicked.connect(self.print_dialog)
        self.save_button.clicked.connect(self.save_dialog)
        for name, button in self.csv_buttons.items():
            button.clicked.connect(lambda _=False, name=name: self.export_dialog(name))
        self.preview.page_changed.connect(lambda *_: self._show_page_label())
        # Shortcuts act while focus is anywhere on this page, not on other pages.
        for keys, slot in (("Ctrl+P", self.print_dialog), ("Ctrl+S", self.save_dialog),
                           ("Return", self.enter), ("Enter", self.enter),
                           ("PgUp", lambda: self.preview.step(-1)),
                           ("PgDown", lambda: self.preview.step(1))):  # fmt: skip
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.follow = reload_on(self, hub, Change.ROUNDS | Change.GUARD | Change.POINTS
                                | Change.SURVEY, self._refresh)  # fmt: skip
        hub.language_changed.connect(lambda _: self.retranslate())
        self.retranslate()
        self._set_tab_order()
        self._set_busy(False)

    def _add_input(self, key: str, widget: QComboBox | QLineEdit) -> None:
        label = QLabel()
        if isinstance(widget, QComboBox):
            widget.currentTextChanged.connect(widget.setToolTip)
            widget.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            widget.setMinimumContentsLength(18)
        self.inputs[key], self.input_labels[key] = widget, label
        self.scope_form.addRow(label, widget)

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [self.report, *self.inputs.values(), self.generate_button,
                                self.cancel_button, self.preview.thumbs, self.prev_button,
                                self.next_button, self.zoom_out_button, self.fit_button,
                                self.zoom_in_button, self.print_button, self.save_button,
                                self.csv_year, *self.csv_buttons.values()]  # fmt: skip
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    # ---- text -------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(tr("page.reports"))
        self.report_box.setTitle(tr("rpt.choose"))
        self.report_label.setText(tr("rpt.report"))
        for key, label in self.input_labels.items():
            label.setText(tr(f"rpt.scope.{key}"))  # an unknown key shows as itself
        self.generate_button.setText(tr("rpt.generate"))
        self.cancel_button.setText(tr("rpt.cancel"))
        self.csv_box.setTitle(tr("rpt.csv"))
        self.csv_year_label.setText(tr("rpt.scope.fy"))
        for name, button in self.csv_buttons.items():
            button.setText(tr(f"rpt.csv.{name}"))
        self.prev_button.setToolTip(tr("rpt.prev"))
        self.next_button.setToolTip(tr("rpt.next"))
        self.zoom_in_button.setToolTip(tr("rpt.zoom_in"))
        self.zoom_out_button.setToolTip(tr("rpt.zoom_out"))
        self.fit_button.setText(tr("rpt.fit_width"))
        self.print_button.setText(tr("rpt.print"))
        self.print_button.setToolTip("Ctrl+P")
        self.save_button.setText(tr("rpt.save"))
        self.save_button.setToolTip("Ctrl+S")
        self.generate_button.setToolTip("Enter")
        self.preview.retitle(tr("rpt.page_n"))
        if self.result is not None:
            kind = REPORTS.get(self.result.key)
            self.previewing.setText(tr(kind.title_key) if kind else self.result.key)
        self._fill_reports()
        self._fill_years(self.inputs["fy"])
        self._fill_years(self.csv_year)
        self._fill_static()
        self._show_inputs()
        self._show_page_label()

    def _fill_reports(self) -> None:
        chosen = self.report.currentData()
        self.report.blockSignals(True)
        self.report.clear()
        for key, kind in REPORTS.items():
            self.report.addItem(tr(kind.title_key), key)
        self.report.setCurrentIndex(max(0, self.report.findData(chosen)))
        self.report.blockSignals(False)

    @staticmethod
    def _refill(combo: QComboBox, items: list[tuple[str, Any]], default: Any = None) -> None:
        """Replace a combo's items, keeping the chosen value when it is still offered."""
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, value in items:
            combo.addItem(text, value)
        index = combo.findData(chosen) if chosen is not None else -1
        if index < 0 and default is not None:
            index = combo.findData(default)
        combo.setCurrentIndex(max(0, index) if items else -1)
        combo.blockSignals(False)
        # Long point names and round lines do not fit the panel: the open list is as wide
        # as its longest line, and the closed box shows the whole text as a tooltip.
        combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
        combo.setToolTip(combo.currentText())

    def _fill_years(self, combo: QComboBox) -> None:
        """The years with data (summary.score.fiscal_years), as every other page lists."""
        current = fiscal_year(today())
        chosen = combo.currentData()
        years = [
            (tr("fy.n", **fy_values(y)), y)
            for y in fiscal_years(self.db, *([chosen] if chosen else []))
        ]
        self._refill(combo, years, current)

    def _fill_static(self) -> None:
        lang = language()
        self._refill(self.inputs["floor"], [(tr("rpt.floor_n", n=f), f) for f in floors(self.db)])
        points = [(f"{p.code}  {p.name(lang)}", p.code) for p in list_points(self.db)]
        self._refill(self.inputs["point"], points)
        self._fill_dependents()

    def _fill_dependents(self) -> None:
        """Month, round and incident choices follow the chosen fiscal year."""
        fy = self.inputs["fy"].currentData()
        if fy is None:
            return
        lang = language()
        months = [(format_month(y, m, lang), f"{y:04d}-{m:02d}") for y, m in fiscal_months(fy)]
        this_month = f"{today():%Y-%m}"
        self._refill(self.inputs["month"], months, this_month)
        events = [
            (f"{format_date(ev.day, lang)} {ev.at:%H:%M}  {category_name(ev.category)}  {ev.place}",
             ev.uuid)
            for ev in events_of_year(self.db, fy)
        ]  # fmt: skip
        self._refill(self.inputs["incident"], events)
        self._fill_rounds()

    def _fill_rounds(self) -> None:
        fy, code = self.inputs["fy"].currentData(), self.inputs["point"].currentData()
        if fy is None or code is None:
            return
        lang = language()
        rounds = [r for r in rounds_for_point(self.db, get_point(self.db, code).id, fy)
                  if r.is_final]  # fmt: skip
        items = []
        for r in rounds:
            result = as_label(tr("rpt.pass") if r.passed else tr("rpt.fail"))
            text = tr("rpt.round_item", date=format_date(r.inspected_at.date(), lang),
                      time=f"{r.inspected_at:%H:%M}", point=r.point_code, total=r.total,
                      result=result)  # fmt: skip
            if r.superseded_by:
                text += " " + tr("rpt.superseded")
            items.append((text, r.uuid))
        self._refill(self.inputs["round"], items)

    def _refresh(self) -> None:
        """Refilled when seen after a change (ui.ops.reload_on): a year may have appeared."""
        self._fill_years(self.inputs["fy"])
        self._fill_years(self.csv_year)
        self._fill_static()

    def focus_main(self) -> None:
        """Ctrl+8: the keys on the report list, so that Enter writes the report at once."""
        self.report.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ---- the scope --------------------------------------------------------------------

    def kind(self) -> ReportKind | None:
        key = self.report.currentData()
        return REPORTS.get(key) if key is not None else None

    def _show_inputs(self) -> None:
        kind = self.kind()
        shown = inputs_for(kind) if kind else []
        for key in shown:
            if key not in self.inputs:  # a scope key this page has no picker for
                self._add_input(key, QLineEdit())
                self.input_labels[key].setText(tr(f"rpt.scope.{key}"))
                self._set_tab_order()
        for key, widget in self.inputs.items():
            visible = key in shown
            widget.setVisible(visible)
            self.input_labels[key].setVisible(visible)

    def scope(self) -> dict[str, Any]:
        """The values of the chosen report's scope keys, as build_report takes them."""
        kind = self.kind()
        if kind is None:
            return {}
        values: dict[str, Any] = {}
        for key in kind.scope:
            widget = self.inputs[key]
            if isinstance(widget, QComboBox):
                values[key] = widget.currentData()
            else:
                values[key] = widget.text().strip() or None
        return values

    # ---- generating -------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.job is not None

    def _set_busy(self, busy: bool) -> None:
        self.generate_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.report.setEnabled(not busy)
        for button in self.csv_buttons.values():
            button.setEnabled(not busy)
        has_pdf = self.result is not None and not busy
        for w in (self.print_button, self.save_button):
            w.setEnabled(has_pdf)
        for w in (self.prev_button, self.next_button, self.zoom_in_button,
                  self.zoom_out_button, self.fit_button):  # fmt: skip
            w.setEnabled(self.result is not None)
        self.progress.setVisible(busy)

    def _start(self, work: Callable[..., object], on_success: Callable[[Any], None],
               message: str, *, connection: bool = True) -> None:  # fmt: skip
        """Run `work(progress, check)` (given a connection of its own first, when it needs
        one) through ui.ops; `on_success` gets its result on the window's thread."""
        self.progress.setRange(0, 0)  # busy until the work tells how far it is
        self.status.setStyleSheet("")
        self.status.setText(message)
        if connection:
            job_work = lambda own, progress: work(own, progress, self._check)  # noqa: E731
        else:
            job_work = lambda progress: work(progress, self._check)  # noqa: E731
        self.job = job = ops.in_background(
            self, self.db if connection else None, self.hub, job_work, title=message,
            dialog=False, done=on_success, errors=self._failed,
        )  # fmt: skip
        job.progressed.connect(self._progressed)
        job.cancelled.connect(self._cancelled)
        job.finished.connect(self._job_done)
        self._set_busy(True)

    def _check(self) -> None:
        if self.job is not None:
            self.job.check()

    def generate(self) -> bool:
        """Start writing the chosen report in a worker; False when one is already running."""
        kind = self.kind()
        if self.busy or kind is None:
            return False
        if not self._temp.isValid():
            self._say(SalaError("rpt.write_failed", path=self._temp.path(),
                              error=self._temp.errorString()))  # fmt: skip
            return False
        out = Path(self._temp.path()) / f"{kind.key}-{next(self._serial)}.pdf"
        scope, lang = self.scope(), language()

        def work(own: Database, progress: Progress, check: Check) -> Generated:
            return write_report(own, kind.key, scope, out, lang, progress, check)

        self._start(work, self._succeeded, tr("rpt.working", title=tr(kind.title_key)))
        return True

    def enter(self) -> None:
        """Enter generates, except on a button reached with Tab, which Enter presses."""
        focused = QApplication.focusWidget()
        if isinstance(focused, QAbstractButton) and focused is not self.generate_button:
            if focused.isEnabled():
                focused.click()
            return
        self.generate()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(tr("rpt.cancelling"))

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _succeeded(self, result: Generated) -> None:
        previous = self.result
        self.result = result
        kind = REPORTS.get(result.key)
        self.preview.load(result.path, result.thumbs, tr("rpt.page_n"))
        self.previewing.setText(tr(kind.title_key) if kind else result.key)
        if previous is not None and previous.path != result.path:
            previous.path.unlink(missing_ok=True)  # closed by preview.load() above
        self._tell(tr("rpt.done", pages=pages_text(self.preview.page_count)))
        self.generated.emit(result)

    def _failed(self, error: SalaError) -> None:
        self._say(error)

    def _cancelled(self) -> None:
        self.status.setStyleSheet("")
        self.status.setText(tr("rpt.cancelled"))

    def _job_done(self) -> None:
        job = self.job
        self.job = None
        self._printer = None
        self._set_busy(False)
        # Announced only now, when the page is ready for the next report.
        self.job_ended.emit(job.outcome if job is not None else "failed")

    def shutdown(self, ms: int = 30000) -> None:
        """Cancel running work and wait for it (a worker must not outlive the window), then
        release the preview's file so the temporary folder can be removed."""
        if self.job is not None:
            self.job.cancel()
        ops.shutdown(ms)
        self.preview.clear()
        self._temp.remove()

    def _tell(self, text: str) -> None:
        self.status.setStyleSheet("color: #1b7f3b")
        self.status.setText(text)

    def _say(self, error: SalaError) -> None:
        say_error(self.status, error)

    # ---- preview ----------------------------------------------------------------------

    def _show_page_label(self) -> None:
        total = self.preview.page_count
        self.page_label.setText(
            tr("rpt.page_of", n=self.preview.current + 1, total=total) if total else ""
        )
        if not total:
            self.preview.set_message(tr("rpt.no_preview"))

    def _zoom(self, factor: float) -> None:
        self.preview.set_zoom(self.preview.effective_zoom() * factor)

    # ---- print, save, export ----------------------------------------------------------

    def _choose_printer(self, page_count: int) -> QPrinter | None:
        """The system print dialog; None when the user closes it."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        assert self.result is not None
        prepare_printer(printer, self.result.path)
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, page_count)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return None
        return printer

    def print_dialog(self) -> None:
        if self.result is None or self.busy:
            return
        printer = self._choose_printer(self.preview.page_count)
        if printer is not None:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Print the generated report, in a worker, on a printer already set up (pages
        of a long report take a while at printer resolution). False if nothing to print."""
        if self.result is None or self.busy:
            return False
        path, current = self.result.path, self.preview.current
        self._printer = printer  # kept alive, and untouched here, until the worker ends

        def work(progress: Progress, check: Check) -> int:
            try:
                return print_pdf(path, printer, current, progress)
            except OSError as exc:
                raise SalaError("rpt.print_failed", error=exc) from exc

        self._start(work, self._printed, tr("rpt.printing"), connection=False)
        return True

    def _printed(self, pages: int) -> None:
        self._tell(tr("rpt.printed", pages=pages_text(pages)))

    def _ask_path(self, title: str, name: str, file_filter: str) -> Path | None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        target, _ = QFileDialog.getSaveFileName(self, title, str(Path(folder) / name), file_filter)
        return Path(target) if target else None

    def suggested_name(self) -> str:
        if self.result is None:
            return "report.pdf"
        parts = [self.result.key]
        kind = REPORTS.get(self.result.key)
        scope = self.scope() if kind is not None and kind.key == self.report.currentData() else {}
        parts += [str(v)[:8] for v in scope.values() if v is not None]
        return "-".join(parts) + ".pdf"

    def save_dialog(self) -> None:
        if self.result is None or self.busy:
            return
        target = self._ask_path(tr("rpt.save"), self.suggested_name(), tr("rpt.pdf_filter"))
        if target is not None:
            self.save_to(target)

    def save_to(self, target: Path) -> bool:
        """Copy the generated PDF to `target`; a failure is shown, the preview is kept."""
        if self.result is None:
            return False
        source = self.result.path

        def copy() -> None:
            # Never over the database or its -wal/-shm (a name typed in the dialog).
            refuse_database_path(target, field="--out")
            try:
                shutil.copyfile(source, target)
            except OSError as exc:
                raise SalaError("rpt.write_failed", path=str(target),
                              error=exc.strerror or exc) from exc  # fmt: skip

        if not ops.run(self, self.hub, copy, errors=self._say):
            return False
        self._tell(tr("rpt.saved", path=str(target)))
        return True

    def export_dialog(self, name: str) -> None:
        fy = self.csv_year.currentData()
        target = self._ask_path(tr(f"rpt.csv.{name}"), f"{name}-{fy}.csv", tr("rpt.csv_filter"))
        if target is not None:
            self.export_to(name, target)

    def export_to(self, name: str, target: Path) -> bool:
        """Write the chosen fiscal year's `name` CSV (rounds, survey, guard) for Excel, in
        the background; Cancel leaves no file. False when other work is running."""
        if self.busy:
            return False
        fy = self.csv_year.currentData()
        export = CSV_EXPORTS[name]

        def work(own: Database, progress: Progress, check: Check) -> int:
            try:
                return export(own, fy, target, progress)
            except OSError as exc:
                raise SalaError("rpt.write_failed", path=str(target),
                              error=exc.strerror or exc) from exc  # fmt: skip

        self._start(work, lambda rows: self._tell(tr("rpt.csv_done", n=rows, path=str(target))),
                    tr("win.csv.working", path=str(target)))  # fmt: skip
        return True
