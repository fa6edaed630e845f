"""The main window: a side list of the pages that work, one stacked page each.

The frame (side list, page titles, "opening the database…") is built and painted
before the database is opened: this module imports nothing that touches one, so
the window paints before sqlite-utils and the domain are even imported
(issue 19). `attach(db)` then hands it the open database.

Pages are built the first time they are shown (or asked for), not at start-up:
building and styling all ten took most of the time to the first paint, and a
page nobody opened need not reload on every change.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRect, QSize
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from core.i18n import language, tr
from ui.hub import Hub

if TYPE_CHECKING:
    from sqlite_utils import Database

    from core.users import User
    from ui.ops import Change


class _Page:
    """A page attribute of MainWindow (`window.audit`): built on first access."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, window: MainWindow | None, owner: type | None = None) -> Any:
        if window is None:
            return self
        return window.page(self.name)


def _factories(db: Database, hub: Hub, db_path: Path) -> dict[str, Callable[[], QWidget]]:
    """How to build each page; a page module is imported only when its page is built."""

    def today() -> QWidget:
        from ui.today_page import TodayPage

        return TodayPage(db, hub)

    def restrooms() -> QWidget:
        from ui.restrooms_page import RestroomsPage

        return RestroomsPage(db, hub)

    def round_() -> QWidget:
        from ui.round_page import RoundPage

        return RoundPage(db, hub)

    def survey() -> QWidget:
        from ui.survey_page import SurveyPage

        return SurveyPage(db, hub)

    def guard() -> QWidget:
        from ui.guard_page import GuardPage

        return GuardPage(db, hub)

    def incidents() -> QWidget:
        from ui.incidents_page import IncidentsPage

        return IncidentsPage(db, hub)

    def indicators() -> QWidget:
        from ui.indicators_page import IndicatorsPage

        return IndicatorsPage(db, hub)

    def plan() -> QWidget:
        from ui.plan_page import PlanPage

        return PlanPage(db, hub)

    def audit() -> QWidget:
        from ui.audit_page import AuditPage

        return AuditPage(db, hub)

    def reports() -> QWidget:
        from ui.reports_page import ReportsPage

        return ReportsPage(db, hub, db_path)

    def sync() -> QWidget:
        from ui.sync_page import SyncPage

        return SyncPage(db, hub)

    def settings() -> QWidget:
        from ui.settings_page import SettingsPage

        return SettingsPage(db, hub, db_path)

    return {
        "today": today, "restrooms": restrooms, "round": round_, "survey": survey,
        "guard": guard, "incidents": incidents, "indicators": indicators, "plan": plan,
        "reports": reports, "audit": audit, "sync": sync, "settings": settings,
    }  # fmt: skip


# The title bar lies outside the window's own geometry: kept free so that a window as
# tall as the screen still shows its status bar (who is signed in, Switch user).
_TITLE_BAR = 40


def initial_size(available: QRect) -> QSize:
    """1280x800 where it fits; on a smaller screen (a 1366x768 laptop) as much as fits."""
    return QSize(min(1280, available.width()), max(400, min(800, available.height() - _TITLE_BAR)))


