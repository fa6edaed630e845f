"""pytest-qt fixtures: the app with its fonts, a main window over a fresh database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from core.i18n import set_language
from ui.app import make_app


@pytest.fixture(scope="session")
def qapp_cls():
    from PySide6.QtWidgets import QApplication

    return QApplication


@pytest.fixture(autouse=True)
def _no_modal_dialogs(monkeypatch) -> None:
    """A modal dialog would wait forever offscreen: make one fail the test at once."""
    from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox

    def refuse(*args, **kwargs):
        raise AssertionError("a modal dialog opened during a test")

    monkeypatch.setattr(QMessageBox, "exec", refuse)
    monkeypatch.setattr(QDialog, "exec", refuse)
    monkeypatch.setattr(QInputDialog, "getText", refuse)


@pytest.fixture(autouse=True)
def _closing_asks_nothing(monkeypatch) -> None:
    """pytest-qt closes each test's windows: a guard form a test left unsigned must not
    ask about it then (new-user finding 6). A test of that question sets `leaving` False
    on its window, and True again before it ends."""
    from ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "leaving", True)


@pytest.fixture(autouse=True)
def _ui_app(qapp, tmp_path: Path) -> Iterator[None]:
    make_app()
    # QSettings of the tests never touch the user's real settings.
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "ini"))
    set_language("th")
    yield
    set_language("th")


@pytest.fixture(autouse=True)
def _delete_closed_widgets(qapp) -> Iterator[None]:
    """Windows a test closed are deleted before the next test, not left to pile up.

    pytest-qt closes and deleteLater()s the widgets it was given, but deferred deletes
    wait for an event loop that a test may never run again: thousands of windows stayed
    alive over tests/ui, each re-polished at every style change (issue 19).
    """
    yield
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        if not widget.isVisible():
            widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


@pytest.fixture
def window(qtbot, db, db_path):
    from core.settings import set_setting
    from core.users import act_as
    from tests.actors import ADMIN
    from ui.main_window import MainWindow

    set_setting(db, "last_inspector", "สมชาย ใจดี")
    # As after the administrator's sign-in (a test of another role signs that one in).
    act_as(db, ADMIN)
    w = MainWindow(db, db_path)
    qtbot.addWidget(w)
    w.show()
    return w
