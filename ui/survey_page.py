"""Survey page: paper questionnaires typed in fast, the tally updating live.

Keys: 1/2/3 choose the group is the first key of a form (official, employee,
public), then one digit 1-5 per question; the form saves itself after the
last question and the next one starts. Backspace takes back the last key.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core.calendar import fiscal_year, today
from core.errors import SalaError
from core.i18n import language, tr
from inspection.survey import GROUPS, questions, record_response, satisfaction
from ui.hub import Hub
from ui.round_page import normalise_code


class _Keys(QObject):
    def __init__(self, page: SurveyPage) -> None:
        super().__init__(page)
        self.page = page

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self.page.handle_key(event)
        return False


class SurveyPage(QWidget):
    def __init__(self, db: Database, hub: Hub) -> None:
        super().__init__()
        self.db, self.hub = db, hub
        self.group: str | None = None
        self.ratings: list[int] = []
        self.saved = 0
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.form = QComboBox()
        self.point = QLineEdit()
        self.point.setPlaceholderText("F1-01")
        self.entry = QLabel()
        self.entry.setObjectName("scorePanel")
        self.entry.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.entry.setMinimumHeight(140)
        self.entry.setWordWrap(True)
        self.entry.setStyleSheet("QLabel { background: #f4f6f9; padding: 12px; font-size: 13pt }"
                                 "QLabel:focus { border: 2px solid #2f5d8f }")  # fmt: skip
        self.entry.installEventFilter(_Keys(self))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.tally = QTableWidget(4, 3)
        self.tally.verticalHeader().hide()
        self.share = QLabel()
        self.share.setObjectName("sectionTitle")
        self.form_label, self.point_label = QLabel(), QLabel()
        top = QFormLayout()
        top.addRow(self.form_label, self.form)
        top.addRow(self.point_label, self.point)
        right = QVBoxLayout()
        right.addWidget(self.share)
        right.addWidget(self.tally)
        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(self.entry)
        left.addWidget(self.status)
        left.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(body, 1)
        self.form.currentIndexChanged.connect(lambda _: self.reset())
        self.point.returnPressed.connect(self.entry.setFocus)
        hub.changed.connect(lambda kind: self.reload() if kind in ("survey", "all") else None)
        hub.language_changed.connect(lambda _: self.retranslate())
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("page.survey"))
        self.form_label.setText(tr("survey.form"))
        self.point_label.setText(tr("survey.point"))
        self.form.blockSignals(True)
        current = self.form.currentData()
        self.form.clear()
        for form in ("overall", "detailed"):
            self.form.addItem(tr(f"survey.form.{form}"), form)
        self.form.setCurrentIndex(max(0, self.form.findData(current)))
        self.form.blockSignals(False)
        self.tally.setHorizontalHeaderLabels(
            [tr("survey.group"), tr("survey.respondents"), tr("survey.satisfied")]
        )
        self.reset()
        self.reload()

    def questions(self) -> list[tuple[int, str, str]]:
        return questions(self.db, fiscal_year(today()), self.form.currentData() or "overall")

    def reset(self) -> None:
        self.group, self.ratings = None, []
        self._show()

    def _show(self) -> None:
        lang = language()
        qs = self.questions()
        lines = [tr("survey.saved_n", n=self.saved)]
        if self.group is None:
            lines.append(tr("survey.ask_group"))
        else:
            lines.append(tr("survey.group_is", group=tr(f"group.{self.group}")))
            for i, (no, th, en) in enumerate(qs):
                mark = str(self.ratings[i]) if i < len(self.ratings) else ("▶" if i == len(
                    self.ratings) else "·")  # fmt: skip
                lines.append(f"{mark}  {no}. {th if lang == 'th' else en}")
            lines.append(tr("survey.ask_rating"))
        self.entry.setText("\n".join(lines))

    def handle_key(self, event: QKeyEvent) -> bool:
        text = event.text()
        if event.key() == Qt.Key.Key_Backspace:
            if self.ratings:
                self.ratings.pop()
            else:
                self.group = None
            self._show()
            return True
        if self.group is None:
            if text in ("1", "2", "3"):
                self.group = GROUPS[int(text) - 1]
                self._show()
                return True
            return False
        if text in ("1", "2", "3", "4", "5"):
            self.ratings.append(int(text))
            if len(self.ratings) == len(self.questions()):
                self.save()
            else:
                self._show()
            return True
        return False

    def save(self) -> None:
        code = self.point.text().strip()
        point = normalise_code(code) if code else None
        try:
            record_response(self.db, today(), point or (code or None), self.group or "",
                            self.ratings)  # fmt: skip
        except SalaError as exc:
            self.status.setText(exc.bilingual())
            self.ratings = []
            self._show()
            return
        self.saved += 1
        self.status.setText("")
        self.reset()
        self.hub.changed.emit("survey")

    def reload(self) -> None:
        sat = satisfaction(self.db, fiscal_year(today()))
        rows = [(tr(f"group.{g}"), sat.by_group[g]) for g in GROUPS]
        for r, (name, tally) in enumerate(rows):
            for c, text in enumerate((name, str(tally.respondents), str(tally.satisfied))):
                self.tally.setItem(r, c, QTableWidgetItem(text))
        for c, text in enumerate((tr("survey.all"), str(sat.respondents), str(sat.satisfied))):
            self.tally.setItem(3, c, QTableWidgetItem(text))
        pct = "—" if sat.pct is None else f"{sat.pct:.2f}%"
        self.share.setText(tr("survey.share", pct=pct, fy=sat.fiscal_year))
