"""The main window: a side list of the pages that work, one stacked page each."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)
from sqlite_utils import Database

from core.i18n import tr
from ui.hub import Hub
from ui.restrooms_page import RestroomsPage
from ui.round_page import RoundPage
from ui.settings_page import SettingsPage


class MainWindow(QMainWindow):
    def __init__(self, db: Database, db_path: Path, hub: Hub | None = None) -> None:
        super().__init__()
        self.db = db
        self.hub = hub or Hub()
        self.restrooms = RestroomsPage(db, self.hub)
        self.round = RoundPage(db, self.hub)
        self.settings = SettingsPage(db, self.hub, db_path)
        self.pages: list[tuple[str, QWidget]] = [
            ("page.restrooms", self.restrooms),
            ("page.round", self.round),
            ("page.settings", self.settings),
        ]
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(190)
        self.nav.setIconSize(QSize(0, 0))
        self.stack = QStackedWidget()
        for key, page in self.pages:
            self.nav.addItem(QListWidgetItem(tr(key)))
            self.stack.addWidget(page)
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
        self.hub.language_changed.connect(lambda _: self.retranslate())
        self.retranslate()
        # A round left unfinished (the app was closed or killed) is where work resumes.
        self.show_widget(self.round if self.round.round is not None else self.restrooms)

    def retranslate(self) -> None:
        self.setWindowTitle(tr("app.window_title"))
        for row, (key, _) in enumerate(self.pages):
            item = self.nav.item(row)
            if item is not None:
                item.setText(tr(key))

    def show_page(self, n: int) -> None:
        self.nav.setCurrentRow(n)

    def show_widget(self, widget: QWidget) -> None:
        self.nav.setCurrentRow(self.stack.indexOf(widget))
        if widget is self.round:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
