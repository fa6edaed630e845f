"""Round page: a checklist round typed with one hand in a corridor.

Choose the point by typing its code (`101`, `f101` or `F1-01` select F1-01 at
once), then one digit 0-4 per item moves to the next; Backspace or Up goes
back, N writes a note, Ctrl+Enter finalizes and Enter confirms. A round of 20
items takes 25 keystrokes. Every score is saved at once as a draft, so a
round survives the app being killed. Digits follow the physical keys, so the
same keys work with the Thai (Kedmanee) layout on (ui.widgets.keys).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core.calendar import format_datetime
from core.errors import SalaError
from core.i18n import language, tr
from core.settings import get_setting, set_setting
from core.users import current_actor
from inspection.points import Point, list_points, normalise_code
from inspection.rounds import (
    Finalized,
    Round,
    correct_round,
    discard_draft,
    finalize,
    get_round,
    open_drafts,
    set_item_note,
    set_score,
    start_draft,
)
from inspection.standard import Judgement, Standard, current_standard, standard_by_id
from ui import ops
from ui.hub import Hub
from ui.ops import Change, reload_on
from ui.widgets.elided import ElidedLabel
from ui.widgets.forms import FormDialog, ask_text
from ui.widgets.keys import digit_of, is_letter, latin_code
from ui.widgets.messages import clear, confirm, say_done, say_error
from ui.widgets.rights import only_for, permit

# A note in the checklist shows this much (the whole note is the cell's tooltip): a
# 5,000-character note made its row taller than the table.
NOTE_SHOWN = 60
SCORE_COLOURS = {0: "#b3261e", 1: "#b3261e", 2: "#8a6d00", 3: "#2d6a4f", 4: "#1b7f3b"}
# Before the first score there is no draft to judge: no total, outside the band (a
# standard's pass total is at least 1, check_standard), nothing failing, nothing decided.
NOTHING_TYPED = Judgement(total=0, passed=False, failed_items=(), in_band=False)


class _Keys(QObject):
    """Event filter on the checklist: digits score, arrows move, N notes."""

    def __init__(self, page: RoundPage) -> None:
        super().__init__(page)
        self.page = page

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self.page.handle_key(event)
        return False


class _CodeKeys(QObject):
    """Event filter on the point code: the digit row types digits whatever the layout
    (ๅ จ ๅ on the Kedmanee layout is 1 0 1)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and isinstance(obj, QLineEdit)
            and not event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            digit = digit_of(event, in_code=True)
            if digit is not None and event.text() != str(digit):
                obj.insert(str(digit))
                obj.textEdited.emit(obj.text())
                return True
        return False


def short_note(note: str) -> str:
    """The first line of a note, cut to NOTE_SHOWN characters."""
    first = note.strip().splitlines()[0] if note.strip() else ""
    cut = first[:NOTE_SHOWN]
    return cut + ("…" if len(cut) < len(note.strip()) else "")


