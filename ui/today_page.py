"""Today page (the first page): what is due, overdue or waiting, each line a way to act."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget
from sqlite_utils import Database

from core.calendar import fiscal_year, format_date, today
from core.i18n import language, tr
from core.plan import plan_for_year
from inspection.actions import list_actions
from inspection.indicator import active_points
from inspection.rounds import deciding_rounds, open_drafts
from security.indicator import events_of_year
from security.reports import missing_reports
from ui.hub import Hub
from ui.ops import Change, reload_on

OVERDUE = QColor("#b3261e")
DONE = QColor("#2e6b3a")
HEADING = QColor("#1f3a5f")


class TodayPage(QWidget):
    def __init__(self, db: Database, hub: Hub) -> None:
        super().__init__()
        self.db, self.hub = db, hub
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.items = QListWidget()
        self.items.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.items, 1)
        self.items.itemActivated.connect(self._open)
        self.items.itemDoubleClicked.connect(self._open)
        self.follow = reload_on(self, hub, Change.RECORDS, self.reload)
        hub.language_changed.connect(lambda _: self.reload())
        self.reload()

    def _add(self, text: str, target: tuple[str, str], overdue: bool = False) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, target)
        if overdue:
            item.setForeground(OVERDUE)
        self.items.addItem(item)
        return item

    def _heading(self, text: str) -> None:
        item = QListWidgetItem(text)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        # Enabled (a disabled item is drawn grey, hard to read) but not selectable.
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        item.setForeground(HEADING)
        self.items.addItem(item)

    def reload(self) -> None:
        lang = language()
        now = today()
        fy = fiscal_year(now)
        self.title.setText(tr("today.title", date=format_date(now, lang)))
        self.items.clear()

        self._heading(tr("today.plan"))
        for step in plan_for_year(self.db, fy):
            if step.done_date is not None:
                # This month's steps are listed done or not, as the issue asks.
                if now.month in step.months:
                    item = self._add(tr("ind.today_step_done", project=step.project,
                                        no=step.step_no, title=step.title(lang),
                                        day=format_date(step.done_date, lang)),
                                     ("plan_step", step.uuid))  # fmt: skip
                    item.setForeground(DONE)
                continue
            late = step.months and all(
                _month_index(m) < _month_index(now.month) for m in step.months
            )
            if now.month in step.months or late:
                key = "today.step_overdue" if late else "today.step_due"
                self._add(tr(key, project=step.project, no=step.step_no, title=step.title(lang)),
                          ("plan_step", step.uuid), overdue=bool(late))  # fmt: skip

        deciding = deciding_rounds(self.db, fy)
        unchecked = [p.code for p in active_points(self.db, fy) if p.id not in deciding]
        self._heading(tr("today.unchecked", n=len(unchecked)))
        # A round begun and not finished (the app closed, a call came) is taken up, not
        # started again.
        drafts = {d.point_code: d.uuid for d in open_drafts(self.db)}
        for code in unchecked:
            if code in drafts:
                self._add(tr("today.point_in_progress", code=code), ("open_round", drafts[code]))
            else:
                self._add(tr("today.point_unchecked", code=code), ("round", code))

        late_actions = [a for a in list_actions(self.db, open_only=True)
                        if a.due_date is not None and a.due_date < now]  # fmt: skip
        self._heading(tr("today.actions", n=len(late_actions)))
        for a in late_actions:
            self._add(tr("today.action_late", code=a.point_code, item=a.item_no, what=a.what,
                         due=format_date(a.due_date, lang)), ("point", a.point_code),
                      overdue=True)  # fmt: skip

        # The last 31 days, not this calendar month: on 1 October the reports missing at
        # the end of September (the year's evidence) must still show.
        missing = missing_reports(self.db, now - timedelta(days=31), now - timedelta(days=1))
        self._heading(tr("today.missing", n=len(missing)))
        for day, shift in missing:
            self._add(tr("today.report_missing", day=format_date(day, lang),
                         shift=tr(f"shift.{shift}")), ("page", "guard"), overdue=True)  # fmt: skip

        pending = [e for e in events_of_year(self.db, fy) if e.status == "pending"]
        self._heading(tr("today.pending", n=len(pending)))
        for e in pending:
            self._add(tr("today.event_pending", day=format_date(e.day, lang),
                         what=e.description), ("page", "incidents"))  # fmt: skip

    def focus_main(self) -> None:
        """The list, on its first line one can act on: Enter opens it."""
        self.items.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.items.currentRow() < 0:
            for row in range(self.items.count()):
                if self.items.item(row).flags() & Qt.ItemFlag.ItemIsSelectable:
                    self.items.setCurrentRow(row)
                    break

    def _open(self, item: QListWidgetItem) -> None:
        target = item.data(Qt.ItemDataRole.UserRole)
        if not target:
            return
        kind, value = target
        if kind == "round":
            self.hub.start_round.emit(value)
        elif kind == "open_round":
            self.hub.open_round.emit(value)
        elif kind == "point":
            self.hub.open_point.emit(value)
        elif kind == "plan_step":
            # The page first (it may be built only now), then the step on it.
            self.hub.open_page.emit("plan")
            self.hub.open_plan_step.emit(value)
        else:
            self.hub.open_page.emit(value)


def _month_index(month: int) -> int:
    """Position of a month in the fiscal year: October is 0, September 11."""
    return (month - 10) % 12
