"""Issue 9 in the window: the Sync page sends, receives and shows what came in; issue 14:
this computer's key, the computers trusted, and trusting one as its file arrives."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from core.db import open_db
from core.i18n import set_language
from inspection.survey import satisfaction
from sync.send import export_sync
from tests.sync.sync_helpers import add_rounds
from ui.ops import Change


def _other_laptop(tmp_path: Path) -> Path:
    other = open_db(tmp_path / "other.db")
    add_rounds(other, [("F2-02", datetime(2021, 4, 2, 9, 0), "สมศรี", [4] * 20),
                       ("F2-03", datetime(2021, 4, 2, 9, 20), "สมศรี", [1] + [4] * 19)])  # fmt: skip
    from inspection.survey import record_response

    record_response(other, "2021-04-03", None, "public", [5])
    out = tmp_path / "other.srsync"
    export_sync(other, out)
    other.close()
    return out


WAIT_MS = 60_000


def settle(qtbot, op) -> str:
    """Sync files are written and merged in the background (issue 17 point 9)."""
    assert op is not None
    qtbot.waitUntil(lambda: op.settled, timeout=WAIT_MS)
    return op.outcome


def receive(qtbot, page, path: Path) -> str:
    """Receive a file; an administrator who trusts its computer starts a second read: the
    outcome is the last one's."""
    first = page.receive(path)
    outcome = settle(qtbot, first)
    if page.operation is not first:
        outcome = settle(qtbot, page.operation)
    return outcome


def test_sync_page_receives_a_file_and_shows_the_device_and_result(qtbot, window, db,
                                                                   tmp_path) -> None:  # fmt: skip
    page = window.sync
    window.show_widget(page)
    assert window.stack.currentWidget() is page
    assert page.table.rowCount() == 1  # this laptop only
    assert "ยังไม่เคยรับ" in page.result_text.toPlainText()

    told: list[Change] = []
    window.hub.changed.connect(told.append)
    # Issue 14: the other laptop is not trusted yet. The administrator is shown its key's
    # fingerprint; declining changes nothing, trusting merges the file.
    asked: list[str] = []
    page.ask_trust = lambda exc: asked.append(exc.fingerprint) or False
    other = _other_laptop(tmp_path)
    assert receive(qtbot, page, other) == "failed"
    assert asked and asked[0] in page.message.text()
    assert "not trusted" in page.message.toolTip()  # the English in the tooltip
    assert satisfaction(db, 2564).respondents == 0 and page.trusted.rowCount() == 0
    page.ask_trust = lambda exc: True
    assert receive(qtbot, page, other) == "done"
    assert page.trusted.rowCount() == 1 and page.trusted.item(0, 1).text() == asked[0]
    assert asked[0] in page.message.text()  # "trusted now", with the fingerprint
    assert Change.ALL in told  # every page showing records reloads
    assert satisfaction(db, 2564).respondents == 1
    assert page.table.rowCount() == 2
    assert page.table.item(1, 4).text() == "4"  # 2 rounds, 1 action, 1 answer
    text = page.result_text.toPlainText()
    assert "รอบตรวจ 2" in text and "แบบสอบถาม 1" in text

    # A damaged file is refused in both languages and changes nothing.
    bad = tmp_path / "bad.srsync"
    bad.write_bytes(b"PK\x03\x04 not really")
    assert settle(qtbot, page.receive(bad)) == "failed"
    # Thai on a Thai screen, the English in the tooltip (issue 17 point 7).
    assert "ไม่รับไฟล์" in page.message.text() and "refused" in page.message.toolTip()

    assert settle(qtbot, page.send(tmp_path / "mine.srsync")) == "done"
    assert (tmp_path / "mine.srsync").exists() and "SHA-256" in page.message.text()
    assert "ลายนิ้วมือ" in page.message.text()  # the key it was signed with
    assert page.send(tmp_path / "later.srsync", "31/02/2564") is None
    assert "31/02/2564" in page.message.text() and "not valid" in page.message.toolTip()
    # "ช่อง since": the field reads in Thai too.
    assert "ตั้งแต่วันที่ (since)" in page.message.text()

    set_language("en")
    window.hub.language_changed.emit("en")
    assert "Added: rounds 2" in page.result_text.toPlainText()
    assert page.table.horizontalHeaderItem(1).text() == "Last sent"
    assert page.trusted.horizontalHeaderItem(1).text() == "Key fingerprint"
    set_language("th")
    window.hub.language_changed.emit("th")
    if os.environ.get("SYNC_SHOT"):
        page.resize(1100, 700)
        Path(os.environ["SYNC_SHOT"]).parent.mkdir(parents=True, exist_ok=True)
        page.grab().save(os.environ["SYNC_SHOT"])


