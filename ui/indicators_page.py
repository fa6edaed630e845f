"""Indicators page: both of the plan's indicators for a fiscal year, with their ladders.

Under each, in plain words, what is needed for the next level. The figures come
from summary.score.annual_score, the same function `score` prints.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core.calendar import fiscal_year, today
from core.i18n import language, tr
from core.ladder import LEVEL_SCORES
from core.rounding import pct_text
from inspection.indicator import ladder_rows, next_level_needs
from security.indicator import INCIDENT_LADDER, coverage_line
from summary.score import AnnualScore, annual_score, fiscal_years
from ui.hub import Hub
from ui.ops import Change, reload_on
from ui.widgets.years import fill_years

REACHED = QColor("#cfe8d4")


class _LadderTable(QTableWidget):
    """As tall as its rows: no empty band under the ladder, no scroll bar inside it.

    Thai conditions wrap, so row heights follow the column width; the layout asks
    again (updateGeometry) whenever a row's height changes.
    """

    def __init__(self) -> None:
        super().__init__(5, 4)
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.verticalHeader().sectionResized.connect(lambda *_: self.updateGeometry())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        rows = sum(self.rowHeight(r) for r in range(self.rowCount()))
        height = rows + self.horizontalHeader().height() + 2 * self.frameWidth()
        return QSize(super().sizeHint().width(), height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return self.sizeHint()


def _ladder_table() -> QTableWidget:
    return _LadderTable()


class IndicatorsPage(QWidget):
    def __init__(self, db: Database, hub: Hub) -> None:
        super().__init__()
        self.db, self.hub = db, hub
        self.score: AnnualScore | None = None
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.year = QComboBox()
        self.total = QLabel()
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.4)
        big.setBold(True)
        self.total.setFont(big)

        self.rest_box = QGroupBox()
        self.rest_level = QLabel()
        self.rest_level.setFont(big)
        self.rest_detail = QLabel()
        self.rest_detail.setWordWrap(True)
        self.rest_ladder = _ladder_table()
        self.rest_needs_title = QLabel()
        self.rest_needs_title.setObjectName("sectionTitle")
        self.rest_needs = QListWidget()
        self.rest_needs.setWordWrap(True)
        self.rest_needs.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rv = QVBoxLayout(self.rest_box)
        for w in (self.rest_level, self.rest_detail, self.rest_ladder, self.rest_needs_title,
                  self.rest_needs):  # fmt: skip
            rv.addWidget(w)

        self.inc_box = QGroupBox()
        self.inc_level = QLabel()
        self.inc_level.setFont(big)
        self.inc_detail = QLabel()
        self.inc_detail.setWordWrap(True)
        # Beside the level: how many of the year's shifts have no signed report (DOMAIN.md 7).
        self.inc_coverage = QLabel()
        self.inc_coverage.setWordWrap(True)
        self.inc_ladder = _ladder_table()
        self.inc_warning = QLabel()
        self.inc_warning.setWordWrap(True)
        self.inc_warning.setStyleSheet("color: #8a6d00; font-weight: bold")
        self.review_button = QPushButton()
        # The year on screen, not the current one: a head reviewing 2564 in 2570 saw none.
        self.review_button.clicked.connect(
            lambda: self.hub.review_incidents.emit(self.year.currentData())
        )
        iv = QVBoxLayout(self.inc_box)
        for w in (self.inc_level, self.inc_detail, self.inc_coverage, self.inc_ladder,
                  self.inc_warning):  # fmt: skip
            iv.addWidget(w)
        iv.addWidget(self.review_button, 0, Qt.AlignmentFlag.AlignLeft)
        iv.addStretch(1)

        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.total)
        head.addWidget(self.year)
        boxes = QHBoxLayout()
        # The plan's order (DOMAIN.md, the annual summary): indicator 1, incidents, first.
        boxes.addWidget(self.inc_box, 1)
        boxes.addWidget(self.rest_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(boxes, 1)

        self.year.currentIndexChanged.connect(lambda _: self.reload())
        # A point that does not pass opens on the Restrooms page, with its history.
        self.rest_needs.itemActivated.connect(self._open_point)
        self.rest_needs.itemDoubleClicked.connect(self._open_point)
        self.follow = reload_on(self, hub, Change.RECORDS, self.refresh)
        hub.language_changed.connect(lambda _: self.retranslate())
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("page.indicators"))
        self.rest_box.setTitle(tr("ind.restrooms"))
        self.inc_box.setTitle(tr("ind.incidents"))
        self.rest_needs_title.setText(tr("ind.needs"))
        headers = [tr("ind.level"), tr("ind.condition"), tr("ind.result"), tr("ind.score")]
        self.rest_ladder.setHorizontalHeaderLabels(headers)
        self.inc_ladder.setHorizontalHeaderLabels(headers)
        self.refresh()

    def refresh(self) -> None:
        """A year with data may have appeared (an import, a sync): the years, then the score."""
        chosen = self.year.currentData() or fiscal_year(today())
        fill_years(self.year, fiscal_years(self.db, chosen), chosen)
        self.reload()

    def focus_main(self) -> None:
        """The list of what the next level needs: Enter opens a point (not the year box)."""
        self.rest_needs.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.rest_needs.currentRow() < 0 and self.rest_needs.count():
            self.rest_needs.setCurrentRow(0)

    @staticmethod
    def _fill_ladder(table: QTableWidget, rows: list[tuple], reached: int) -> None:
        for r, (level, condition, result, score) in enumerate(rows):
            for c, text in enumerate((str(level), condition, f"{result}%", f"{score:g}")):
                item = QTableWidgetItem(text)
                if level == reached:
                    item.setBackground(REACHED)
                    bold = item.font()
                    bold.setBold(True)
                    item.setFont(bold)
                table.setItem(r, c, item)
        table.updateGeometry()

    def reload(self) -> None:
        fy = self.year.currentData()
        if fy is None:
            return
        lang = language()
        self.score = s = annual_score(self.db, fy)
        r, i = s.restrooms, s.incidents
        self.total.setText(tr("ind.total", score=f"{s.total_score:g}"))
        self.rest_level.setText(tr("ind.level_score", level=r.level, score=f"{r.score:g}"))
        sat = "—" if r.satisfaction_pct is None else f"{pct_text(r.satisfaction_pct)}%"
        self.rest_detail.setText(
            tr("ind.rest_detail", passing=r.points_passing, total=r.points_total,
               pct=pct_text(r.points_pct), sat=sat, n=r.respondents,
               plevel=r.points_level, slevel=r.satisfaction_level)
        )  # fmt: skip
        rows = [
            (row.level, row.condition_th if lang == "th" else row.condition_en,
             row.result_pct, row.score)
            for row in ladder_rows(r.points_total or 27)
        ]  # fmt: skip
        self._fill_ladder(self.rest_ladder, rows, r.level)
        self.rest_needs.clear()
        # First what the next level needs, ladder by ladder, then the points that do not
        # pass and why: the list a section head walks through with the inspectors.
        for line in next_level_needs(r, lang):
            item = QListWidgetItem(line)
            font = item.font()
            font.setBold(True)
            item.setFont(font)
            self.rest_needs.addItem(item)
        for need in r.needs:
            item = QListWidgetItem(need.th if lang == "th" else need.en)
            item.setData(Qt.ItemDataRole.UserRole, need.code)
            item.setToolTip("\n".join([*need.items(lang), tr("ind.open_point")]))
            self.rest_needs.addItem(item)
        if r.level == 5:
            self.rest_needs.addItem(tr("ind.all_good"))
        self.inc_level.setText(tr("ind.level_score", level=i.level, score=f"{i.score:g}"))
        self.inc_detail.setText(
            tr("ind.inc_detail", counted=i.counted, pending=i.pending, not_counted=i.not_counted)
        )
        self.inc_coverage.setText(coverage_line(i))
        short = i.no_reports or i.shifts_missing > 0
        self.inc_coverage.setStyleSheet("color: #b3261e; font-weight: bold" if short else "")
        inc_rows = [(lv, tr(key, lang), *LEVEL_SCORES[lv]) for lv, key in INCIDENT_LADDER]
        self._fill_ladder(self.inc_ladder, inc_rows, i.level)
        self.inc_warning.setText(tr("ind.pending_warning", n=i.pending) if i.pending else "")
        # The pending events are where the level may still move: one click to review them.
        self.review_button.setText(tr("ind.review_pending", n=i.pending))
        self.review_button.setVisible(bool(i.pending))

    def _open_point(self, item: QListWidgetItem) -> None:
        code = item.data(Qt.ItemDataRole.UserRole)
        if code:
            # In the year on screen: its state there is what the line is about.
            self.hub.open_point_in_year.emit(code, self.year.currentData())
