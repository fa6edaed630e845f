"""New-user finding 2 in the window: a damaged database showed only "the file is damaged"
with OK, and no message named the backups folder. Now the message names that folder and
offers a restore, decided by an administrator of the backup (the damaged file's accounts
are gone with it); the window then opens the restored file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

import ui.app as app_module
import ui.damaged as damaged
from core.backup import backup_to, backups_dir
from core.db import open_db
from core.errors import DatabaseDamaged
from core.integrity import check
from core.restore import last_restore
from core.users import act_as, create_user
from tests.actors import ADMIN, PASSWORD
from tests.core.test_restore_damaged import smash
from tests.shared import copy_database, pinned_now
from ui.signin import SignInDialog


@pytest.fixture(scope="module")
def made_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A database of `admin`, and its backup, which also holds `keeper` (an administrator
    of the backup only)."""
    folder = tmp_path_factory.mktemp("window-damaged")
    path, backup = folder / "office.db", folder / "backup.db"
    with pinned_now():
        db = open_db(path)
        create_user(db, "admin", "ผู้ดูแลระบบ", "admin", PASSWORD)
        db.close()
        copy_database(path, folder / "before.db")
        db = open_db(path)
        act_as(db, ADMIN)
        create_user(db, "keeper", "ผู้ดูแลสำรอง", "admin", PASSWORD)
        backup_to(db, backup)
        db.close()
    return folder / "before.db", backup


@pytest.fixture
def damaged_office(made_once, tmp_path: Path) -> tuple[Path, Path]:
    """The database, smashed, with the backup as its newest daily backup."""
    path, backup = made_once
    db_path = copy_database(path, tmp_path / "office.db")
    folder = backups_dir(db_path)
    folder.mkdir()
    daily = copy_database(backup, folder / "sala-rounds-2021-09-30.db")
    smash(db_path)
    return db_path, daily


def _error(db_path: Path) -> DatabaseDamaged:
    with pytest.raises(DatabaseDamaged) as err:
        open_db(db_path)
    return err.value


def test_the_damaged_message_names_the_backups_folder_and_offers_a_restore(
    damaged_office, qtbot
) -> None:
    db_path, _ = damaged_office
    box = damaged.damaged_box(None, db_path, _error(db_path))
    qtbot.addWidget(box)
    folder = backups_dir(db_path)
    assert "ไฟล์เสียหาย" in box.text()
    assert f"ข้อมูลสำรองประจำวันอยู่ในโฟลเดอร์ {folder}" in box.text()
    assert "the file is damaged" in box.informativeText()
    assert f"The daily backups are in the folder {folder}." in box.informativeText()
    assert [b.text() for b in box.buttons()] == ["กู้คืนจากข้อมูลสำรอง…", "ปิดโปรแกรม"]
    assert box.defaultButton() is box.property("restore_button")


def test_the_window_restores_a_damaged_database_and_opens_the_restored_file(
    damaged_office, qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path, daily = damaged_office
    seen: dict[str, object] = {}

    def asking(parent, path, error):
        seen.setdefault("asked", []).append(error.en)  # type: ignore[union-attr]
        return True

    def choosing(parent, path):
        return daily

    def signing_in(parent, accounts, source):
        """The real dialog, over the backup's checked copy: first a wrong password,
        then keeper, whom the damaged file never knew."""
        dialog = SignInDialog(accounts, parent, note=damaged.tr("ui.damaged.sign_in",
                                                                file=source))  # fmt: skip
        dialog.username.setText("keeper")
        dialog.password.setText("wrong password")
        dialog.submit()
        seen["refused"] = dialog.error.text()
        dialog.password.setText(PASSWORD)
        dialog.submit()
        return dialog.user

    def offer(parent, path, error):
        return damaged.offer_restore(parent, path, error, asking=asking, choosing=choosing,
                                     signing_in=signing_in)  # fmt: skip

    def sign_in(db, **kw):
        seen["opened"] = check(db).ok  # the restored file, opened as the window opens one
        return None  # then closed

    monkeypatch.setattr(QMessageBox, "information",
                        lambda parent, title, text: seen.__setitem__("told", text))  # fmt: skip
    monkeypatch.setattr(app_module, "_offer_restore", offer)
    monkeypatch.setattr(app_module, "_sign_in", sign_in)
    assert app_module._session(qapp, db_path) == 0
    assert len(seen["asked"]) == 1 and "damaged" in seen["asked"][0]  # type: ignore[arg-type]
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in str(seen["refused"])
    assert seen["opened"] is True
    db = open_db(db_path)
    try:
        note = last_restore(db)
        assert note is not None and note.actor == "keeper" and note.source == str(daily)
        assert Path(note.kept_as).exists()
        assert str(seen["told"]).startswith("กู้คืนแล้ว ไฟล์เดิมเก็บไว้ที่ ")
    finally:
        db.close()


def test_closing_the_offer_leaves_the_damaged_file_as_it_was(
    damaged_office, qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path, _ = damaged_office
    before = db_path.read_bytes()

    def offer(parent, path, error):
        return damaged.offer_restore(parent, path, error, asking=lambda *a: False)

    monkeypatch.setattr(app_module, "_offer_restore", offer)
    monkeypatch.setattr(app_module, "_sign_in", lambda *a, **k: pytest.fail("signed in"))
    assert app_module._session(qapp, db_path) == 2
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["backups", "office.db"]
