"""Issue 6: the Reports page writes any catalogued report off the UI thread, previews,
prints, saves and exports it, and shows errors in Thai and English."""

from __future__ import annotations

import shutil
import threading
from datetime import datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPageRanges
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QLineEdit
from reportlab.pdfgen import canvas

import core.calendar
import reports.catalog
from core.db import open_db, transaction
from core.errors import InvalidInput
from core.i18n import set_language
from inspection.demo import fill_demo_rounds, fill_demo_survey
from inspection.points import get_point
from inspection.rounds import record_round
from reports.catalog import REPORTS, ReportKind
from security.demo import fill_demo_guard
from ui.hub import Hub
from ui.main_window import MainWindow
from ui.ops import Change
from ui.reports_page import ReportsPage
from ui.widgets.pdf_preview import prepare_printer, print_pdf

FY = 2564
PINNED_NOW = datetime(2021, 9, 30, 18, 0)  # as tests/conftest.py pins the clock
WAIT_MS = 120_000  # a guard against a hang only: nothing here waits for a time


def _pages(path: Path) -> int:
    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def _write_pdf(out: Path, pages: int, text: str = "fake report") -> Path:
    c = canvas.Canvas(str(out))
    for n in range(pages):
        c.drawString(72, 720, f"{text} {n + 1}")
        c.showPage()
    c.save()
    return out


class FakeReport:
    """A report builder that records what it was asked and where it ran.

    With `hold`, its step `hold_at` waits (in the worker) until the test sets the event:
    a test that needs the report to be under way waits for that, not for a guessed time.
    """

    def __init__(
        self, pages: int = 2, steps: int = 0, hold: threading.Event | None = None, hold_at: int = 0
    ) -> None:
        self.pages, self.steps, self.hold, self.hold_at = pages, steps, hold, hold_at
        self.scope: dict | None = None
        self.out: Path | None = None
        self.thread: int | None = None
        self.steps_done = 0

    def __call__(self, db, out: Path, scope: dict, *, lang: str, progress) -> Path:
        self.scope, self.out, self.thread = dict(scope), out, threading.get_ident()
        out.write_bytes(b"%PDF-1.4 partial")  # a half-written file, as a real builder leaves
        for i in range(self.steps):
            progress(i, self.steps)
            self.steps_done = i + 1
            if self.hold is not None and i == self.hold_at:
                self.hold.wait(WAIT_MS / 1000)  # a guard against a hang, never the test
        return _write_pdf(out, self.pages)


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory) -> Path:
    """A demo year written once; each test gets its own copy (the demo takes seconds)."""
    saved = core.calendar.clock
    core.calendar.clock = lambda: PINNED_NOW
    try:
        path = tmp_path_factory.mktemp("demo") / "demo.db"
        db = open_db(path)
        fill_demo_rounds(db, FY)
        fill_demo_survey(db, FY)
        fill_demo_guard(db, FY)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
    finally:
        core.calendar.clock = saved
    return path


@pytest.fixture
def demo_db(demo_file, db_path):
    shutil.copyfile(demo_file, db_path)
    db = open_db(db_path)
    yield db
    db.close()


@pytest.fixture
def window(qtbot, demo_db, db_path):
    w = MainWindow(demo_db, db_path)
    qtbot.addWidget(w)
    w.show()
    w.show_widget(w.reports)
    yield w
    w.reports.shutdown()


@pytest.fixture
def page(qtbot, demo_db, db_path):
    """The page alone (the whole window is built where a test needs it)."""
    p = ReportsPage(demo_db, Hub(), db_path)
    qtbot.addWidget(p)
    p.resize(1100, 760)
    p.show()
    yield p
    p.shutdown()


def register(monkeypatch, page, key: str, scope: tuple[str, ...], build) -> None:
    """A new catalogue entry, as another engineer would add one: no change to the page."""
    monkeypatch.setitem(REPORTS, key, ReportKind(key, f"report.{key}", scope, build))
    page.retranslate()
    page.report.setCurrentIndex(page.report.findData(key))


