"""Keys by where they are on the keyboard, not by what the layout types (issue 17).

Thai staff type notes in Thai and leave the Kedmanee layout on: the digit row
then types ๅ / - ภ ถ ุ ึ ค ต จ, and most 1366x768 laptops have no keypad. A
score or a point code must follow the physical key whatever the layout: the
key's native scan code where the platform gives one, else the Kedmanee
character of that key; Thai digits ๐-๙ count as the digits they are.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

# The digit row as Kedmanee types it, unshifted: the keys 1 2 3 4 5 6 7 8 9 0.
KEDMANEE_DIGIT_ROW = "ๅ/-ภถุึคตจ"
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
# The letter keys as Kedmanee types them, unshifted: the key N (a note) types ื, L ส.
KEDMANEE_LETTERS = dict(zip("ๆไำพะัีรนยฟหกด้่าสผปแอิืท", "qwertyuiopasdfhjklzxcvbnm", strict=True))
KEDMANEE_LETTERS["เ"] = "g"
# In a point code typed on Kedmanee, the key "-" types ข.
KEDMANEE_CODE = {**KEDMANEE_LETTERS, "ข": "-"}

# The digit row's physical keys, 1 2 ... 9 0, as each platform numbers them.
_X11_KEYCODES = tuple(range(10, 20))  # evdev codes + 8 (xcb and wayland)
_WINDOWS_SCAN_CODES = tuple(range(2, 12))
_MAC_VIRTUAL_KEYS = (18, 19, 20, 21, 23, 22, 26, 28, 25, 29)  # kVK_ANSI_1 .. kVK_ANSI_0
# The full-stop key (Kedmanee types ใ on it), as each platform numbers it.
_X11_PERIOD, _WINDOWS_PERIOD, _MAC_PERIOD = 60, 0x34, 0x2F
# The letter keys, as each platform numbers them.
_X11_LETTERS = dict(zip([*range(24, 34), *range(38, 47), *range(52, 59)],
                        "qwertyuiopasdfghjklzxcvbnm", strict=True))  # fmt: skip
_WINDOWS_LETTERS = dict(zip([*range(0x10, 0x1A), *range(0x1E, 0x27), *range(0x2C, 0x33)],
                            "qwertyuiopasdfghjklzxcvbnm", strict=True))  # fmt: skip
_MAC_LETTERS = {0x00: "a", 0x01: "s", 0x02: "d", 0x03: "f", 0x04: "h", 0x05: "g", 0x06: "z",
                0x07: "x", 0x08: "c", 0x09: "v", 0x0B: "b", 0x0C: "q", 0x0D: "w", 0x0E: "e",
                0x0F: "r", 0x10: "y", 0x11: "t", 0x1F: "o", 0x20: "u", 0x22: "i", 0x23: "p",
                0x25: "l", 0x26: "j", 0x28: "k", 0x2D: "n", 0x2E: "m"}  # fmt: skip


def _row_position(event: QKeyEvent) -> int | None:
    """0..9 for the physical keys 1..0 of the digit row, from the native key fields."""
    if sys.platform == "darwin":
        code, table = event.nativeVirtualKey(), _MAC_VIRTUAL_KEYS
    elif sys.platform == "win32":
        code, table = event.nativeScanCode(), _WINDOWS_SCAN_CODES
    else:
        code, table = event.nativeScanCode(), _X11_KEYCODES
    return table.index(code) if code in table else None


def _has_native_code(event: QKeyEvent) -> bool:
    return bool(event.nativeScanCode() or event.nativeVirtualKey())


def digit_of(event: QKeyEvent, *, in_code: bool = False) -> int | None:
    """The digit a key stands for, whatever the layout; None for any other key.

    A digit typed as a character wins (a keypad, a Latin layout, a Thai digit with
    Shift); an unshifted key of the digit row counts by its place; without native key
    fields (a synthetic event), the Kedmanee character of the digit row does, except
    in a point code (`in_code`), where "-" is the code's own hyphen (F1-01).
    """
    text = event.text()
    if len(text) == 1 and text.isascii() and text.isdigit():
        return int(text)
    if len(text) == 1 and text in THAI_DIGITS:
        return THAI_DIGITS.index(text)
    if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
        return None
    place = _row_position(event)
    if place is not None:
        return (place + 1) % 10
    if len(text) == 1 and text in KEDMANEE_DIGIT_ROW and not _has_native_code(event):
        if in_code and text in "-/":
            return None
        return (KEDMANEE_DIGIT_ROW.index(text) + 1) % 10
    return None


def latin_letter(event: QKeyEvent) -> str | None:
    """The Latin letter printed on the key ("l" for the key that types ส on Kedmanee)."""
    if sys.platform == "darwin":
        found = _MAC_LETTERS.get(event.nativeVirtualKey()) if event.nativeVirtualKey() else None
    elif sys.platform == "win32":
        found = _WINDOWS_LETTERS.get(event.nativeScanCode())
    else:
        found = _X11_LETTERS.get(event.nativeScanCode())
    if found is not None:
        return found
    text = event.text().lower()
    if len(text) == 1 and "a" <= text <= "z":
        return text
    if not _has_native_code(event):
        return KEDMANEE_LETTERS.get(event.text())
    return None


def is_letter(event: QKeyEvent, letter: str) -> bool:
    """Whether the key is the Latin `letter` key ("n"), whatever the layout types on it."""
    return latin_letter(event) == letter


def latin_code(text: str) -> str:
    """A point code typed on the Kedmanee layout, as the Latin keys it was typed on:
    "ๅจๅ" (the keys 1 0 1) is "101", "ดๅขจๅ" is "f1-01"; Thai digits are digits."""
    out = []
    for ch in text:
        if ch in THAI_DIGITS:
            out.append(str(THAI_DIGITS.index(ch)))
        elif ch in KEDMANEE_DIGIT_ROW and ch not in "-/":
            out.append(str((KEDMANEE_DIGIT_ROW.index(ch) + 1) % 10))
        else:
            out.append(KEDMANEE_CODE.get(ch, ch))
    return "".join(out)


class ShortcutKeys(QObject):
    """A window's shortcuts by the physical key, whatever the layout (issue 17).

    Thai staff leave the Kedmanee layout on. Its digit row types ๅ / - ภ ...: Qt read
    Ctrl+3 as Ctrl+- and no page opened; with Thai as the only layout, Ctrl+9 came as
    Ctrl+ต and Ctrl+L as Ctrl+ส. A Ctrl key whose layout character is not the one on
    the key runs the shortcut of the key's own digit or letter (Ctrl+1..0 for the pages,
    Ctrl+L, the Reports page's Ctrl+P and Ctrl+S). Watched on the application, for this
    window's widgets only; on a Latin layout it does nothing and Qt matches as always.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if not isinstance(event, QKeyEvent) or not isinstance(obj, QWidget):
            return False
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if not mods & Qt.KeyboardModifier.ControlModifier or obj.window() is not self.window:
            return False
        shortcut = self.shortcut_for(event, obj)
        if shortcut is None:
            return False
        event.accept()
        if kind == QEvent.Type.KeyPress:
            shortcut.activated.emit()
        return True

    def shortcut_for(self, event: QKeyEvent, focus: QWidget) -> QShortcut | None:
        digit = digit_of(event)
        if digit is not None:
            latin = str(digit)
        else:
            letter = latin_letter(event)
            if letter is None:
                return None
            latin = letter.upper()
        if event.key() == ord(latin):
            return None  # the layout types what is on the key: Qt's own matching is right
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        wanted = QKeySequence(mods.value | ord(latin))
        for shortcut in self.window.findChildren(QShortcut):
            if not shortcut.isEnabled() or shortcut.key() != wanted:
                continue
            owner = shortcut.parent()
            if not isinstance(owner, QWidget) or not owner.isVisible():
                continue
            if shortcut.context() == Qt.ShortcutContext.WidgetWithChildrenShortcut and not (
                owner is focus or owner.isAncestorOf(focus)
            ):
                continue
            return shortcut
        return None


