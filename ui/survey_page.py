"""Survey page: paper questionnaires typed in fast, the tally updating live.

Keys: 1/2/3 choose the group is the first key of a form (official, employee,
public), then one digit 1-5 per question, then Enter saves it and the next one
starts (issue 5). Enter rather than saving on the last digit: answers are
anonymous and never deleted, so a slip on the last digit must still be
correctable with Backspace before it counts.
The date is the day the questionnaire was answered (today unless changed):
a pile of September forms typed in on 1 October still belongs to the year it
was answered in. The forms and their questions come from the database; section
heads and administrators define them in SurveyFormsDialog.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core.calendar import fiscal_year, format_date_short, fy_values, parse_date, today
from core.i18n import language, tr
from core.rounding import pct_text
from core.users import current_actor
from inspection.points import normalise_code
from inspection.survey import (
    GROUPS,
    SurveyForm,
    forms,
    get_form,
    record_response,
    retire_form,
    satisfaction,
    save_form,
)
from ui import ops
from ui.hub import Hub
from ui.ops import Change, reload_on
from ui.widgets.keys import digit_of, latin_code
from ui.widgets.messages import clear, say_error
from ui.widgets.rights import permit


class _Keys(QObject):
    def __init__(self, page: SurveyPage) -> None:
        super().__init__(page)
        self.page = page

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
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
        self.forms: list[SurveyForm] = []
        self.dialog: SurveyFormsDialog | None = None
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.form = QComboBox()
        self.edit_forms_button = QPushButton()
        self.day = QLineEdit(format_date_short(today(), language()))
        self.day.setMaximumWidth(160)
        self.point = QLineEdit()
        self.point.setPlaceholderText("F1-01")
        self.point.setMaximumWidth(160)
        self.entry = QLabel()
        self.entry.setObjectName("scorePanel")
        self.entry.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.entry.setMinimumHeight(160)
        self.entry.setWordWrap(True)
        self.entry.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.entry.setStyleSheet("QLabel { background: #f4f6f9; padding: 12px; font-size: 13pt }"
                                 "QLabel:focus { border: 2px solid #2f5d8f }")  # fmt: skip
        self.entry.installEventFilter(_Keys(self))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.tally = QTableWidget(4, 4)
        self.tally.verticalHeader().hide()
        self.tally.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tally.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.tally.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.tally.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.share = QLabel()
        self.share.setObjectName("sectionTitle")
        self.share.setWordWrap(True)
        self.form_label, self.day_label, self.point_label = QLabel(), QLabel(), QLabel()
        form_row = QHBoxLayout()
        form_row.addWidget(self.form, 1)
        form_row.addWidget(self.edit_forms_button)
        top = QFormLayout()
        top.addRow(self.form_label, form_row)
        top.addRow(self.day_label, self.day)
        top.addRow(self.point_label, self.point)
        right = QVBoxLayout()
        right.addWidget(self.share)
        right.addWidget(self.tally)
        right.addStretch(1)
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
        self.day.editingFinished.connect(self._day_changed)
        self.day.returnPressed.connect(self.entry.setFocus)
        self.edit_forms_button.clicked.connect(self.edit_forms)
        self.follow = reload_on(self, hub, Change.SURVEY | Change.SURVEY_FORMS, self.refresh)
        hub.language_changed.connect(lambda _: self.retranslate())
        hub.signed_in.connect(self._apply_permissions)
        self.retranslate()

    def refresh(self) -> None:
        """After a change: the year's forms (a form being typed stays as typed if it is
        still offered unchanged), then the tally."""
        self._load_forms(keep_typing=True)
        self.reload()

    def _apply_permissions(self) -> None:
        permit(self.edit_forms_button, self.db, "survey.define")

    def focus_main(self) -> None:
        self.entry.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        # The keys go to the entry panel as soon as the page opens; another user may
        # have signed in since it was last shown.
        self._apply_permissions()
        self.entry.setFocus(Qt.FocusReason.OtherFocusReason)
        super().showEvent(event)

    def retranslate(self) -> None:
        self.title.setText(tr("page.survey"))
        self.form_label.setText(tr("survey.form"))
        self.day_label.setText(tr("ind.survey_day"))
        self.point_label.setText(tr("survey.point"))
        self.edit_forms_button.setText(tr("ind.edit_forms"))
        self.tally.setHorizontalHeaderLabels(
            [tr("survey.group"), tr("survey.respondents"), tr("survey.satisfied"), "%"]
        )
        self._load_forms()
        self.reload()

    def answer_day(self) -> date | None:
        """The day typed in the date field, or None (the field says why) when it is not one."""
        day = ops.run(self, self.hub, lambda: parse_date(self.day.text(), field="date"),
                      errors=lambda e: say_error(self.status, e))  # fmt: skip
        return day.value if day else None

    def year(self) -> int:
        """The fiscal year of the date field: the forms and the tally shown are that year's."""
        day = self.answer_day()
        return fiscal_year(day or today())

    def _day_changed(self) -> None:
        if self.answer_day() is not None:
            clear(self.status)
        self._load_forms()
        self.reload()

    def _load_forms(self, *, keep_typing: bool = False) -> None:
        lang = language()
        current = self.form.currentData()
        before = self.forms
        self.forms = forms(self.db, self.year())
        if keep_typing and self.forms == before and self.form.count() == len(before):
            return  # the same forms: a questionnaire half typed in stays as it is
        self.form.blockSignals(True)
        self.form.clear()
        for f in self.forms:
            self.form.addItem(f.name(lang), f.key)  # its questions are listed right below
        self.form.setCurrentIndex(max(0, self.form.findData(current)))
        self.form.blockSignals(False)
        self.reset()

    def current_form(self) -> SurveyForm | None:
        key = self.form.currentData()
        return next((f for f in self.forms if f.key == key), None)

    def questions(self) -> list[tuple[int, str, str]]:
        form = self.current_form()
        return [] if form is None else [(q.no, q.text_th, q.text_en) for q in form.questions]

    def reset(self) -> None:
        self.group, self.ratings = None, []
        self._show()

    def _show(self) -> None:
        lang = language()
        lines = [tr("survey.saved_n", n=self.saved)]
        if self.group is None:
            lines.append(tr("survey.ask_group"))
        else:
            lines.append(tr("survey.group_is", group=tr(f"group.{self.group}")))
        # The questions are shown before the group is chosen too: the reader checks
        # that the paper in hand is this form before typing.
        for i, (no, th, en) in enumerate(self.questions()):
            if i < len(self.ratings):
                mark = str(self.ratings[i])
            else:
                mark = "▶" if self.group is not None and i == len(self.ratings) else "·"
            lines.append(f"{mark}  {no}. {th if lang == 'th' else en}")
        if self.group is not None:
            complete = len(self.ratings) >= len(self.questions())
            lines.append(tr("ind.survey_enter") if complete else tr("survey.ask_rating"))
        self.entry.setText("\n".join(lines))

    def handle_key(self, event: QKeyEvent) -> bool:
        # Digits follow the physical keys: the Thai (Kedmanee) layout types ๅ / - on 1 2 3.
        digit = digit_of(event)
        text = str(digit) if digit is not None else event.text()
        if event.key() == Qt.Key.Key_Backspace:
            if self.ratings:
                self.ratings.pop()
            else:
                self.group = None
            self._show()
            return True
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if (
                self.group is not None
                and self.ratings
                and len(self.ratings) >= len(self.questions())
            ):
                self.save()
            return True
        if self.group is None:
            if text in ("1", "2", "3"):
                self.group = GROUPS[int(text) - 1]
                self._show()
                return True
            return False
        if text in ("1", "2", "3", "4", "5"):
            if len(self.ratings) < len(self.questions()):  # a digit too many is ignored
                self.ratings.append(int(text))
            self._show()
            return True
        return False

    def save(self) -> None:
        code = latin_code(self.point.text().strip())
        point = normalise_code(code) if code else None
        day = self.answer_day()
        if day is None:
            self.ratings = []
            self._show()
            return
        group, ratings, form = self.group or "", list(self.ratings), self.form.currentData()
        saved = ops.run(
            self, self.hub,
            lambda: record_response(self.db, day, point or (code or None), group, ratings,
                                    form=form),
            changes=Change.SURVEY, errors=lambda e: say_error(self.status, e),
        )  # fmt: skip
        if not saved:
            self.ratings = []
            self._show()
            return
        self.saved += 1
        clear(self.status)
        self.reset()

    def reload(self) -> None:
        sat = satisfaction(self.db, self.year())
        rows = [(tr(f"rp.group.{g}"), sat.by_group[g]) for g in GROUPS]  # as the PDF names them
        rows.append((tr("survey.all"), sat))
        for r, (name, tally) in enumerate(rows):
            pct = pct_text(tally.pct, "—")
            for c, text in enumerate((name, str(tally.respondents), str(tally.satisfied), pct)):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.tally.setItem(r, c, item)
        self.tally.resizeRowsToContents()
        height = self.tally.horizontalHeader().height() + 2 * self.tally.frameWidth()
        self.tally.setFixedHeight(height + sum(self.tally.rowHeight(r) for r in range(4)))
        pct = "—" if sat.pct is None else f"{pct_text(sat.pct)}%"
        self.share.setText(tr("survey.share", pct=pct, **fy_values(sat.fiscal_year)))

    def edit_forms(self) -> SurveyFormsDialog | None:
        """Open the forms editor (non-modal) for the year of the date field."""
        if not current_actor(self.db).may("survey.define"):
            return None
        self.dialog = SurveyFormsDialog(self.db, self.hub, self.year(), self)
        self.dialog.open()
        return self.dialog