def generate(qtbot, page) -> str:
    with qtbot.waitSignal(page.job_ended, timeout=WAIT_MS) as ended:
        assert page.generate()
    return ended.args[0]


def visible_inputs(page) -> list[str]:
    return [k for k, w in page.inputs.items() if not w.isHidden()]


def test_annual_is_written_in_a_worker_and_previewed_with_its_page_count(qtbot, page) -> None:
    page.report.setCurrentIndex(page.report.findData("annual"))
    assert page.inputs["fy"].currentData() == FY  # the current fiscal year by default
    assert generate(qtbot, page) == "done"
    pdf = page.result.path
    assert pdf.exists() and _pages(pdf) >= 2
    assert page.preview.page_count == _pages(pdf)
    assert page.preview.thumbs.count() == _pages(pdf)
    assert page.page_label.text() == f"หน้า 1/{_pages(pdf)}"
    assert not page.preview.page_label.pixmap().isNull()
    assert page.print_button.isEnabled() and page.generate_button.isEnabled()
    page.preview.step(1)
    assert page.page_label.text() == f"หน้า 2/{_pages(pdf)}"


def test_the_window_keeps_processing_events_while_a_report_is_written(
    qtbot, page, monkeypatch
) -> None:
    # The report waits at its first step until the window has ticked ten times while busy:
    # a window blocked by the report would never tick, and the report would end unticked.
    ticked = threading.Event()
    fake = FakeReport(steps=40, hold=ticked)
    register(monkeypatch, page, "slow", ("fy",), fake)
    ticks = []

    def tick() -> None:
        ticks.append(page.busy)
        if ticks.count(True) >= 10:
            ticked.set()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    assert generate(qtbot, page) == "done"
    timer.stop()
    assert fake.thread != threading.get_ident()  # built in the worker thread
    assert ticks.count(True) >= 10  # the event loop ran while the report was being written
    assert page.progress.maximum() == 40


def test_cancel_stops_the_report_and_leaves_no_file(qtbot, page, monkeypatch) -> None:
    # The report holds at its fourth step until the cancel has been clicked.
    clicked = threading.Event()
    fake = FakeReport(steps=500, hold=clicked, hold_at=3)
    register(monkeypatch, page, "slow", ("fy",), fake)
    with qtbot.waitSignal(page.job_ended, timeout=WAIT_MS) as ended:
        page.generate()
        qtbot.waitUntil(lambda: page.progress.value() >= 3, timeout=WAIT_MS)
        assert page.cancel_button.isEnabled()
        qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
        clicked.set()
    assert ended.args == ["cancelled"]
    assert fake.steps_done < 500
    assert fake.out is not None and not fake.out.exists()
    assert page.result is None and page.preview.page_count == 0
    assert "ยกเลิก" in page.status.text()
    assert page.generate_button.isEnabled() and not page.cancel_button.isEnabled()


def test_cancel_wins_over_a_report_that_never_reports_progress(qtbot, page) -> None:
    """The annual builder calls no progress(): its finished file is thrown away."""
    page.report.setCurrentIndex(page.report.findData("annual"))
    with qtbot.waitSignal(page.job_ended, timeout=WAIT_MS) as ended:
        page.generate()
        page.cancel()
    assert ended.args == ["cancelled"]
    assert list(Path(page._temp.path()).glob("*.pdf")) == []