class MainWindow(QMainWindow):
    today = _Page()
    restrooms = _Page()
    round = _Page()
    survey = _Page()
    guard = _Page()
    incidents = _Page()
    indicators = _Page()
    plan = _Page()
    audit = _Page()
    settings = _Page()
    reports = _Page()
    sync = _Page()

    def __init__(self, db: Database | None, db_path: Path, hub: Hub | None = None) -> None:
        """The window over `db`; with None, only its frame until `attach(db)` (the start-up)."""
        super().__init__()
        self.db: Database | None = None
        self.db_path = db_path
        self.hub = hub or Hub()
        self._factories: dict[str, Callable[[], QWidget]] = {}
        self._built: dict[str, QWidget] = {}
        # (message key, page name, permission needed to see it), in the side list's order
        self.pages: list[tuple[str, str, str | None]] = [
            ("page.today", "today", None),
            ("page.restrooms", "restrooms", None),
            ("page.round", "round", None),
            ("page.survey", "survey", None),
            ("page.guard", "guard", None),
            ("page.incidents", "incidents", None),
            ("page.indicators", "indicators", None),
            ("page.reports", "reports", None),
            ("page.plan", "plan", None),
            ("page.audit", "audit", "audit.read"),
            ("page.sync", "sync", None),
            ("page.settings", "settings", None),
        ]
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(190)
        self.nav.setIconSize(QSize(0, 0))
        self.stack = QStackedWidget()
        for key, _, permission in self.pages:
            item = QListWidgetItem(tr(key))
            self.nav.addItem(item)
            # Nobody is signed in yet: a page that needs a permission shows when one may.
            item.setHidden(permission is not None)
            self.stack.addWidget(QWidget())  # a placeholder until the page is built
        # What the frame shows until the database is open, after the pages' placeholders.
        self.opening = QLabel()
        # Centred by the style sheet (qproperty-alignment): Qt's enum namespace costs 15 ms
        # to load, a tenth of a bare window's start, and the frame needs nothing else of it.
        self.opening.setObjectName("opening")
        self.opening.setWordWrap(True)
        self._opening_text: Callable[[], str] = lambda: tr("startup.opening")
        self.stack.addWidget(self.opening)
        self.stack.setCurrentWidget(self.opening)
        self.user_label = QLabel()
        self.switch_button = QPushButton()
        self.switch_button.hide()  # nobody to switch from until someone has signed in
        self.nav.setEnabled(False)  # nothing to open until the database is
        self.switch_button.clicked.connect(self.switch_user)
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.switch_button)
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        screen = self.screen()
        self.resize(initial_size(screen.availableGeometry()) if screen else QSize(1280, 800))

        self.nav.currentRowChanged.connect(self._show_row)
        # Not the button's own shortcut: setText (retranslate) replaces it with the mnemonic.
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(self.switch_user)
        # Ctrl+1..9 and Ctrl+0 for the first ten pages ("Ctrl+10" is no key); Ctrl+PgDown and
        # Ctrl+PgUp step through every page the signed-in role may see.
        for n in range(min(len(self.pages), 10)):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{(n + 1) % 10}"), self)
            shortcut.activated.connect(lambda n=n: self.show_page(n))
        self.page_keys: QObject | None = None  # the shortcuts by physical key, from attach()
        QShortcut(QKeySequence("Ctrl+PgDown"), self).activated.connect(lambda: self.step_page(1))
        QShortcut(QKeySequence("Ctrl+PgUp"), self).activated.connect(lambda: self.step_page(-1))
        self.hub.start_round.connect(lambda _: self.show_widget(self.round))
        self.hub.open_round.connect(lambda _: self.show_widget(self.round))
        self.hub.open_point.connect(self._open_point)
        self.hub.open_page.connect(lambda name: self.show_widget(getattr(self, name)))
        self.hub.review_incidents.connect(self._review_incidents)
        self.hub.open_point_in_year.connect(self._open_point_in_year)
        self.hub.language_changed.connect(lambda _: self.retranslate())
        self.hub.changed.connect(self._changed)
        self.retranslate()
        if db is not None:
            self.attach(db)

    def attach(self, db: Database) -> None:
        """The database is open: the pages can be built; the first one is shown."""
        self.db = db
        self._factories = _factories(db, self.hub, self.db_path)
        self.stack.removeWidget(self.opening)
        self.opening.deleteLater()
        self.switch_button.show()
        self.nav.setEnabled(True)
        # Keys by where they are on the keyboard (issue 17): nothing to open before the
        # database is, and Qt's enum namespace they read is not loaded before the first paint.
        from ui.widgets.keys import ShortcutKeys

        self.page_keys = ShortcutKeys(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.page_keys)
        self.retitle()
        self.show_actor()
        # A round left unfinished (the app was closed or killed) is where work resumes.
        self.show_widget(self.round if self.round.round is not None else self.today)

    def _changed(self, changes: Change) -> None:
        from ui.ops import Change  # with the pages: ui.ops is not needed before the first paint

        if changes & Change.USERS:
            self.show_actor()
        if changes & Change.SETTINGS:
            self.retitle()  # the office's name heads the window; Settings may have renamed it

    @property
    def attached(self) -> bool:
        return self.db is not None

    def show_opening_state(self, text: Callable[[], str]) -> None:
        """What the frame says until the pages fill (waiting for a sign-in, a refused
        file), in the language of the moment: `text` is asked again at a switch."""
        self._opening_text = text
        self.opening.setText(text())

    def page(self, name: str) -> QWidget:
        """The page called `name`, built now if it was not yet."""
        built = self._built.get(name)
        if built is not None:
            return built
        if not self.attached:
            raise RuntimeError(f"page {name!r} asked for before the database was attached")
        page = self._built[name] = self._factories[name]()
        row = self._row(name)
        placeholder = self.stack.widget(row)
        current = self.stack.currentIndex()
        self.stack.insertWidget(row, page)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        self.stack.setCurrentIndex(current)
        return page

    def _row(self, name: str) -> int:
        return next(row for row, (_, n, _) in enumerate(self.pages) if n == name)

    def _show_row(self, row: int) -> None:
        if not self.attached:
            return  # the frame only: "opening the database…" stays until attach()
        if 0 <= row < len(self.pages):
            self.page(self.pages[row][1])
        self.stack.setCurrentIndex(row)

    def _open_point(self, code: str) -> None:
        built = "restrooms" in self._built
        self.show_widget(self.restrooms)
        if not built:
            # Built during this signal, the page missed it (Qt calls only the slots
            # connected before the emission began): hand it the point directly.
            self.restrooms.select_point(code)

    def _open_point_in_year(self, code: str, fy: int) -> None:
        self.restrooms.show_year(fy)
        self.show_widget(self.restrooms)
        self.restrooms.select_point(code)

    def _review_incidents(self, fy: int) -> None:
        # Through the page itself, not a signal it listens to: built now, it would miss it.
        self.incidents.show_pending(fy)
        self.show_widget(self.incidents)

    # Set when the app itself closes the window (the end of a session, a restore): the
    # person has already been asked, or the file is gone from under the forms.
    leaving = False

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if not self.leaving and self.isVisible() and not self._may_close():
            event.ignore()
            return
        # Work still running (a report, a sync file, a backup) holds its own database
        # connection: let it stop before the window's goes.
        if self.attached:
            from ui import ops

            ops.shutdown()
        app = QApplication.instance()
        if app is not None and self.page_keys is not None:
            app.removeEventFilter(self.page_keys)
        if "reports" in self._built:
            self.reports.shutdown()
        super().closeEvent(event)

    def _may_close(self) -> bool:
        """Guard forms typed and not signed live only in this window: they were lost
        without a word when it closed (new-user finding 6). Ask; the safe answer goes
        back to the first of them."""
        if not self.attached or "guard" not in self._built:
            return True
        forms = self.guard.unsigned_forms()
        if not forms:
            return True
        from core.calendar import format_date
        from core.i18n import tr_n
        from security.contract import get_shift
        from ui.widgets import messages

        names = "\n".join(
            f"• {format_date(day, language())} {get_shift(self.db, shift).name(language())}"
            for day, shift in forms
        )
        text = tr_n("ui.unsigned.close", len(forms), forms=names)
        if messages.confirm(self, text, tr("ui.unsigned.discard")):
            return True
        self.guard.open_form(*forms[0])
        self.show_widget(self.guard)
        return False

    def retitle(self) -> None:
        """City Hall's building office keeps its title; any other office is named in it
        (known once the database is attached: the frame paints before it opens)."""
        if not self.attached:
            self.setWindowTitle(tr("app.window_title"))
            return
        from core.office import default_office, office

        mine = office(self.db)
        default = default_office()
        if (mine.code, mine.name_th, mine.name_en) == (default.code, default.name_th,
                                                       default.name_en):  # fmt: skip
            self.setWindowTitle(tr("app.window_title"))
        else:
            self.setWindowTitle(tr("hub.window_title", office=mine.name(language())))

    def retranslate(self) -> None:
        self.retitle()
        for row, (key, _, _) in enumerate(self.pages):
            item = self.nav.item(row)
            if item is not None:
                item.setText(tr(key))
        self.switch_button.setText(tr("signin.switch"))
        if self.attached:
            self.show_actor()
        else:
            self.opening.setText(self._opening_text())

    def show_actor(self) -> None:
        """Show who is signed in, and only the pages their role may open."""
        if self.db is None:
            return  # nobody yet: the frame hides the pages that need a permission
        from core.users import current_actor, role_name

        actor = current_actor(self.db)
        name = actor.display_name or actor.username
        self.user_label.setText(
            tr("signin.user", name=name, role=role_name(actor.role, language()))
        )
        for row, (_, _, permission) in enumerate(self.pages):
            hidden = permission is not None and not actor.may(permission)
            self.nav.item(row).setHidden(hidden)
            if hidden and self.stack.currentIndex() == row:
                self.show_widget(self.restrooms)

    def set_user(self, user: User) -> None:
        from core.users import act_as
        from ui.signin import warn_administrator

        assert self.db is not None, "a user signs in once the database is attached"
        act_as(self.db, user.actor())
        self.round.inspector_edit.setText(user.display_name)
        self.show_actor()
        self.hub.signed_in.emit()
        # A failed open-time check waits for an administrator (issue 7), whoever started the app.
        self.check_alert = warn_administrator(self, self.db, self.db_path)

    def check_finished(self, result: object) -> None:
        """The open-time check ended after sign-in: a failure reaches an administrator now."""
        from ui.signin import warn_administrator

        if getattr(result, "ok", True) or getattr(self, "check_alert", None) is not None:
            return
        self.check_alert = warn_administrator(self, self.db, self.db_path)

    def switch_user(self) -> None:
        from ui.signin import SignInDialog

        if self.db is None:
            return
        dialog = SignInDialog(self.db, self, switching=True)
        if dialog.exec() and dialog.user is not None:
            self.set_user(dialog.user)

    def step_page(self, step: int) -> None:
        """The next (or previous) page in the side list that this user may see."""
        rows = [r for r in range(self.nav.count()) if not self.nav.item(r).isHidden()]
        if rows and self.attached:
            at = rows.index(self.nav.currentRow()) if self.nav.currentRow() in rows else 0
            self.show_widget(self.page(self.pages[rows[(at + step) % len(rows)]][1]))

    def show_page(self, n: int) -> None:
        item = self.nav.item(n)
        if self.attached and item is not None and not item.isHidden():
            # Through show_widget: Ctrl+3 must also put the keys on the Round page's entry.
            self.show_widget(self.page(self.pages[n][1]))

    def show_widget(self, widget: QWidget) -> None:
        """Show a page with the keys on its main control (issue 17): after Ctrl+8 Enter
        writes the report, after Ctrl+2 Down moves through the points, not the year."""
        self.nav.setCurrentRow(self.stack.indexOf(widget))
        focus = getattr(widget, "focus_main", None)
        if callable(focus):
            focus()
