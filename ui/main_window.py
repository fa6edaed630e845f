"""The main window: a side list of the pages that work, one stacked page each."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QWidget,
)
from sqlite_utils import Database

from core.i18n import language, tr
from core.users import User, act_as, current_actor, role_name
from ui.audit_page import AuditPage
from ui.guard_page import GuardPage
from ui.hub import Hub
from ui.incidents_page import IncidentsPage
from ui.indicators_page import IndicatorsPage
from ui.plan_page import PlanPage
from ui.restrooms_page import RestroomsPage
from ui.round_page import RoundPage
from ui.settings_page import SettingsPage
from ui.survey_page import SurveyPage
from ui.sync_page import SyncPage
from ui.today_page import TodayPage


class MainWindow(QMainWindow):
    def __init__(self, db: Database, db_path: Path, hub: Hub | None = None) -> None:
        super().__init__()
        self.db = db
        self.hub = hub or Hub()
        self.today = TodayPage(db, self.hub)
        self.restrooms = RestroomsPage(db, self.hub)
        self.round = RoundPage(db, self.hub)
        self.settings = SettingsPage(db, self.hub, db_path)
        self.audit = AuditPage(db, self.hub)
        self.indicators = IndicatorsPage(db, self.hub)
        self.guard = GuardPage(db, self.hub)
        self.incidents = IncidentsPage(db, self.hub)
        self.survey = SurveyPage(db, self.hub)
        self.plan = PlanPage(db, self.hub)
        self.sync = SyncPage(db, self.hub)
        # (message key, page, permission needed to see it)
        self.pages: list[tuple[str, QWidget, str | None]] = [
            ("page.today", self.today, None),
            ("page.restrooms", self.restrooms, None),
            ("page.round", self.round, None),
            ("page.survey", self.survey, None),
            ("page.guard", self.guard, None),
            ("page.incidents", self.incidents, None),
            ("page.indicators", self.indicators, None),
            ("page.plan", self.plan, None),
            ("page.audit", self.audit, "audit.read"),
            ("page.sync", self.sync, None),
            ("page.settings", self.settings, None),
        ]
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(190)
        self.nav.setIconSize(QSize(0, 0))
        self.stack = QStackedWidget()
        for key, page, _ in self.pages:
            self.nav.addItem(QListWidgetItem(tr(key)))
            self.stack.addWidget(page)
        self.user_label = QLabel()
        self.switch_button = QPushButton()
        self.switch_button.setShortcut(QKeySequence("Ctrl+L"))
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
        self.resize(1280, 800)

        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        for n in range(len(self.pages)):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n + 1}"), self)
            shortcut.activated.connect(lambda n=n: self.show_page(n))
        self.hub.start_round.connect(lambda _: self.show_widget(self.round))
        self.hub.open_round.connect(lambda _: self.show_widget(self.round))
        self.hub.open_point.connect(lambda _: self.show_widget(self.restrooms))
        self.hub.open_page.connect(lambda name: self.show_widget(getattr(self, name)))
        self.hub.language_changed.connect(lambda _: self.retranslate())
        self.hub.changed.connect(lambda kind: self.show_actor() if kind == "users" else None)
        self.retranslate()
        # A round left unfinished (the app was closed or killed) is where work resumes.
        self.show_widget(self.round if self.round.round is not None else self.today)

    def retranslate(self) -> None:
        self.setWindowTitle(tr("app.window_title"))
        for row, (key, _, _) in enumerate(self.pages):
            item = self.nav.item(row)
            if item is not None:
                item.setText(tr(key))
        self.switch_button.setText(tr("signin.switch"))
        self.show_actor()

    def show_actor(self) -> None:
        """Show who is signed in, and only the pages their role may open."""
        actor = current_actor(self.db)
        name = actor.display_name or actor.username
        self.user_label.setText(
            tr("signin.user", name=name, role=role_name(actor.role, language()))
        )
        for row, (_, page, permission) in enumerate(self.pages):
            hidden = permission is not None and not actor.may(permission)
            self.nav.item(row).setHidden(hidden)
            if hidden and self.stack.currentWidget() is page:
                self.show_widget(self.restrooms)

    def set_user(self, user: User) -> None:
        act_as(self.db, user.actor())
        self.round.inspector_edit.setText(user.display_name)
        self.show_actor()

    def switch_user(self) -> None:
        from ui.signin import SignInDialog

        dialog = SignInDialog(self.db, self)
        if dialog.exec() and dialog.user is not None:
            self.set_user(dialog.user)

    def show_page(self, n: int) -> None:
        item = self.nav.item(n)
        if item is not None and not item.isHidden():
            self.nav.setCurrentRow(n)

    def show_widget(self, widget: QWidget) -> None:
        self.nav.setCurrentRow(self.stack.indexOf(widget))
        if widget is self.round:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