class SurveyFormsDialog(QDialog):
    """The office's forms of one fiscal year: names and questions in Thai and English.

    Saving a form that already has answers makes a new version (see
    inspection.survey.save_form); the dialog says so before the user saves.
    """

    def __init__(self, db: Database, hub: Hub, fy: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.hub, self.fy = db, hub, fy
        self.key: str | None = None  # the form being edited; None for a new one
        self.setWindowTitle(tr("ind.forms_title", **fy_values(fy)))
        self.resize(980, 560)
        self.list = QListWidget()
        self.list.setMaximumWidth(300)
        self.list.setSpacing(3)  # each form takes two lines: keep the forms apart
        self.new_button, self.retire_button = QPushButton(), QPushButton()
        self.name_th, self.name_en = QLineEdit(), QLineEdit()
        self.table = QTableWidget(0, 2)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.add_button, self.remove_button = QPushButton(), QPushButton()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #8a6d00")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.save_button, self.close_button = QPushButton(), QPushButton()
        self.save_button.setDefault(True)

        self.heading = QLabel(tr("fy.n", **fy_values(fy)))
        self.heading.setObjectName("sectionTitle")
        left = QVBoxLayout()
        left.addWidget(self.heading)
        left.addWidget(self.list, 1)
        left.addWidget(self.new_button)
        left.addWidget(self.retire_button)
        names = QFormLayout()
        self.name_th_label, self.name_en_label = QLabel(), QLabel()
        names.addRow(self.name_th_label, self.name_th)
        names.addRow(self.name_en_label, self.name_en)
        rows = QHBoxLayout()
        rows.addWidget(self.add_button)
        rows.addWidget(self.remove_button)
        rows.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        right = QVBoxLayout()
        right.addLayout(names)
        right.addWidget(self.table, 1)
        right.addLayout(rows)
        right.addWidget(self.note)
        right.addLayout(buttons)
        body = QHBoxLayout(self)
        body.addLayout(left)
        body.addLayout(right, 1)

        self.list.currentItemChanged.connect(lambda item, _: self._show(item))
        self.new_button.clicked.connect(self.new_form)
        self.retire_button.clicked.connect(self.retire)
        self.add_button.clicked.connect(lambda: self._add_row("", ""))
        self.remove_button.clicked.connect(self._remove_row)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        self.new_button.setText(tr("ind.form_new"))
        self.retire_button.setText(tr("ind.form_retire"))
        self.add_button.setText(tr("ind.question_add"))
        self.remove_button.setText(tr("ind.question_remove"))
        self.save_button.setText(tr("ind.save"))
        self.close_button.setText(tr("ind.close"))
        self.name_th_label.setText(tr("ind.form_name_th"))
        self.name_en_label.setText(tr("ind.form_name_en"))
        self.table.setHorizontalHeaderLabels([tr("ind.question_th"), tr("ind.question_en")])
        self.load()

    def load(self, select: str | None = None) -> None:
        lang = language()
        self.list.blockSignals(True)
        self.list.clear()
        for f in forms(self.db, self.fy):
            item = QListWidgetItem(tr("ind.form_listed", name=f.name(lang), n=len(f.questions),
                                      answers=f.answers))  # fmt: skip
            item.setData(Qt.ItemDataRole.UserRole, f.key)
            self.list.addItem(item)
        self.list.blockSignals(False)
        keys = [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]
        self.list.setCurrentRow(keys.index(select) if select in keys else 0)

    def _show(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        form = get_form(self.db, item.data(Qt.ItemDataRole.UserRole))
        self.key = form.key
        self.name_th.setText(form.name_th)
        self.name_en.setText(form.name_en)
        self.table.setRowCount(0)
        for q in form.questions:
            self._add_row(q.text_th, q.text_en)
        self.retire_button.setEnabled(True)
        self.error.setText("")
        if form.answers:
            self.note.setText(tr("ind.form_answered", n=form.answers))
        elif form.fiscal_year != self.fy:
            self.note.setText(tr("ind.form_inherited", from_fy=form.fiscal_year,
                                  from_fy_ce=fy_values(form.fiscal_year)["fy_ce"],
                                  **fy_values(self.fy)))  # fmt: skip
        else:
            self.note.setText("")

    def _add_row(self, th: str, en: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(th))
        self.table.setItem(row, 1, QTableWidgetItem(en))
        self.table.resizeRowsToContents()

    def _remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def items(self) -> list[tuple[str, str]]:
        def text(r: int, c: int) -> str:
            item = self.table.item(r, c)
            return item.text() if item is not None else ""

        return [(text(r, 0), text(r, 1)) for r in range(self.table.rowCount())]

    def new_form(self) -> None:
        """An empty form to fill in; it exists once saved."""
        self.list.blockSignals(True)
        self.list.clearSelection()
        self.list.setCurrentRow(-1)
        self.list.blockSignals(False)
        self.key = None
        self.name_th.clear()
        self.name_en.clear()
        self.table.setRowCount(0)
        self._add_row("", "")
        self.retire_button.setEnabled(False)
        self.note.setText(tr("ind.form_new_note"))
        self.error.setText("")
        self.name_th.setFocus()

    def save(self) -> bool:
        clear(self.error)
        key, th, en, items = self.key, self.name_th.text(), self.name_en.text(), self.items()
        result = ops.run(self, self.hub, lambda: save_form(self.db, self.fy, key, th, en, items),
                         changes=Change.SURVEY_FORMS,
                         errors=lambda e: say_error(self.error, e))  # fmt: skip
        if not result or result.value is None:
            return False
        self.load(select=result.value.form.key)
        if result.value.new_version:
            self.note.setText(tr("ind.form_versioned"))
        return True

    def retire(self) -> bool:
        if self.key is None:
            return False
        clear(self.error)
        key = self.key
        result = ops.run(self, self.hub, lambda: retire_form(self.db, self.fy, key),
                         changes=Change.SURVEY_FORMS,
                         errors=lambda e: say_error(self.error, e))  # fmt: skip
        if not result:
            return False
        self.load()
        return True
