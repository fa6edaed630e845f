"""Settings: language, where the data lives, backups."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core.backup import backup_to
from core.db import device_id
from core.errors import SalaError
from core.i18n import LANGUAGES, language, set_language, tr
from ui.hub import Hub
from ui.widgets.messages import show_error

LANGUAGE_NAMES = {"th": "ไทย", "en": "English"}


class SettingsPage(QWidget):
    def __init__(self, db: Database, hub: Hub, db_path: Path) -> None:
        super().__init__()
        self.db, self.hub, self.db_path = db, hub, db_path
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(self.language.findData(language()))
        self.language_label = QLabel()
        self.path_label = QLabel()
        self.path_value = QLabel(str(db_path))
        self.path_value.setWordWrap(True)
        self.device_label = QLabel()
        self.device_value = QLabel(device_id(db))
        self.backup_button = QPushButton()
        self.form = QFormLayout()
        self.form.addRow(self.language_label, self.language)
        self.form.addRow(self.path_label, self.path_value)
        self.form.addRow(self.device_label, self.device_value)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self.language.currentIndexChanged.connect(self._language_chosen)
        self.backup_button.clicked.connect(self._backup)
        hub.language_changed.connect(lambda _: self.retranslate())
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("page.settings"))
        self.language_label.setText(tr("settings.language"))
        self.path_label.setText(tr("settings.database"))
        self.device_label.setText(tr("settings.device"))
        self.backup_button.setText(tr("settings.backup"))

    def choose_language(self, code: str) -> None:
        """Switch every screen to `code` now, and remember it for the next start."""
        if code == language():
            return
        set_language(code)
        QSettings().setValue("language", code)
        self.hub.language_changed.emit(code)

    def _language_chosen(self) -> None:
        self.choose_language(self.language.currentData())

    def _backup(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self, tr("settings.backup"), str(Path.home() / "sala-rounds-backup.db"), "SQLite (*.db)"
        )
        if not target:
            return
        try:
            head = backup_to(self.db, Path(target))
        except (SalaError, OSError) as exc:
            if isinstance(exc, SalaError):
                show_error(self, exc)
            else:
                QMessageBox.warning(self, tr("app.title"), str(exc))
            return
        QMessageBox.information(self, tr("app.title"), tr("settings.backup_done", path=target,
                                                          head=head))  # fmt: skip
