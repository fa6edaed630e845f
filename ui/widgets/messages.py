"""Showing a domain error to a person: in the screen's language, never a traceback.

On a Thai screen a message is Thai; the English text waits under the dialog's
details toggle (or a label's tooltip), for a colleague who reads English.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from core.errors import SalaError
from core.i18n import language, tr

ERROR_STYLE = "color: #b3261e"
OK_STYLE = "color: #1b7f3b"


def other_language() -> str:
    return "en" if language() == "th" else "th"


def message_box(parent: QWidget | None, error: SalaError) -> QMessageBox:
    """The one message dialog of the app, built (not shown): `show_error` shows it."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr("app.title"))
    box.setText(error.message(language()))
    box.setDetailedText(error.message(other_language()))
    return box


def show_error(parent: QWidget | None, error: SalaError) -> None:
    message_box(parent, error).exec()


def say_error(label: QLabel, error: SalaError, *, beside_field: bool = False) -> None:
    """A refusal on a page's or dialog's own line: the screen's language, the other one
    as the tooltip. Beside its field, the message leaves out the field's name."""
    label.setStyleSheet(ERROR_STYLE)
    if beside_field:
        label.setText(error.text(language()))
        label.setToolTip(error.text(other_language()))
    else:
        label.setText(error.message(language()))
        label.setToolTip(error.message(other_language()))
    label.show()


def say_done(label: QLabel, text: str) -> None:
    label.setStyleSheet(OK_STYLE)
    label.setText(text)
    label.setToolTip("")


def clear(label: QLabel) -> None:
    label.setText("")
    label.setToolTip("")


def confirm(parent: QWidget | None, text: str, yes: str) -> bool:
    """Ask before something that cannot be undone; the safe answer is the default."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(tr("app.title"))
    box.setText(text)
    do = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(tr("trust.cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is do
