"""A label whose Thai lines break between words, never inside one (issue 17).

Qt breaks Thai with its own dictionary (ICU), which splits compounds the office
writes every day: the plan's title wrapped as "กรุงเทพมหา / นคร". Here the text
is cut into words by the same tokenizer the PDFs use (reports.thai_wrap, with
the office's own words) and the lines are filled to the label's width by the
font's advances; the label holds finished lines.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QSize
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


def _clusters(word: str) -> list[str]:
    """Characters with the marks that sit on them: a forced cut lands between these."""
    out: list[str] = []
    for ch in word:
        if out and (unicodedata.category(ch) in ("Mn", "Mc") or ch == "\u0e33"):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def break_lines(text: str, metrics: QFontMetrics, width: int) -> list[str]:
    """`text` in lines no wider than `width`, broken between words (and at its own line
    breaks); a word wider than a whole line is cut between characters."""
    from reports.thai_wrap import words  # the PDF's word list; loaded with the first label

    def fits(line: str) -> bool:
        return metrics.horizontalAdvance(line) <= width

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in words(paragraph):
            if fits(line + word):
                line += word
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = word.lstrip()
            while not fits(line) and len(_clusters(line)) > 1:
                # One word wider than the whole line: cut it where it must be cut.
                head = ""
                for c in _clusters(line):
                    if head and not fits(head + c):
                        break
                    head += c
                lines.append(head)
                line = line[len(head) :]
        lines.append(line.rstrip())
    return lines


class ThaiLabel(QLabel):
    """Wraps like a QLabel with word wrap, but between Thai words; `full_text()` is the
    text as set (the shown one has line breaks in it)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._width = -1
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setText(text)

    def full_text(self) -> str:
        return self._full

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        self._full = text
        self._width = -1
        self._relayout(self.contentsRect().width())

    def _relayout(self, width: int) -> None:
        if width <= 0 or width == self._width:
            super().setText(self._full if width <= 0 else self.text())
            return
        self._width = width
        super().setText("\n".join(break_lines(self._full, self.fontMetrics(), width)))
        self.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._relayout(self.contentsRect().width())

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        margins = self.contentsMargins()
        inner = max(1, width - margins.left() - margins.right())
        lines = break_lines(self._full, self.fontMetrics(), inner) if self._full else [""]
        return len(lines) * self.fontMetrics().lineSpacing() + margins.top() + margins.bottom()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(0, self.fontMetrics().lineSpacing())
