"""One application-wide object that tells screens what changed (STYLE.md, after Anki).

Screens never call each other to refresh: an operation (ui.ops) announces the
kinds it changed, `changed(Change)`, and every screen that shows one of them
reloads (ui.ops.reload_on).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Hub(QObject):
    changed = Signal(object)  # ui.ops.Change: a set of kinds (Change.ROUNDS | Change.ACTIONS)
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
