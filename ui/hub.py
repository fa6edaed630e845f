"""One application-wide object that tells screens what changed (STYLE.md, after Anki).

Screens never call each other to refresh: an action emits `changed(kind)` and
every screen that shows that kind reloads.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QWidget


class Hub(QObject):
    changed = Signal(str)  # "rounds", "actions", "points", "settings", ...
    language_changed = Signal(str)
    open_point = Signal(str)  # a point code: show it on the Restrooms page
    start_round = Signal(str)  # a point code: begin a round there
    open_round = Signal(str)  # a round uuid: show it on the Round page
    open_page = Signal(str)  # a page name: "plan", "guard", "incidents", ...
    open_plan_step = Signal(str)  # a plan step uuid: select it on the Plan page
    # Another user signed in (Ctrl+L, the idle lock): a page on screen gets no Show event,
    # so it offers the new role's actions only if it hears this.
    signed_in = Signal()
    open_point_in_year = Signal(str, int)  # a point code and the fiscal year to show it in
    review_incidents = Signal(int)  # a fiscal year: its pending events on the Incidents page


class ReloadWhenSeen(QObject):
    """Reload a page at a change now if it is on screen, else when it is next shown.

    Every page that reloaded on every change made each change wait for all of them:
    on ten years of data the first score key of a round (it saves a new draft, a
    change) waited 230 ms for hidden pages, the Audit page's two tables and the Today
    page's thousands of lines among them (benchmark, issue 8).
    """

    def __init__(self, page: QWidget, reload: Callable[[], object]) -> None:
        super().__init__(page)
        self.page, self.reload = page, reload
        self.stale = False
        page.installEventFilter(self)

    def request(self) -> None:
        if self.page.isVisible():
            self.stale = False
            self.reload()
        else:
            self.stale = True

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # Show comes before the first paint: the page never shows its stale figures.
        if obj is self.page and event.type() == QEvent.Type.Show and self.stale:
            self.stale = False
            self.reload()
        return False
