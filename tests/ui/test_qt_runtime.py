"""The Qt binding must not leak references to None: on Python 3.11 None is a normal object.

PySide6 6.12.0 dropped one reference to None on every call returning nothing; Python
3.11 aborts ("none_dealloc") once the count reaches zero, after a few hundred rounds
typed in one session (found by the benchmark's probes, issue 8).
"""

import sys

from PySide6.QtWidgets import QComboBox, QLabel


def test_calls_that_return_nothing_keep_none_alive(qtbot) -> None:
    label, combo = QLabel(), QComboBox()
    qtbot.addWidget(label)
    qtbot.addWidget(combo)
    before = sys.getrefcount(None)
    for n in range(2000):
        label.setText(str(n))
        combo.addItem("x", None)
    # Other code may take or drop a few references meanwhile; a leak is 4,000.
    assert sys.getrefcount(None) > before - 100