class RoundPage(QWidget):
    finalized = Signal(str)

    def __init__(self, db: Database, hub: Hub) -> None:
        super().__init__()
        self.db, self.hub = db, hub
        self.points: dict[str, Point] = {}
        self.point: Point | None = None
        self.round: Round | None = None
        self.standard: Standard = current_standard(db)
        self.scores: list[int | None] = [None] * len(self.standard.items)
        self.current = 0
        self.confirming = False

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.code_label = QLabel()
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("101 / F1-01")
        self.code_edit.setMaxLength(8)
        self.code_edit.setFixedWidth(140)
        self.code_edit.installEventFilter(_CodeKeys(self))
        self.dialog: FormDialog | None = None
        self.point_combo = QComboBox()
        self.point_combo.setMinimumWidth(320)
        self.inspector_label = QLabel()
        self.inspector_edit = QLineEdit(get_setting(db, "last_inspector", "") or "")
        self.inspector_edit.setFixedWidth(220)
        # Elided: a correction's reason on this line widened the window past the screen.
        self.when_label = ElidedLabel()

        self.table = QTableWidget(0, 4)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        # Rows follow their wrapped text whenever the columns change width.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(3, 220)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.installEventFilter(_Keys(self))

        self.total_label = QLabel()
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 2.4)
        big.setBold(True)
        self.total_label.setFont(big)
        self.band_label = QLabel()
        # "ไม่ผ่าน: ข้อ 11 ได้ต่ำกว่า 2 ..." is longer than the panel. (Qt's own breaks: the
        # word list of ThaiLabel would load the PDF stack before the window's first paint.)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        result_font = QFont(self.font())
        result_font.setPointSizeF(result_font.pointSizeF() * 1.5)
        result_font.setBold(True)
        self.result_label.setFont(result_font)
        self.failing_label = QLabel()
        self.failing_label.setWordWrap(True)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.confirm_label = QLabel()
        self.confirm_label.setObjectName("confirmBar")
        self.confirm_label.setWordWrap(True)
        self.confirm_label.hide()
        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.hint_label.setObjectName("hint")

        self.finalize_button = QPushButton()
        self.discard_button = QPushButton()
        self.correct_button = QPushButton()
        self.new_button = QPushButton()

        top = QGridLayout()
        top.addWidget(self.code_label, 0, 0)
        top.addWidget(self.code_edit, 0, 1)
        top.addWidget(self.point_combo, 0, 2)
        top.addWidget(self.inspector_label, 0, 3)
        top.addWidget(self.inspector_edit, 0, 4)
        top.addWidget(self.when_label, 0, 5)
        top.setColumnStretch(5, 1)  # the when line takes the rest, elided

        side = QFrame()
        side.setObjectName("scorePanel")
        side.setFixedWidth(300)
        sv = QVBoxLayout(side)
        sv.addWidget(self.total_label)
        sv.addWidget(self.band_label)
        sv.addWidget(self.result_label)
        sv.addWidget(self.failing_label)
        sv.addStretch(1)
        sv.addWidget(self.status_label)
        sv.addWidget(self.hint_label)
        sv.addWidget(self.finalize_button)
        sv.addWidget(self.discard_button)
        sv.addWidget(self.correct_button)
        sv.addWidget(self.new_button)

        middle = QHBoxLayout()
        middle.addWidget(self.table, 1)
        middle.addWidget(side)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(self.confirm_label)
        layout.addLayout(middle, 1)

        self.code_edit.textEdited.connect(self._code_typed)
        self.code_edit.returnPressed.connect(self._code_entered)
        self.point_combo.activated.connect(self._combo_picked)
        self.inspector_edit.editingFinished.connect(self._remember_inspector)
        self.table.currentCellChanged.connect(lambda row, *_: self._move_to(row))
        self.table.cellDoubleClicked.connect(
            lambda row, col: self.edit_note() if col == 3 else None
        )
        self.finalize_button.clicked.connect(self.request_finalize)
        self.discard_button.clicked.connect(self._discard)
        self.correct_button.clicked.connect(self._correct)
        self.new_button.clicked.connect(self.new_round)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.request_finalize)
        hub.start_round.connect(self.begin_at)
        hub.open_round.connect(self.show_round)
        hub.language_changed.connect(lambda _: self.retranslate())
        hub.signed_in.connect(self._refresh)
        self.follow = reload_on(self, hub, Change.POINTS, self._load_points)

        self._load_points()
        self.retranslate()
        drafts = open_drafts(db)
        if drafts:
            self.show_round(drafts[0].uuid)

    # --- texts -----------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(tr("page.round"))
        self.code_label.setText(tr("round.point_code"))
        self.inspector_label.setText(tr("round.inspector"))
        self.table.setHorizontalHeaderLabels(
            [tr("col.no"), tr("col.item"), tr("col.score"), tr("col.note")]
        )
        self.hint_label.setText(tr("win.round.hint"))
        self.finalize_button.setText(tr("round.finalize"))
        self.discard_button.setText(tr("round.discard"))
        self.correct_button.setText(tr("restrooms.correct"))
        self.new_button.setText(tr("round.new"))
        self._fill_combo()
        self._fill_table()
        self._refresh()

    def _load_points(self) -> None:
        self.points = {p.code: p for p in list_points(self.db)}
        self._fill_combo()

    def _fill_combo(self) -> None:
        self.point_combo.blockSignals(True)
        self.point_combo.clear()
        self.point_combo.addItem(tr("round.pick_point"), None)
        for code, p in self.points.items():
            self.point_combo.addItem(f"{code}  {p.name(language())}", code)
        if self.point is not None:
            self.point_combo.setCurrentIndex(max(0, self.point_combo.findData(self.point.code)))
        self.point_combo.blockSignals(False)

    def _fill_table(self) -> None:
        lang = language()
        items = self.standard.items
        self.table.setRowCount(len(items))
        notes = self.round.notes if self.round else {}
        for row, item in enumerate(items):
            self.table.setItem(row, 0, QTableWidgetItem(str(item.no)))
            self.table.setItem(row, 1, QTableWidgetItem(item.text(lang)))
            score = self.scores[row]
            cell = QTableWidgetItem("" if score is None else str(score))
            cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if score is not None:
                cell.setForeground(QColor(SCORE_COLOURS[score]))
                bold = QFont(self.font())
                bold.setBold(True)
                cell.setFont(bold)
            self.table.setItem(row, 2, cell)
            self.table.setItem(row, 3, self._note_cell(notes.get(item.no, "")))
        if items:
            self.table.setCurrentCell(min(self.current, len(items) - 1), 1)

    @staticmethod
    def _note_cell(note: str) -> QTableWidgetItem:
        cell = QTableWidgetItem(short_note(note))
        cell.setToolTip(note)
        return cell

    # --- choosing the point ----------------------------------------------------------

    def _code_typed(self, text: str) -> None:
        code = normalise_code(latin_code(text))
        if code and code in self.points:
            clear(self.status_label)
            self.begin_at(code)
        elif code:
            # A whole code, of no point here (999): said at once, not only at Enter.
            self._unknown_code(text)

    def _unknown_code(self, text: str) -> None:
        code = normalise_code(latin_code(text)) or text.strip()
        first, last = (min(self.points), max(self.points)) if self.points else ("-", "-")
        self.status_label.setStyleSheet("color: #b3261e")
        self.status_label.setText(tr("win.round.unknown_code", code=code, first=first, last=last))

    def _code_entered(self) -> None:
        code = normalise_code(latin_code(self.code_edit.text()))
        if code is None or code not in self.points:
            self._unknown_code(self.code_edit.text())
            return
        self.begin_at(code)

    def _combo_picked(self) -> None:
        code = self.point_combo.currentData()
        if code:
            self.begin_at(code)

    def _remember_inspector(self) -> None:
        name = self.inspector_edit.text().strip()
        if name and name != get_setting(self.db, "last_inspector"):
            set_setting(self.db, "last_inspector", name)

    def begin_at(self, code: str) -> None:
        """Open the point's draft if one is waiting, else an empty round (saved at first key)."""
        drafts = [d for d in open_drafts(self.db) if d.point_code == code]
        if drafts:
            self.show_round(drafts[0].uuid)
        else:
            self._empty_round(self.points.get(code))
        self.table.setFocus()

    def show_round(self, round_uuid: str) -> None:
        found = ops.run(self, self.hub, lambda: get_round(self.db, round_uuid))
        if not found or found.value is None:
            return
        rnd = self.round = found.value
        self.point = self.points.get(rnd.point_code)
        self.standard = standard_by_id(self.db, rnd.standard_id)
        self.scores = list(rnd.scores)
        self.current = (rnd.next_unscored or len(self.scores)) - 1 if not rnd.is_final else 0
        self.confirming = False
        self._after_load()
        self.table.setFocus()

    def _empty_round(self, point: Point | None) -> None:
        """An unsaved round at `point` against the current standard (saved at the first key)."""
        self.point = point
        self.round = None
        self.standard = current_standard(self.db)
        self.scores = [None] * len(self.standard.items)
        self.current = 0
        self.confirming = False
        self._after_load()

    def new_round(self) -> None:
        self._empty_round(None)
        self.code_edit.clear()
        self.code_edit.setFocus()

    def focus_entry(self) -> None:
        """Put the keys where the next one belongs: a round being typed takes digits,
        otherwise the point code does (a keyboard user cannot click the field)."""
        if self.editable:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.code_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            # Selected, so that typing the next code replaces the one shown.
            self.code_edit.selectAll()

    focus_main = focus_entry

    def _after_load(self) -> None:
        if self.point is not None:
            self.code_edit.setText(self.point.code)
        self._fill_combo()
        self._fill_table()
        self._refresh()

    # --- typing the round ------------------------------------------------------------

    @property
    def editable(self) -> bool:
        return self.point is not None and (self.round is None or not self.round.is_final)

    def handle_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if self.confirming:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not mods:
                self.finalize()
            elif is_letter(event, "y") and not mods:
                self.finalize()
            else:
                self.cancel_confirm()
            return True
        if mods & Qt.KeyboardModifier.ControlModifier:
            # Ctrl+Enter is also a page shortcut; this catches it when the window is not
            # the active one (the shortcut then does not fire and the key reaches us).
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.request_finalize()
                return True
            return False
        digit = digit_of(event)
        if digit is not None and digit <= self.standard.max_score:
            self.score(digit)
            return True
        if digit is not None:
            self._say(tr("round.score_range"), error=True)
            return True
        if key in (Qt.Key.Key_Backspace, Qt.Key.Key_Up):
            self._move_to(self.current - 1)
            return True
        if key == Qt.Key.Key_Down:
            self._move_to(self.current + 1)
            return True
        if key == Qt.Key.Key_F2 or (
            is_letter(event, "n") and not mods & ~Qt.KeyboardModifier.ShiftModifier
        ):
            self.edit_note()
            return True
        text = event.text()
        if text and text.isprintable() and not text.isspace():
            # A key this page has no use for says so, instead of doing nothing.
            self._say(tr("win.round.key_unused", key=text), error=True)
            return True
        return False

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status_label.setStyleSheet("color: #b3261e" if error else "")
        self.status_label.setText(text)

    def _move_to(self, row: int) -> None:
        row = max(0, min(row, len(self.scores) - 1))
        if row != self.current:
            self.current = row
        if self.table.currentRow() != row:
            self.table.setCurrentCell(row, 1)

    def _ensure_draft(self) -> bool:
        if self.round is not None:
            return True
        if self.point is None:
            self._say(tr("round.choose_point_first"), error=True)
            self.code_edit.setFocus()
            return False
        self._remember_inspector()
        code, inspector = self.point.code, self.inspector_edit.text()
        started = ops.run(self, self.hub, lambda: start_draft(self.db, code, inspector),
                          changes=Change.ROUNDS, errors=self._refused)  # fmt: skip
        if not started:
            if started.error is not None and started.error.field == "inspector":
                self.inspector_edit.setFocus()
            return False
        self.round = started.value
        return True

    def _refused(self, error: SalaError) -> None:
        say_error(self.status_label, error)

    def score(self, value: int) -> None:
        if not self.editable:
            self._say(tr("round.read_only") if self.point else tr("round.choose_point_first"),
                      error=True)  # fmt: skip
            return
        if not self._ensure_draft():
            return
        assert self.round is not None
        uuid, no = self.round.uuid, self.current + 1
        # A draft is not a change other pages show (they show final rounds): no reload.
        scored = ops.run(self, self.hub, lambda: set_score(self.db, uuid, no, value),
                         errors=self._refused)  # fmt: skip
        if not scored:
            return
        self.round = scored.value
        self.scores = list(self.round.scores)
        self._paint_score(self.current)
        clear(self.status_label)
        if self.current < len(self.scores) - 1:
            self._move_to(self.current + 1)
        self._refresh()

    def _paint_score(self, row: int) -> None:
        score = self.scores[row]
        cell = self.table.item(row, 2)
        if cell is None:
            return
        cell.setText("" if score is None else str(score))
        if score is not None:
            cell.setForeground(QColor(SCORE_COLOURS[score]))
            bold = QFont(self.font())
            bold.setBold(True)
            cell.setFont(bold)

    def edit_note(self, text: str | None = None) -> None:
        """Ask for the current item's note (or set `text` directly, as tests do)."""
        if not self.editable or not self._ensure_draft():
            return
        assert self.round is not None
        no = self.current + 1
        if text is None:
            text, ok = QInputDialog.getText(
                self, tr("round.note_title", no=no), tr("round.note_prompt"),
                text=self.round.notes.get(no, ""),
            )  # fmt: skip
            if not ok:
                return
        uuid = self.round.uuid
        noted = ops.run(self, self.hub, lambda: set_item_note(self.db, uuid, no, text))
        if not noted:
            return
        self.round = noted.value
        self.table.setItem(self.current, 3, self._note_cell(self.round.notes.get(no, "")))
        self.table.setFocus()

    # --- finishing -------------------------------------------------------------------

    def request_finalize(self) -> None:
        if not self.editable or self.round is None:
            self._say(tr("round.nothing_to_finalize"), error=True)
            return
        missing = [i + 1 for i, s in enumerate(self.scores) if s is None]
        if missing:
            self._say(tr("round.missing", items=", ".join(str(n) for n in missing)), error=True)
            self._move_to(missing[0] - 1)
            return
        verdict = self.round.verdict
        self.confirming = True
        result = tr("state.passed" if verdict.passed else "state.failed")
        self.confirm_label.setText(tr("round.confirm", total=verdict.total, result=result))
        self.confirm_label.show()
        self.table.setFocus()

    def cancel_confirm(self) -> None:
        self.confirming = False
        self.confirm_label.hide()

    def finalize(self) -> Finalized | None:
        assert self.round is not None
        self.cancel_confirm()
        uuid = self.round.uuid
        done = ops.run(self, self.hub, lambda: finalize(self.db, uuid),
                       changes=Change.ROUNDS | Change.ACTIONS)  # fmt: skip
        if not done or done.value is None:
            return None
        final = done.value.round
        self.round = final
        say_done(self.status_label, self.saved_text(done.value))
        self._refresh()
        # The saved round stays in view; the next key begins the next point's code.
        self.focus_entry()
        self.finalized.emit(final.uuid)
        return done.value

    @staticmethod
    def saved_text(done: Finalized) -> str:
        """What saving did: the verdict, and the corrective actions it opened, kept or
        closed (a failed round opens actions: the inspector is told)."""
        rnd, acts = done.round, done.actions
        lines = [tr("win.round.saved", code=rnd.point_code,
                    result=tr("state.passed" if rnd.passed else "state.failed"))]  # fmt: skip
        if acts.opened:
            lines.append(tr("win.round.actions_opened", n=len(acts.opened),
                            items=", ".join(map(str, acts.opened))))  # fmt: skip
        if acts.carried:
            lines.append(tr("win.round.actions_carried", items=", ".join(map(str, acts.carried))))
        if acts.resolved:
            lines.append(tr("win.round.actions_resolved",
                            items=", ".join(map(str, acts.resolved))))  # fmt: skip
        return "\n".join(lines)

    def _discard(self) -> bool:
        """Throw the draft away, after asking when items were already scored."""
        if self.round is None or self.round.is_final:
            return False
        scored = sum(1 for s in self.round.scores if s is not None)
        if scored and not confirm(self, tr("win.round.discard_confirm", code=self.round.point_code,
                                           n=scored), tr("round.discard")):  # fmt: skip
            self.focus_entry()
            return False
        uuid = self.round.uuid
        if not ops.run(self, self.hub, lambda: discard_draft(self.db, uuid), changes=Change.ROUNDS):
            return False
        self.new_round()
        return True

    def _correct(self) -> FormDialog | None:
        """Ask the reason for a correction of the final round on screen; an empty reason
        is refused beside the field and the dialog stays."""
        if self.round is None or not self.round.is_final:
            return None
        rnd = self.round
        self.dialog = ask_text(
            self, self.hub, tr("restrooms.correct"), tr("correct.reason"), self._start_correction,
            changes=Change.ROUNDS, done=lambda draft: self.show_round(draft.uuid),
            intro=tr("win.correct.intro", code=rnd.point_code, total=rnd.total),
        )  # fmt: skip
        return self.dialog

    def _start_correction(self, reason: str) -> Round:
        assert self.round is not None
        return correct_round(self.db, self.round.uuid, reason, self.inspector_edit.text())

    def correct(self, reason: str) -> bool:
        """Start a correction with `reason` (what the dialog's OK does)."""
        dialog = self._correct()
        if dialog is None:
            return False
        dialog.edit.setText(reason)  # type: ignore[attr-defined]
        return dialog.try_accept()

    # --- the score panel -------------------------------------------------------------

    def _refresh(self) -> None:
        scored = [s for s in self.scores if s is not None]
        std = self.standard
        # The round's own verdict (the standard's one rule) on what is typed so far: the
        # band from the typed items' total; an untyped item is not failing until typed.
        verdict = self.round.verdict if self.round is not None else NOTHING_TYPED
        total, in_band = verdict.total, verdict.in_band
        self.total_label.setText(f"{total} / {std.max_total}")
        self.band_label.setText(
            tr("round.band_in" if in_band else "round.band_out", low=std.pass_total,
               high=std.max_total)
        )  # fmt: skip
        failing = [no for no in verdict.failed_items if self.scores[no - 1] is not None]
        # Green only when the band is what decides: a total in the band beside a red
        # "failed" read as a contradiction; the result then says why it fails.
        green = in_band and not failing
        self.band_label.setStyleSheet(f"color: {'#1b7f3b' if green else '#7a6a00'}")
        if len(scored) == len(self.scores):
            passed = verdict.passed
            text = tr("state.passed" if passed else "state.failed")
            if not passed and failing:
                text = tr("win.round.fails_on_items", items=", ".join(map(str, failing)),
                          min=std.item_min)  # fmt: skip
            elif not passed:
                text = tr("win.round.fails_on_total", low=std.pass_total)
            self.result_label.setText(text)
            self.result_label.setStyleSheet(f"color: {'#1b7f3b' if passed else '#b3261e'}")
        else:
            remaining = len(self.scores) - len(scored)
            self.result_label.setText(tr("round.remaining", n=remaining))
            self.result_label.setStyleSheet("")
        self.failing_label.setText(
            tr("round.failing", items=", ".join(map(str, failing)), min=std.item_min)
            if failing
            else ""
        )
        rnd = self.round
        if rnd is not None:
            status = tr(f"status.{rnd.status}")
            when = f"{format_datetime(rnd.inspected_at, language())} · {status}"
            if rnd.supersedes:
                # A correction says so, and why, while it is typed and after.
                when += " · " + tr("win.round.correcting", reason=rnd.reason)
            self.when_label.setText(when)
        else:
            self.when_label.setText(tr("round.not_started") if self.point else "")
        permit(self.finalize_button, self.db, "rounds.record",
               ready=self.editable and rnd is not None)  # fmt: skip
        # Who may not record rounds (a guard supervisor) is told before typing, not after.
        may = current_actor(self.db).may("rounds.record")
        self.hint_label.setText(tr("win.round.hint") if may else only_for("rounds.record"))
        self.hint_label.setStyleSheet("" if may else "color: #8a6d00; font-weight: bold")
        permit(self.discard_button, self.db, "rounds.record",
               ready=rnd is not None and not rnd.is_final)  # fmt: skip
        permit(self.correct_button, self.db, "rounds.correct",
               ready=rnd is not None and rnd.is_final and rnd.superseded_by is None)  # fmt: skip