class DigitRowKeys(QObject):
    """A number field typed with the Thai layout on: the digit row's keys type their digits.

    A guard supervisor with Kedmanee on typed a headcount as ๅๅ (the keys 1 1): the spin
    box took nothing and kept 12, silently. Here a key of the digit row whose layout
    character is not its digit is sent on as that digit; every other key is the field's.
    """

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        held = event.modifiers() & ~(Qt.KeyboardModifier.KeypadModifier
                                     | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
        digit = None if held else digit_of(event)
        if digit is None or event.text() == str(digit):
            return False
        QCoreApplication.sendEvent(obj, QKeyEvent(
            QEvent.Type.KeyPress, ord(str(digit)), event.modifiers(), str(digit)
        ))  # fmt: skip
        return True


def is_period_key(event: QKeyEvent) -> bool:
    """Whether the key is the full-stop key, whatever the layout types on it (ใ on Kedmanee)."""
    if sys.platform == "darwin":
        return event.nativeVirtualKey() == _MAC_PERIOD
    if sys.platform == "win32":
        return event.nativeScanCode() == _WINDOWS_PERIOD
    return event.nativeScanCode() == _X11_PERIOD


class TimeKeys(DigitRowKeys):
    """A time field typed with the Thai layout on (new-user finding 4): the digit row
    types digits, and the full-stop key a full stop, as Thai writes a time (10.00)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            and event.text() != "."
            and is_period_key(event)
        ):
            QCoreApplication.sendEvent(obj, QKeyEvent(
                QEvent.Type.KeyPress, Qt.Key.Key_Period, event.modifiers(), ".",
            ))  # fmt: skip
            return True
        return super().eventFilter(obj, event)


def type_time_by_key(widget: QWidget) -> None:
    """Make a time field follow the digit row's and the full-stop key's physical keys."""
    widget.installEventFilter(TimeKeys(widget))


def type_digits_by_key(*widgets: QWidget) -> None:
    """Make each number field follow the digit row's physical keys (DigitRowKeys)."""
    for widget in widgets:
        keys = DigitRowKeys(widget)
        widget.installEventFilter(keys)
