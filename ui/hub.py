"""One application-wide object that tells screens what changed (STYLE.md, after Anki).

Screens never call each other to refresh: an action emits `changed(kind)` and
every screen that shows that kind reloads.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Hub(QObject):
    changed = Signal(str)  # "rounds", "actions", "points", "settings", ...
    language_changed = Signal(str)
    open_point = Signal(str)  # a point code: show it on the Restrooms page
    start_round = Signal(str)  # a point code: begin a round there
    open_round = Signal(str)  # a round uuid: show it on the Round page
    open_page = Signal(str)  # a page name: "plan", "guard", "incidents", ...
    open_plan_step = Signal(str)  # a plan step uuid: select it on the Plan page