def test_only_an_administrator_is_asked_to_trust_and_may_stop_trusting(
    qtbot, window, db, tmp_path
) -> None:
    """Issue 14, point 3: trusting a computer is an administrator's decision (sync.trust),
    checked in the domain; a section head may receive files but is not asked."""
    from core.devices import trusted_devices
    from core.users import act_as
    from sync.keys import device_key
    from tests.actors import ADMIN, HEAD

    page = window.sync
    device_key(db)  # made at first start, in the start-up check's thread (ui.app)
    window.show_widget(page)
    page.reload()
    assert device_key(db).fingerprint in page.key_label.text()
    act_as(db, HEAD)
    page.reload()
    assert not page.untrust_button.isEnabled()
    page.ask_trust = lambda exc: pytest.fail("a section head is not asked")
    assert receive(qtbot, page, _other_laptop(tmp_path)) == "failed"
    assert "not trusted" in page.message.toolTip()
    assert trusted_devices(db) == []
    act_as(db, ADMIN)
    page.reload()
    assert not page.untrust_button.isEnabled()  # nothing to stop trusting yet
    page.ask_trust = lambda exc: True
    assert receive(qtbot, page, tmp_path / "other.srsync") == "done"
    (trusted,) = trusted_devices(db)
    assert trusted.trusted_by == "admin"
    assert page.untrust_button.isEnabled()
    told: list[Change] = []
    window.hub.changed.connect(told.append)
    assert page.untrust(trusted.device_id)
    assert trusted_devices(db) == [] and page.trusted.rowCount() == 0
    # Signatures made there no longer count here: the Audit page and the summary reload.
    assert told and Change.SIGNATURES in told[-1] and Change.SYNC in told[-1]
    act_as(db, HEAD)
    assert not page.untrust(trusted.device_id)  # refused in the domain too
    assert "ไม่มีสิทธิ์" in page.message.text()


def test_the_key_s_fingerprint_shows_once_the_start_up_check_made_it(qtbot, window, db) -> None:
    """The key is made off the window's thread at first start; until then the page says
    so, and shows the fingerprint when the check's thread is done (ui.app.Session)."""
    from sync.keys import device_key, existing_key

    page = window.sync
    window.show_widget(page)
    if existing_key(db) is None:
        assert "กำลังสร้าง" in page.key_label.text()
    key = device_key(db)
    window.hub.changed.emit(Change.SYNC)
    assert key.fingerprint in page.key_label.text()


def test_the_trust_question_keeps_the_fingerprint_on_one_line(qtbot, window, db, tmp_path,
                                                              monkeypatch) -> None:  # fmt: skip
    """The question's box wrapped "... C493 8021" / "0B68": a fingerprint read in two pieces
    is hard to compare with the other computer's screen. Its spaces do not break."""
    from PySide6.QtWidgets import QMessageBox

    from sync.fileformat import UntrustedComputer
    from sync.receive import import_sync

    page = window.sync
    window.show_widget(page)
    path = _other_laptop(tmp_path)
    with pytest.raises(UntrustedComputer) as refused:
        import_sync(db, path)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.informativeText()))
    assert page.ask_trust(refused.value) is False  # no button clicked: not trusted
    assert refused.value.fingerprint.replace(" ", "\u00a0") in shown[0]