def _pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_printing_sends_every_page_or_the_chosen_range(qtbot, page, tmp_path) -> None:
    assert generate(qtbot, page) == "done"
    source = page.result.path
    pages = _pages(source)

    # The printing function itself, as the print dialog's OK runs it.
    printer = _pdf_printer(tmp_path / "printed.pdf")
    assert prepare_printer(printer, source) == pages
    assert print_pdf(source, printer) == pages
    assert _pages(tmp_path / "printed.pdf") == pages
    printed = pdfium.PdfDocument(str(tmp_path / "printed.pdf"))
    try:
        first = printed[0]
        assert abs(first.get_width() - 595) < 2 and abs(first.get_height() - 842) < 2  # A4
        bitmap = first.render(scale=0.3, grayscale=True)
        dark = sum(1 for b in bytes(bitmap.buffer) if b < 128)
        assert dark > 200  # the page was painted, not a blank sheet
    finally:
        printed.close()

    # From the page, in its worker, honouring a page range.
    ranged = _pdf_printer(tmp_path / "ranged.pdf")
    prepare_printer(ranged, source)
    ranged.setPrintRange(QPrinter.PrintRange.PageRange)
    ranged.setPageRanges(QPageRanges.fromString(f"2-{pages}"))
    with qtbot.waitSignal(page.job_ended, timeout=WAIT_MS) as ended:
        assert page.print_to(ranged)
    assert ended.args == ["done"]
    assert _pages(tmp_path / "ranged.pdf") == pages - 1
    assert page.status.text() == f"ส่งไปพิมพ์แล้ว {pages - 1} หน้า"

    current = _pdf_printer(tmp_path / "current.pdf")
    current.setPrintRange(QPrinter.PrintRange.CurrentPage)
    page.preview.step(1)
    with qtbot.waitSignal(page.job_ended, timeout=WAIT_MS):
        page.print_to(current)
    assert _pages(tmp_path / "current.pdf") == 1


