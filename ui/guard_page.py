"""Guard log: a month calendar of the supervisors' reports, the daily report form,
and the monthly contract check (plan project 1, step 4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QLocale, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core.calendar import format_date, format_month, time_shown, to_be_year, today
from core.i18n import as_label, language, tr
from core.users import current_actor
from security.contract import HEADCOUNT_MAX, Shift, get_shift, shifts
from security.events import (
    ACTION_MAX,
    CATEGORIES,
    DESCRIPTION_MAX,
    PLACE_MAX,
    EventInput,
    category_name,
    validate_event,
)
from security.reports import (
    NOTE_MAX,
    SUPERVISOR_MAX,
    GuardReport,
    copy_previous_report,
    current_report,
    default_event_time,
    mark_month_checked,
    moment_of,
    month_check,
    reports_between,
    save_report,
)
from ui import ops
from ui.hub import Hub
from ui.ops import Change, reload_on
from ui.widgets.forms import FormDialog, ask_text
from ui.widgets.keys import type_digits_by_key, type_time_by_key
from ui.widgets.messages import clear, say_error
from ui.widgets.rights import permit, roles_that_may

MISSING = QColor("#b3261e")
DONE = QColor("#1b7f3b")


class ReportCalendar(QCalendarWidget):
    """Each day shows one mark per required shift: ✓ reported, ✗ missing (red)."""

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.marks: dict[date, dict[str, GuardReport]] = {}
        self.setGridVisible(True)
        self.set_language()
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.currentPageChanged.connect(lambda *_: self.reload())
        self.currentPageChanged.connect(lambda *_: self.show_year())

    def set_language(self) -> None:
        """Thai month and day names in Thai mode, and the year in B.E. (DOMAIN.md section 1)."""
        if language() == "th":
            self.setLocale(QLocale(QLocale.Language.Thai, QLocale.Country.Thailand))
        else:
            self.setLocale(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
        # The Thai week starts on Sunday, the British on Monday: Qt moves the columns but
        # leaves the highlight on the old cell (the 24th lit while the 25th is chosen).
        # Choosing the day again puts the highlight back on it.
        chosen = self.selectedDate()
        self.blockSignals(True)
        self.setSelectedDate(chosen.addDays(1))
        self.setSelectedDate(chosen)
        self.blockSignals(False)
        self.show_year()

    def show_year(self) -> None:
        # Qt has no Buddhist calendar: its navigation bar would say 2026 beside Thai month
        # names. Its year button is relabelled after Qt has set it (this slot runs later).
        button = self.findChild(QToolButton, "qt_calendar_yearbutton")
        if button is not None:
            year = self.yearShown()
            button.setText(str(to_be_year(year) if language() == "th" else year))

    def reload(self) -> None:
        first = date(self.yearShown(), self.monthShown(), 1)
        last = QDate(first.year, first.month, 1).addMonths(1).addDays(-1).toPython()
        self.marks = {}
        for rep in reports_between(self.db, first, last):
            self.marks.setdefault(rep.day, {})[rep.shift] = rep
        self.updateCells()

    def paintCell(self, painter: QPainter, rect: QRect, qdate: QDate) -> None:  # noqa: N802
        super().paintCell(painter, rect, qdate)
        day = qdate.toPython()
        if qdate.month() != self.monthShown() or day > today():
            return
        painter.save()
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 0.8)
        painter.setFont(font)
        y = rect.bottom() - 4
        x = rect.left() + 4
        for shift in shifts(self.db, required_only=True):
            rep = self.marks.get(day, {}).get(shift.code)
            ok = rep is not None
            painter.setPen(DONE if ok and not rep.shortfall else (MISSING if not ok else
                                                                  QColor("#8a6d00")))  # fmt: skip
            label = f"{tr(f'shift.short.{shift.code}')} {'✓' if ok else '✗'}"
            painter.drawText(x, y, label)
            x += rect.width() // 2
        painter.restore()


class EventDialog(FormDialog):
    """One event of the report being typed. OK checks it: a time that is no time is
    refused beside the time, and every field stays as typed (nothing is saved until
    the report is signed)."""

    def __init__(
        self, parent: QWidget, hub: Hub, on_added: Callable[[EventInput], object], *,
        day: date, shift: Shift,
    ) -> None:  # fmt: skip
        # The report's day and shift: the time starts at now on the shift being worked
        # (else its start), and a time still to come is refused here, beside the field.
        self.day, self.shift = day, shift
        self.at = QLineEdit(default_event_time(day, shift).strftime("%H:%M"))
        self.at.setMaxLength(5)
        # Typed as the Thai layout types it (10.00, 1000, ๑๐.๐๐: finding 4), shown HH:MM.
        type_time_by_key(self.at)
        self.at.editingFinished.connect(self._show_time)
        self.place = QLineEdit()
        self.place.setMaxLength(PLACE_MAX)
        self.category = QComboBox()
        for code in CATEGORIES:
            self.category.addItem(as_label(category_name(code)), code)
        self.description = QLineEdit()
        self.description.setMaxLength(DESCRIPTION_MAX)
        # As the office writes amounts (1500, 1,500, 1500 บาท); the domain reads or refuses it.
        self.loss = QLineEdit()
        self.loss.setPlaceholderText("1,500")
        type_digits_by_key(self.loss)
        self.action = QLineEdit()
        self.action.setMaxLength(ACTION_MAX)
        fields = [
            ("event_time", tr("guard.time"), self.at),
            ("place", tr("guard.place"), self.place),
            ("category", tr("guard.category"), self.category),
            ("description", tr("guard.description"), self.description),
            ("loss_value", tr("guard.loss"), self.loss),
            ("action_taken", tr("guard.action"), self.action),
        ]
        super().__init__(
            parent,
            hub,
            tr("guard.add_event"),
            fields,
            lambda: on_added(self.event_input()),
            aliases={"time": "event_time", "at": "event_time"},
        )

    def _show_time(self) -> None:
        self.at.setText(time_shown(self.at.text()))

    def event_input(self) -> EventInput:
        """The event as typed, checked as the CSV import and sync files check it, and
        its moment as signing checks it."""
        event = validate_event(
            EventInput(self.at.text(), self.place.text(), self.category.currentData(),
                       self.description.text(), self.loss.text(), self.action.text())
        )  # fmt: skip
        moment_of(self.day, self.shift, event.at)
        return event


class GuardPage(QWidget):
    def __init__(self, db: Database, hub: Hub) -> None:
        super().__init__()
        self.db, self.hub = db, hub
        self.day = today()
        self.events: list[EventInput] = []
        self.shown: GuardReport | None = None
        # Forms typed but not yet signed, by (day, shift): another day or shift, or a
        # change elsewhere (a sync, a classification), reloads the form, and used to
        # throw away what the supervisor had typed. Kept while the window is open.
        self.unsigned: dict[tuple[date, str], tuple] = {}
        self.form_key: tuple[date, str] | None = None
        self.typed_by = current_actor(db).username  # whose unsigned forms those are
        self.dialog: FormDialog | None = None

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.calendar = ReportCalendar(db)
        self.calendar.setMinimumWidth(520)

        self.form_box = QGroupBox()
        # Said before any typing: this user may read the form but not sign it.
        self.rights_note = QLabel()
        self.rights_note.setObjectName("rightsNote")
        self.rights_note.setWordWrap(True)
        self.rights_note.setStyleSheet("color: #8a6d00; font-weight: bold")
        self.rights_note.hide()
        self.shift = QComboBox()
        self.supervisor = QLineEdit()
        self.supervisor.setMaxLength(SUPERVISOR_MAX)
        self.required = QSpinBox()
        self.required.setRange(0, HEADCOUNT_MAX)
        self.present = QSpinBox()
        self.present.setRange(0, HEADCOUNT_MAX)
        type_digits_by_key(self.required, self.present)
        self.shortfall = QLabel()
        self.posts = QLineEdit()
        self.patrols = QLineEdit()
        self.patrols.setPlaceholderText("10:00, 14:00")
        self.note = QLineEdit()
        self.note.setMaxLength(NOTE_MAX)
        self.events_table = QTableWidget(0, 5)
        self.events_table.verticalHeader().hide()
        self.events_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.events_table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.copy_button = QPushButton()
        self.add_event_button = QPushButton()
        self.sign_button = QPushButton()
        self.correct_button = QPushButton()
        self.form = QFormLayout()
        keys = ("shift", "supervisor", "required", "present", "posts", "patrols", "note")
        self.labels = {k: QLabel() for k in keys}
        self.form.addRow(self.labels["shift"], self.shift)
        self.form.addRow(self.labels["supervisor"], self.supervisor)
        self.form.addRow(self.labels["required"], self.required)
        heads = QHBoxLayout()
        heads.addWidget(self.present)
        heads.addWidget(self.shortfall, 1)
        self.form.addRow(self.labels["present"], heads)
        self.form.addRow(self.labels["posts"], self.posts)
        self.form.addRow(self.labels["patrols"], self.patrols)
        self.form.addRow(self.labels["note"], self.note)
        fv = QVBoxLayout(self.form_box)
        fv.addWidget(self.rights_note)
        fv.addWidget(self.copy_button)
        fv.addLayout(self.form)
        fv.addWidget(self.events_table)
        row = QHBoxLayout()
        row.addWidget(self.add_event_button)
        row.addStretch(1)
        row.addWidget(self.correct_button)
        row.addWidget(self.sign_button)
        fv.addLayout(row)
        fv.addWidget(self.status)

        self.month_box = QGroupBox()
        self.month_text = QLabel()
        self.month_text.setWordWrap(True)
        self.month_button = QPushButton()
        mv = QVBoxLayout(self.month_box)
        mv.addWidget(self.month_text)
        mv.addWidget(self.month_button)

        left = QVBoxLayout()
        left.addWidget(self.calendar, 2)
        left.addWidget(self.month_box, 1)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(self.form_box, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(body, 1)

        self.calendar.selectionChanged.connect(self._day_chosen)
        self.calendar.currentPageChanged.connect(lambda *_: self._show_month())
        self.shift.currentIndexChanged.connect(lambda _: self.load_day(self.day))
        self.required.valueChanged.connect(lambda _: self._show_shortfall())
        self.present.valueChanged.connect(lambda _: self._show_shortfall())
        self.copy_button.clicked.connect(self.copy_yesterday)
        self.add_event_button.clicked.connect(self._add_event)
        # clicked(bool) would hand `checked` (False) to sign()'s `supersedes`: stored as
        # '0', the report read as a correction, and every sync file carrying it refused.
        self.sign_button.clicked.connect(lambda: self.sign())
        self.correct_button.clicked.connect(self._correct)
        self.month_button.clicked.connect(self._mark_month)
        self.follow = reload_on(self, hub, Change.GUARD, self.refresh)
        hub.language_changed.connect(lambda _: self.retranslate())
        hub.signed_in.connect(self.signed_in)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("page.guard"))
        self.calendar.set_language()
        self.form_box.setTitle(tr("guard.form"))
        self.month_box.setTitle(tr("guard.month_check"))
        for key, label in self.labels.items():
            label.setText(tr(f"guard.{key}"))
        self.copy_button.setText(tr("guard.copy"))
        self.add_event_button.setText(tr("guard.add_event"))
        self.sign_button.setText(tr("guard.sign"))
        self.correct_button.setText(tr("guard.correct"))
        self.month_button.setText(tr("guard.mark_checked"))
        self.events_table.setHorizontalHeaderLabels(
            [tr("incidents.happened_on"), tr("guard.time"), tr("guard.place"),
             tr("guard.category"), tr("guard.description")]
        )  # fmt: skip
        self.shift.blockSignals(True)
        current = self.shift.currentData()
        self.shift.clear()
        for s in shifts(self.db):
            self.shift.addItem(as_label(s.name(language())), s.code)
        self.shift.setCurrentIndex(max(0, self.shift.findData(current)))
        self.shift.blockSignals(False)
        self.refresh()

    def signed_in(self) -> None:
        """Another person at the keyboard (Ctrl+L, the idle lock): the previous user's
        unsigned forms and events must not stay on screen for them."""
        who = current_actor(self.db).username
        if who != self.typed_by:
            self.typed_by = who
            self.unsigned.clear()
            self.shown = None
            self.form_key = None  # nothing on screen is kept for the new user
            self.events = []
        self.load_day(self.day)

    def focus_main(self) -> None:
        self.calendar.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def refresh(self) -> None:
        self.calendar.reload()
        self._show_month()
        self.load_day(self.day)

    def _day_chosen(self) -> None:
        self.load_day(self.calendar.selectedDate().toPython())

    def load_day(self, day: date) -> None:
        """Show the day's signed report for the shift, or the form to fill and sign
        (as it was left, if it was typed in and not signed)."""
        self._keep_unsigned()
        self.day = day
        # The calendar starts on Qt's idea of today (the system clock, not Bangkok's day):
        # it always shows the day whose form is open.
        if self.calendar.selectedDate().toPython() != day:
            self.calendar.blockSignals(True)
            self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
            self.calendar.blockSignals(False)
            self.calendar.reload()
            self.calendar.show_year()
            self._show_month()
        shift = self.shift.currentData() or "day"
        self.form_key = (day, shift)
        rep = current_report(self.db, day, shift)
        self.shown = rep
        self.form_box.setTitle(tr("guard.form_for", day=format_date(day, language())))
        # The line says what the form is, in plain text: a refusal's red stayed on it, and
        # "signed by ..." right after signing read as an error (seen under Xvfb).
        self.status.setStyleSheet("")
        if rep is None:
            required = next(
                (s.required_guards for s in shifts(self.db) if s.code == self.shift.currentData()),
                0,
            )
            kept = self.unsigned.get(self.form_key)
            self._fill(*(kept or ("", required, required, [], [], "", [])))
            self.status.setText(tr("guard.not_reported") if day <= today() else "")
        else:
            events = [
                EventInput(e.at, e.place, e.category, e.description, e.loss_value,
                           e.action_taken, e.counts, e.reason)
                for e in rep.events
            ]  # fmt: skip
            self._fill(rep.supervisor, rep.required, rep.present, list(rep.posts),
                       list(rep.patrols), rep.note, events)  # fmt: skip
            self.status.setText(tr("guard.signed_by", name=rep.supervisor))
        self._update_buttons()

    def _keep_unsigned(self) -> None:
        """Remember the form on screen if it is unsigned and something was typed in it."""
        if self.form_key is None or self.shown is not None:
            return
        f = self._fields()
        values = (self.supervisor.text(), self.required.value(), self.present.value(),
                  f["posts_covered"], f["patrols"], f["note"], f["events"])  # fmt: skip
        typed = any((values[0].strip(), *values[3:])) or values[1] != values[2]
        if typed:
            self.unsigned[self.form_key] = values
        else:
            self.unsigned.pop(self.form_key, None)

    def unsigned_forms(self) -> list[tuple[date, str]]:
        """The forms typed in and not signed (the one on screen too), oldest first: kept
        only while the window is open, so closing it asks first (new-user finding 6)."""
        self._keep_unsigned()
        return sorted(self.unsigned)

    def open_form(self, day: date, shift: str) -> None:
        """Show the form of `day` and `shift`, as it was left."""
        self._keep_unsigned()
        self.shift.blockSignals(True)
        self.shift.setCurrentIndex(max(0, self.shift.findData(shift)))
        self.shift.blockSignals(False)
        self.form_key = None  # what is on screen was kept just now
        self.load_day(day)

    def _fill(self, supervisor, required, present, posts, patrols, note, events) -> None:
        self.supervisor.setText(supervisor)
        self.required.setValue(required)
        self.present.setValue(present)
        self.posts.setText(", ".join(posts))
        self.patrols.setText(", ".join(patrols))
        self.note.setText(note)
        self.events = list(events)
        self._show_events()
        self._show_shortfall()

    def _show_events(self) -> None:
        """Each event with the day it happened: on a night report, the next day after
        midnight (DOMAIN.md 7), as it will be stored and counted."""
        shift = get_shift(self.db, self.shift.currentData() or "day")
        self.events_table.setRowCount(len(self.events))
        for r, ev in enumerate(self.events):
            day = format_date(shift.day_of(self.day, ev.at), language())
            category = as_label(category_name(ev.category))
            row = (day, ev.at.strftime("%H:%M"), ev.place, category, ev.description)
            for c, text in enumerate(row):
                self.events_table.setItem(r, c, QTableWidgetItem(text))

    def _show_shortfall(self) -> None:
        short = self.required.value() - self.present.value()
        if short > 0:
            self.shortfall.setText(tr("guard.shortfall", n=short))
            self.shortfall.setStyleSheet("color: #b3261e; font-weight: bold")
            self.present.setStyleSheet("background: #fde2df")
        else:
            self.shortfall.setText("")
            self.present.setStyleSheet("")

    def _update_buttons(self) -> None:
        signed = self.shown is not None
        may = current_actor(self.db).may("guard.report")
        permit(self.sign_button, self.db, "guard.report", ready=not signed and self.day <= today())
        permit(self.correct_button, self.db, "guard.report", ready=signed)
        permit(self.add_event_button, self.db, "guard.report", ready=not signed)
        permit(self.copy_button, self.db, "guard.report", ready=not signed)
        # A form this user may not sign is read-only, and says so at the top.
        for w in (self.supervisor, self.required, self.present, self.posts, self.patrols,
                  self.note):  # fmt: skip
            w.setEnabled(may and not signed)
        self.rights_note.setText(
            "" if may else tr("win.guard.cannot_sign", roles=roles_that_may("guard.report"))
        )
        self.rights_note.setVisible(not may)
        permit(self.month_button, self.db, "guard.month_check")

    def copy_yesterday(self) -> None:
        data = copy_previous_report(self.db, self.day, self.shift.currentData())
        if data is None:
            self.status.setStyleSheet("")
            self.status.setText(tr("guard.nothing_to_copy"))
            return
        self._fill(data["supervisor"], data["required"], data["present"], data["posts_covered"],
                   data["patrols"], "", [])  # fmt: skip
        self.status.setStyleSheet("")
        self.status.setText(tr("guard.copied"))

    def _add_event(self) -> EventDialog:
        def add(event: EventInput) -> None:
            self.events.append(event)
            self._show_events()

        shift = get_shift(self.db, self.shift.currentData() or "day")
        self.dialog = EventDialog(self, self.hub, add, day=self.day, shift=shift)
        self.dialog.open()
        return self.dialog

    def _fields(self) -> dict:
        return {
            "posts_covered": [p.strip() for p in self.posts.text().split(",") if p.strip()],
            "patrols": [p.strip() for p in self.patrols.text().split(",") if p.strip()],
            "note": self.note.text(),
            "events": self.events,
        }

    def _save(self, supersedes: str | None, reason: str) -> GuardReport:
        rep = save_report(
            self.db, self.day, self.shift.currentData(), self.supervisor.text(),
            self.required.value(), self.present.value(), supersedes=supersedes,
            reason=reason, **self._fields(),
        )  # fmt: skip
        # Signed: nothing left to keep, and the reload that follows must not keep it again.
        self.unsigned.pop((rep.day, rep.shift), None)
        self.shown = rep
        return rep

    def sign(self, supersedes: str | None = None, reason: str = "") -> GuardReport | None:
        clear(self.status)
        result = ops.run(
            self,
            self.hub,
            lambda: self._save(supersedes, reason),
            changes=Change.GUARD,
            # An event's refusal names the event itself: "field event_time" named none.
            errors=lambda e: say_error(self.status, e, beside_field=e.field == "event_time"),
        )
        return result.value if result else None

    def _correct(self) -> FormDialog | None:
        """A correction of the signed report on screen: the reason asked first (an empty
        one is refused beside the field), then the corrected report is signed."""
        if self.shown is None:
            return None
        old = self.shown

        # The domain refuses an empty reason before anything is written.
        self.dialog = ask_text(self, self.hub, tr("guard.correct"), tr("correct.reason"),
                               lambda reason: self._save(old.uuid, reason),
                               changes=Change.GUARD)  # fmt: skip
        return self.dialog

    def _show_month(self) -> None:
        year, month = self.calendar.yearShown(), self.calendar.monthShown()
        check = month_check(self.db, year, month)
        cats = ", ".join(f"{category_name(c)} {n}" for c, n in check.by_category.items() if n)
        text = tr("guard.month_text", month=format_month(year, month, language()),
                  reported=check.reported, required=check.required_reports,
                  shortfall=check.shortfall, events=cats or "-")  # fmt: skip
        if check.checked_by:
            text += "\n" + tr("guard.month_checked", by=check.checked_by, note=check.note)
        self.month_text.setText(text)

    def _mark_month(self) -> FormDialog:
        """The month's check with a note; the button is greyed for those who may not."""
        year, month = self.calendar.yearShown(), self.calendar.monthShown()
        self.dialog = ask_text(
            self, self.hub, tr("guard.mark_checked"), tr("guard.month_note"),
            lambda note: mark_month_checked(self.db, year, month, note), field="note",
            changes=Change.GUARD, intro=format_month(year, month, language()),
        )  # fmt: skip
        return self.dialog
