"""Dialogs that keep what was typed: a refusal is shown beside the field it names.

A dialog's OK runs its domain call through ui.ops.run. When the domain refuses
(an empty reason, a date before the round, a time that is no time), the dialog
stays open with every field as typed, the message under the field it names and
the keys in that field; nothing is saved. Only a call that succeeds closes it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from core.errors import SalaError
from core.i18n import tr
from ui import ops
from ui.ops import Change
from ui.widgets.messages import clear, say_error

# A field as (the name the domain's errors give it, its label, its widget).
Field = tuple[str, str, QWidget]


def text_of(widget: QWidget) -> str:
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    raise TypeError(f"no text in {type(widget).__name__}")


class FormDialog(QDialog):
    """A few fields and OK / Cancel; OK calls `submit()` (which reads the fields).

    `aliases` maps other field names the domain may give (`closed`, `event_time`) to
    the field that shows them. `value` holds what `submit` returned once accepted.
    """

    def __init__(
        self,
        parent: QWidget | None,
        hub: Any,
        title: str,
        fields: Sequence[Field],
        submit: Callable[[], object],
        *,
        changes: Change = Change.NONE,
        intro: str = "",
        ok_text: str | None = None,
        aliases: dict[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.hub, self.submit, self.changes = hub, submit, changes
        self.aliases = aliases or {}
        self.value: object = None
        self.setWindowTitle(title)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        if intro:
            heading = QLabel(intro)
            heading.setWordWrap(True)
            layout.addWidget(heading)
        self.form = QFormLayout()
        for name, label, widget in fields:
            self.fields[name] = widget
            error = QLabel()
            error.setWordWrap(True)
            error.setObjectName(f"error_{name}")
            error.hide()
            self.errors[name] = error
            self.form.addRow(label, widget)
            self.form.addRow("", error)
        layout.addLayout(self.form)
        # A refusal that names no field of this dialog (a permission, a closed record).
        self.general = QLabel()
        self.general.setWordWrap(True)
        self.general.hide()
        layout.addWidget(self.general)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text or tr("trust.ok"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("trust.cancel"))
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(520, 0)
        if fields:
            fields[0][2].setFocus(Qt.FocusReason.OtherFocusReason)

    def field_for(self, error: SalaError) -> str | None:
        name = self.aliases.get(error.field or "", error.field)
        return name if name in self.fields else None

    def show_refusal(self, error: SalaError) -> None:
        name = self.field_for(error)
        if name is None:
            say_error(self.general, error)
            self._fit_height()
            return
        say_error(self.errors[name], error, beside_field=True)
        self._fit_height()
        widget = self.fields[name]
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(widget, QLineEdit):
            widget.selectAll()

    def _fit_height(self) -> None:
        """Tall enough for the message now shown at this width: a wrapped label's lines are
        not in the dialog's minimum height, and a two-line Thai refusal (a loss value
        that cannot be read) was cut through its vowels."""
        layout = self.layout()
        layout.activate()
        need = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else 0
        if need > self.height():
            self.resize(self.width(), need)

    def clear_refusals(self) -> None:
        for label in (*self.errors.values(), self.general):
            clear(label)
            label.hide()

    def try_accept(self) -> bool:
        """OK: the domain call; closed only when it succeeds."""
        self.clear_refusals()
        result = ops.run(self, self.hub, self.submit, changes=self.changes,
                         errors=self.show_refusal)  # fmt: skip
        if not result:
            return False
        self.value = result.value
        self.accept()
        return True


def is_open(dialog: QDialog | None) -> bool:
    """A dialog still on screen (one closed is deleted with its window)."""
    return dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible()


def ask_text(
    parent: QWidget | None,
    hub: Any,
    title: str,
    label: str,
    submit: Callable[[str], object],
    *,
    field: str = "reason",
    text: str = "",
    changes: Change = Change.NONE,
    intro: str = "",
    placeholder: str = "",
    done: Callable[[object], object] | None = None,
    aliases: dict[str, str] | None = None,
) -> FormDialog:
    """One line asked for (a reason, a date, a note), opened window-modal; `done` gets the
    result of `submit(text)` once it succeeds. Returns the open dialog."""
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setMinimumWidth(360)
    dialog = FormDialog(parent, hub, title, [(field, label, edit)], lambda: submit(edit.text()),
                        changes=changes, intro=intro, aliases=aliases)  # fmt: skip
    dialog.edit = edit  # type: ignore[attr-defined]
    if done is not None:
        dialog.accepted.connect(lambda: done(dialog.value))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    edit.selectAll()
    return dialog
