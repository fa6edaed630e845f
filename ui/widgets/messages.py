"""Showing a domain error to a person: Thai and English, never a traceback."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from core.errors import SalaError
from core.i18n import tr


def show_error(parent: QWidget | None, error: SalaError) -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr("app.title"))
    box.setText(error.message("th"))
    box.setInformativeText(error.message("en"))
    box.exec()
