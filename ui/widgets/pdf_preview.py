"""Showing and printing a PDF without QtPdf: pages are rasterised by pypdfium2.

QtPdf is not part of PySide6-Essentials (the Addons package would bring
QtWebEngine along), so PDFium, shipped inside the pypdfium2 wheel, draws the
pages into QImages. PDFium is not thread-safe: every call into it, from the UI
thread or a worker, holds `PDFIUM_LOCK`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPageSize, QPainter, QPixmap, QResizeEvent
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QWidget,
)

PDFIUM_LOCK = threading.Lock()
# One page at 600 dpi is 4960 x 7016 pixels, 139 MB in RGBX: too much for the office's
# older laptops. 300 dpi is what their laser printers resolve; text stays sharp.
MAX_PRINT_DPI = 300
THUMB_WIDTH = 110
POINTS_PER_INCH = 72


class PdfFile:
    """One open PDF document; use as a context manager so the file handle is released
    (Windows cannot delete or overwrite a file that is still open)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with PDFIUM_LOCK:
            self._doc = pdfium.PdfDocument(str(self.path))
            self.page_count = len(self._doc)

    def page_size(self, index: int) -> QSizeF:
        """Size of page `index` in PDF points (1/72 inch)."""
        with PDFIUM_LOCK:
            page = self._doc[index]
            try:
                return QSizeF(page.get_width(), page.get_height())
            finally:
                page.close()

    def render(self, index: int, scale: float) -> QImage:
        """Page `index` at `scale` pixels per point, as an opaque image detached from PDFium."""
        with PDFIUM_LOCK:
            page = self._doc[index]
            try:
                bitmap = page.render(scale=scale, prefer_bgrx=True, rev_byteorder=True)
                try:
                    image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                                   QImage.Format.Format_RGBX8888)  # fmt: skip
                    # copy(): the QImage above borrows PDFium's buffer, freed with the bitmap.
                    return image.copy()
                finally:
                    bitmap.close()
            finally:
                page.close()

    def render_width(self, index: int, width_px: int) -> QImage:
        return self.render(index, max(width_px, 1) / self.page_size(index).width())

    def close(self) -> None:
        with PDFIUM_LOCK:
            self._doc.close()

    def __enter__(self) -> PdfFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def thumbnails(path: Path, check: Callable[[], None] = lambda: None) -> list[QImage]:
    """Small images of every page (a worker calls this: QImage is safe off the UI thread).
    `check()` is called before each page and may raise to stop."""
    out: list[QImage] = []
    with PdfFile(path) as pdf:
        for i in range(pdf.page_count):
            check()
            out.append(pdf.render_width(i, THUMB_WIDTH))
    return out


def pages_to_print(printer: QPrinter, page_count: int, current: int = 0) -> list[int]:
    """0-based page numbers the print dialog asked for, in order."""
    mode = printer.printRange()
    if mode == QPrinter.PrintRange.CurrentPage:
        return [current] if 0 <= current < page_count else []
    if mode == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        if not ranges.isEmpty():
            return [i for i in range(page_count) if ranges.contains(i + 1)]
        first, last = printer.fromPage(), printer.toPage()
        if first > 0:
            last = last if last > 0 else page_count
            return list(range(first - 1, min(last, page_count)))
    return list(range(page_count))


def prepare_printer(printer: QPrinter, path: Path) -> int:
    """Give the printer the PDF's paper size and the pages it may choose from; returns the
    page count."""
    with PdfFile(path) as pdf:
        size = pdf.page_size(0) if pdf.page_count else QSizeF(595, 842)
        count = pdf.page_count
    # FuzzyMatch: reportlab's A4 (595.28 x 841.89 pt) is the printer's A4, not a custom size.
    match = QPageSize.SizeMatchPolicy.FuzzyMatch
    printer.setPageSize(QPageSize(size, QPageSize.Unit.Point, "", match))
    # The PDF already has its margins: the printer paints the whole sheet.
    printer.setFullPage(True)
    printer.setDocName(path.name)
    return count


