"""A database the window cannot open because it is damaged: where its daily backups are,
and a restore from one (new-user finding 2).

The window showed only "the file is damaged" with OK; the way out was copying a file from
`backups/` by hand, skipping restore's checks, and no message named that folder. Now the
message names it and offers "Restore from a backup…": the backup is checked whole as
`restore` does, an administrator of the backup signs in against its checked copy (the
damaged file's accounts are gone with it: core.restore.accounts_for_restore), and the
file is replaced, the damaged one kept beside it. The window then opens the restored file
and asks who signs in, as after a restore in Settings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from core.backup import backups_dir, newest_daily_backup
from core.errors import SalaError
from core.i18n import tr
from core.restore import PreparedBackup, prepare_restore, restore_from
from ui import ops

if TYPE_CHECKING:
    from sqlite_utils import Database

    from core.users import User


def damaged_box(parent: QWidget | None, path: Path, error: SalaError) -> QMessageBox:
    """The refusal, Thai then English, with where the backups are and the two ways on."""
    folder = backups_dir(path)
    key = "ui.damaged.backups" if newest_daily_backup(path) else "ui.damaged.no_backups"
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr("app.title"))
    box.setText(f"{error.message('th')}\n\n{tr(key, 'th', folder=folder)}")
    box.setInformativeText(f"{error.message('en')}\n\n{tr(key, 'en', folder=folder)}")
    restore = box.addButton(tr("settings.restore"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(tr("ui.damaged.close"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.setProperty("restore_button", restore)
    return box


def ask(parent: QWidget | None, path: Path, error: SalaError) -> bool:
    """Whether the person chose to restore from a backup (else the window closes)."""
    box = damaged_box(parent, path, error)
    box.exec()
    return box.clickedButton() is box.property("restore_button")


def choose(parent: QWidget | None, path: Path) -> Path | None:
    """A backup file, looked for first in the database's backups folder."""
    folder = backups_dir(path)
    start = folder if folder.is_dir() else Path(path).parent
    name, _ = QFileDialog.getOpenFileName(parent, tr("settings.restore"), str(start),
                                          "SQLite (*.db)")  # fmt: skip
    return Path(name) if name else None


def sign_in(parent: QWidget | None, accounts: Database, source: Path) -> User | None:
    """An administrator of the backup `source`, signed in against its checked copy."""
    from ui.signin import SignInDialog
    from ui.widgets.forms import fit_height

    dialog = SignInDialog(accounts, parent, note=tr("ui.damaged.sign_in", file=source))
    dialog.resize(560, 0)
    fit_height(dialog)  # the note's lines whole: a long path cut them off
    return dialog.user if dialog.exec() else None


def offer_restore(
    parent: QWidget | None, path: Path, error: SalaError, *,
    asking: Callable[..., bool] = ask,
    choosing: Callable[..., Path | None] = choose,
    signing_in: Callable[..., User | None] = sign_in,
) -> Path | None:  # fmt: skip
    """Offer a restore over the damaged database at `path`; the safety copy once restored,
    None if the person closed instead. A backup refused, a sign-in cancelled or refused
    brings the offer back: another backup may do. (`asking`, `choosing`, `signing_in`
    are the three dialogs; a test stands in for them.)"""
    while asking(parent, path, error):
        source = choosing(parent, path)
        if source is None:
            continue
        prepared = _wait(parent, lambda _, source=source: prepare_restore(source),
                         title=tr("win.restore.checking", path=str(source)))  # fmt: skip
        if prepared is None:
            continue
        safety = _restore(parent, path, source, prepared, signing_in)
        if safety is not None:
            QMessageBox.information(parent, tr("app.title"), tr("restore.done", path=str(safety)))
            return safety
    return None


def _restore(
    parent: QWidget | None, path: Path, source: Path, prepared: PreparedBackup,
    signing_in: Callable[..., User | None],
) -> Path | None:  # fmt: skip
    try:
        accounts = prepared.accounts()
        try:
            user = signing_in(parent, accounts, source)
        finally:
            accounts.close()
        if user is None:
            return None
        actor = user.actor()
        return _wait(parent, lambda _: restore_from(path, source, actor, prepared=prepared),
                     title=tr("win.restore.working"), cancellable=False)  # fmt: skip
    finally:
        prepared.discard()


def _wait(parent: QWidget | None, work: Callable[[Any], Any], **options: Any) -> Any:
    """`work` in the background with its progress box, waited for here (the window has
    nothing else to do yet); its result, or None once its refusal has been shown."""
    result: list[Any] = []
    loop = QEventLoop()
    op = ops.in_background(parent, None, None, work, done=result.append, **options)
    op.finished.connect(loop.quit)
    loop.exec()
    return result[0] if result else None