def test_ctrl_p_prints_and_ctrl_s_saves_enter_generates(qtbot, page, monkeypatch, tmp_path):
    page.report.setFocus()
    with qtbot.waitSignal(page.job_ended, timeout=WAIT_MS):
        qtbot.keyClick(page.report, Qt.Key.Key_Return)
    assert page.result is not None
    target = tmp_path / "saved.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.keyClick(page.report, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert target.read_bytes() == page.result.path.read_bytes()

    monkeypatch.setattr(page, "_choose_printer", lambda n: _pdf_printer(tmp_path / "ctrl-p.pdf"))
    with qtbot.waitSignal(page.job_ended, timeout=WAIT_MS):
        qtbot.keyClick(page.report, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert _pages(tmp_path / "ctrl-p.pdf") == page.preview.page_count


def test_scope_inputs_follow_the_chosen_report_for_any_catalogued_report(
    qtbot, page, monkeypatch
) -> None:
    page.report.setCurrentIndex(page.report.findData("annual"))
    assert visible_inputs(page) == ["fy"]

    floor_month = FakeReport(pages=2)
    register(monkeypatch, page, "floormonth", ("floor", "month"), floor_month)
    # The month is chosen within a fiscal year, so the year shows too.
    assert visible_inputs(page) == ["fy", "floor", "month"]
    assert page.inputs["floor"].count() == 5
    assert page.inputs["month"].count() == 12
    page.inputs["floor"].setCurrentIndex(page.inputs["floor"].findData(3))
    page.inputs["month"].setCurrentIndex(page.inputs["month"].findData("2021-01"))
    assert page.inputs["month"].currentText() == "มกราคม 2564"
    assert generate(qtbot, page) == "done"
    assert floor_month.scope == {"floor": 3, "month": "2021-01"}
    assert page.preview.page_count == 2

    register(monkeypatch, page, "oneround", ("round",), FakeReport())
    assert visible_inputs(page) == ["fy", "point", "round"]
    page.inputs["point"].setCurrentIndex(page.inputs["point"].findData("F2-03"))
    rounds = [page.inputs["round"].itemText(i) for i in range(page.inputs["round"].count())]
    assert rounds and all("F2-03" in r and "/80" in r for r in rounds)
    assert page.scope()["round"] == page.inputs["round"].currentData()

    register(monkeypatch, page, "incident", ("incident",), FakeReport())
    assert visible_inputs(page) == ["fy", "incident"]
    assert page.inputs["incident"].count() > 0

    register(monkeypatch, page, "blank", ("point",), FakeReport())
    assert visible_inputs(page) == ["point"]

    # A scope key the page has never heard of still gets an input.
    zoned = FakeReport()
    register(monkeypatch, page, "zoned", ("zone",), zoned)
    assert visible_inputs(page) == ["zone"]
    assert isinstance(page.inputs["zone"], QLineEdit)
    page.inputs["zone"].setText("B")
    assert generate(qtbot, page) == "done"
    assert zoned.scope == {"zone": "B"}


def test_a_bad_scope_is_shown_in_thai_and_english_and_the_preview_is_kept(
    qtbot, page, monkeypatch
) -> None:
    assert generate(qtbot, page) == "done"
    kept = page.preview.page_count

    def refuse(db, out, scope, *, lang, progress):
        out.write_bytes(b"%PDF partial")
        raise InvalidInput("plan.floor_not_valid", field="floor", floor="99")

    register(monkeypatch, page, "refused", ("floor",), refuse)
    assert generate(qtbot, page) == "failed"
    # Thai on a Thai screen; the English under the message's tooltip (issue 17 point 7).
    assert "ชั้น «99» ไม่ถูกต้อง" in page.status.text()
    assert "floor «99» is not valid" not in page.status.text()
    assert "floor «99» is not valid" in page.status.toolTip()
    assert page.preview.page_count == kept and page.result.path.exists()
    assert list(Path(page._temp.path()).glob("refused-*.pdf")) == []

    # A scope left empty is refused by the catalogue (build_report), not by the screen.
    register(monkeypatch, page, "needs_zone", ("zone",), FakeReport())
    assert generate(qtbot, page) == "failed"
    assert "zone" in page.status.text() and "this report needs" in page.status.toolTip()


def test_a_file_that_cannot_be_written_is_reported_and_nothing_is_lost(
    qtbot, page, tmp_path
) -> None:
    assert generate(qtbot, page) == "done"
    assert not page.save_to(tmp_path / "no-such-folder" / "x.pdf")
    assert "เขียนไฟล์" in page.status.text() and "cannot write" in page.status.toolTip()
    assert page.result.path.exists() and page.preview.page_count > 0
    assert page.save_to(tmp_path / "copy.pdf")
    assert (tmp_path / "copy.pdf").read_bytes() == page.result.path.read_bytes()


def export(qtbot, page, name: str, target: Path) -> str:
    """A CSV export runs in the background (issue 17 point 9): its outcome."""
    with qtbot.waitSignal(page.job_ended, timeout=WAIT_MS) as ended:
        assert page.export_to(name, target)
    return ended.args[0]


def test_csv_exports_for_excel(qtbot, page, tmp_path) -> None:
    for name in ("rounds", "survey", "guard"):
        target = tmp_path / f"{name}.csv"
        assert export(qtbot, page, name, target) == "done", page.status.text()
        data = target.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads Thai
        assert len(data.decode("utf-8-sig").splitlines()) > 2
        assert str(target) in page.status.text()
    assert export(qtbot, page, "rounds", tmp_path / "missing" / "r.csv") == "failed"
    assert "cannot write" in page.status.toolTip()


def test_a_csv_export_cancelled_leaves_no_file(qtbot, page, tmp_path, monkeypatch) -> None:
    import ui.reports_page as reports_page

    def slow_rounds(db, fy, path, progress):
        def rows():
            for n in range(100_000):
                yield [n]

        from core.csvfile import write_rows

        page.job.cancel()  # Cancel pressed while the file is being written
        return write_rows(path, ["n"], rows(), progress)

    monkeypatch.setitem(reports_page.CSV_EXPORTS, "rounds", slow_rounds)
    target = tmp_path / "rounds.csv"
    assert export(qtbot, page, "rounds", target) == "cancelled"
    assert not target.exists() and list(tmp_path.glob("rounds.csv*")) == []
    assert page.generate_button.isEnabled() and not page.busy


def test_the_page_speaks_english_when_the_ui_does(qtbot, window) -> None:
    page = window.reports
    window.settings.choose_language("en")
    assert page.title.text() == "Reports"
    assert page.generate_button.text() == "Generate"
    # In C.E. as the English reports write it, the plan's B.E. year beside (finding 13).
    assert page.inputs["fy"].currentText() == "Fiscal year 2021 (B.E. 2564)"
    assert window.nav.item(window.stack.indexOf(page)).text() == "Reports"
    assert generate(qtbot, page) == "done"
    assert page.page_label.text().startswith("Page 1 of")
    assert page.preview.thumbs.item(0).text() == "Page 1"
    window.settings.choose_language("th")
    assert page.preview.thumbs.item(0).text() == "หน้า 1"
    set_language("th")


def test_the_catalogue_module_is_what_the_page_reads() -> None:
    # The page holds no list of its own: it reads the same dict the CLI does.
    import ui.reports_page

    assert ui.reports_page.REPORTS is reports.catalog.REPORTS


def test_tab_reaches_the_scope_then_generate_and_enter_presses_a_tabbed_button(
    qtbot, page, monkeypatch, tmp_path
) -> None:
    page.activateWindow()
    page.report.setFocus()
    qtbot.waitUntil(lambda: page.report.hasFocus())
    qtbot.keyClick(page.report, Qt.Key.Key_Tab)
    assert page.inputs["fy"].hasFocus()  # hidden scope inputs are skipped
    qtbot.keyClick(page.inputs["fy"], Qt.Key.Key_Tab)
    assert page.generate_button.hasFocus()
    with qtbot.waitSignal(page.job_ended, timeout=WAIT_MS):
        qtbot.keyClick(page.generate_button, Qt.Key.Key_Return)

    target = tmp_path / "by-enter.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.save_button.setFocus()
    qtbot.waitUntil(lambda: page.save_button.hasFocus())
    qtbot.keyClick(page.save_button, Qt.Key.Key_Return)
    assert target.exists() and not page.busy  # saved; no new report was started


def test_zoom_and_fit_width(qtbot, page) -> None:
    assert generate(qtbot, page) == "done"
    fit = page.preview.page_label.pixmap().width()
    assert fit <= page.preview.scroll.viewport().width()  # fit width: no sideways scrolling
    qtbot.mouseClick(page.zoom_in_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.zoom_in_button, Qt.MouseButton.LeftButton)
    assert page.preview.page_label.pixmap().width() > fit * 1.4
    qtbot.mouseClick(page.fit_button, Qt.MouseButton.LeftButton)
    assert page.preview.page_label.pixmap().width() == fit


def test_a_new_round_appears_in_the_round_list_when_rounds_change(page, monkeypatch) -> None:
    register(monkeypatch, page, "oneround", ("round",), FakeReport())
    page.inputs["point"].setCurrentIndex(page.inputs["point"].findData("F1-01"))
    before = page.inputs["round"].count()
    with transaction(page.db):
        record_round(page.db, get_point(page.db, "F1-01"), datetime(2021, 9, 29, 10, 0),
                     "สมชาย ใจดี", [4] * 20)  # fmt: skip
    page.hide()  # another page is in front: the list is refilled when this one shows
    page.hub.changed.emit(Change.ROUNDS)
    page.show()
    assert page.inputs["round"].count() == before + 1
    assert page.inputs["round"].itemText(0).startswith("29 ก.ย. 2564 10:00")
    page.hub.changed.emit(Change.ROUNDS)  # and at once while it is showing
    assert page.inputs["round"].count() == before + 1


def test_cancel_stops_printing(qtbot, page, tmp_path) -> None:
    assert generate(qtbot, page) == "done"
    printer = _pdf_printer(tmp_path / "stopped.pdf")
    prepare_printer(printer, page.result.path)
    with qtbot.waitSignal(page.job_ended, timeout=WAIT_MS) as ended:
        assert page.print_to(printer)
        assert not page.print_button.isEnabled()  # one job at a time
        page.cancel()
    assert ended.args == ["cancelled"]
    assert page.print_button.isEnabled()


def test_a_long_report_name_is_elided_not_widening_the_window(qtbot, page, monkeypatch) -> None:
    long_name = "รายงานเจ้าหน้าที่รักษาความปลอดภัยประจำเดือนพร้อมเหตุการณ์ทุกประเภท" * 3
    monkeypatch.setitem(REPORTS, "long", ReportKind("long", long_name, ("fy",), FakeReport()))
    page.retranslate()
    page.report.setCurrentIndex(page.report.findData("long"))
    width = page.width()
    assert generate(qtbot, page) == "done"
    qtbot.wait(10)
    assert page.width() == width
    assert page.previewing.text().endswith("…")
    assert page.previewing.toolTip() == long_name