def print_pdf(
    path: Path,
    printer: QPrinter,
    current: int = 0,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> int:
    """Print the pages the printer was set to (all, a range, or `current`); returns how
    many pages went to the printer. Raises OSError when the printer cannot start.

    Safe in a worker thread (Qt paints on a QPrinter outside the UI thread). An exception
    from `progress` (Cancel) aborts the print job, so no half document is printed.
    """
    with PdfFile(path) as pdf:
        pages = pages_to_print(printer, pdf.page_count, current)
        if not pages:
            return 0
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        printer.setFullPage(True)
        painter = QPainter()
        if not painter.begin(printer):
            name = printer.printerName() or printer.outputFileName()
            raise OSError(f"the printer {name!r} did not start")
        try:
            for n, index in enumerate(pages):
                progress(n, len(pages))
                if n and not printer.newPage():
                    raise OSError("the printer refused a new page")
                image = pdf.render(index, dpi / POINTS_PER_INCH)
                sheet = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
                # Keep the page's proportions: a PDF page on a slightly different sheet
                # (Letter) is shrunk, never stretched.
                keep = Qt.AspectRatioMode.KeepAspectRatio
                fitted = QSizeF(image.size()).scaled(sheet.size(), keep)
                target = QRectF(sheet.topLeft(), fitted)
                target.moveCenter(sheet.center())
                painter.drawImage(target, image)
            progress(len(pages), len(pages))
        except BaseException:
            printer.abort()
            raise
        finally:
            painter.end()
    return len(pages)


class PdfPreview(QWidget):
    """Thumbnails on the left, one page at fit-width (or a zoom) on the right."""

    page_changed = Signal(int, int)  # current page (0-based), page count

    def __init__(self) -> None:
        super().__init__()
        self.pdf: PdfFile | None = None
        self.current = 0
        self.zoom: float | None = None  # None: fit the page to the width of the view
        self.thumbs = QListWidget()
        self.thumbs.setViewMode(QListWidget.ViewMode.IconMode)
        self.thumbs.setFlow(QListWidget.Flow.TopToBottom)
        self.thumbs.setWrapping(False)
        self.thumbs.setMovement(QListWidget.Movement.Static)
        self.thumbs.setIconSize(QSize(THUMB_WIDTH, int(THUMB_WIDTH * 1.42)))
        self.thumbs.setFixedWidth(THUMB_WIDTH + 40)
        self.thumbs.setSpacing(4)
        self.thumbs.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.page_label = QLabel()
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_label.setStyleSheet("background: #8a8f96; padding: 12px")
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.page_label)
        self.scroll.setWidgetResizable(True)
        self.scroll.setStyleSheet("QScrollArea { background: #8a8f96; border: none }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.thumbs)
        layout.addWidget(self.scroll, 1)
        self.thumbs.currentRowChanged.connect(self.show_page)

    @property
    def page_count(self) -> int:
        return self.pdf.page_count if self.pdf else 0

    def set_message(self, text: str) -> None:
        """Shown in place of a page while there is no document."""
        self.thumbs.setVisible(self.pdf is not None)
        self.page_label.setPixmap(QPixmap())
        self.page_label.setText(text)

    def load(self, path: Path, thumbs: list[QImage], caption: str) -> None:
        """Show the PDF at `path`; `thumbs` were rendered by the worker that wrote it."""
        self.clear()
        self.pdf = PdfFile(path)
        for i in range(self.pdf.page_count):
            item = QListWidgetItem(caption.format(n=i + 1))
            if i < len(thumbs):
                item.setIcon(QIcon(QPixmap.fromImage(thumbs[i])))
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.thumbs.addItem(item)
        self.thumbs.show()
        self.current = -1
        self.thumbs.setCurrentRow(0)

    def retitle(self, caption: str) -> None:
        """New captions under the thumbnails (the language changed)."""
        for i in range(self.thumbs.count()):
            self.thumbs.item(i).setText(caption.format(n=i + 1))

    def clear(self) -> None:
        if self.pdf is not None:
            self.pdf.close()
            self.pdf = None
        self.thumbs.blockSignals(True)
        self.thumbs.clear()
        self.thumbs.blockSignals(False)
        self.current = 0
        self.page_label.setPixmap(QPixmap())

    def show_page(self, index: int) -> None:
        if self.pdf is None or not 0 <= index < self.pdf.page_count:
            return
        self.current = index
        if self.thumbs.currentRow() != index:
            self.thumbs.setCurrentRow(index)
        self._render()
        self.scroll.verticalScrollBar().setValue(0)
        self.page_changed.emit(index, self.pdf.page_count)

    def step(self, delta: int) -> None:
        self.show_page(max(0, min(self.page_count - 1, self.current + delta)))

    def set_zoom(self, zoom: float | None) -> None:
        """`zoom` 1.0 shows the page at its paper size (at the screen's logical dpi), 2.0
        twice that; None fits the page to the width of the view."""
        self.zoom = None if zoom is None else max(0.25, min(zoom, 4.0))
        self._render()

    def effective_zoom(self) -> float:
        if self.pdf is None:
            return 1.0
        return self._scale() * POINTS_PER_INCH / self.logicalDpiX()

    def _scale(self) -> float:
        assert self.pdf is not None
        if self.zoom is not None:
            return self.zoom * self.logicalDpiX() / POINTS_PER_INCH
        # From the scroll area's own width, not its viewport's: the viewport narrows while a
        # zoomed page still shows scroll bars, and fit-width must not depend on that.
        # The label's padding is 12 px a side; a vertical bar is (almost) always shown.
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        inner = self.scroll.width() - 2 * self.scroll.frameWidth()
        width = max(200, inner - bar - 2 * 12 - 2)
        return width / self.pdf.page_size(self.current).width()

    def _render(self) -> None:
        if self.pdf is None or not 0 <= self.current < self.pdf.page_count:
            return
        ratio = self.devicePixelRatioF()
        image = self.pdf.render(self.current, self._scale() * ratio)
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.page_label.setText("")
        self.page_label.setPixmap(pixmap)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if self.zoom is None:
            self._render()
