"""Issue 9 in the window: the Sync page sends, receives and shows what came in."""

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


def test_sync_page_receives_a_file_and_shows_the_device_and_result(qtbot, window, db,
                                                                   tmp_path) -> None:  # fmt: skip
    page = window.sync
    window.show_widget(page)
    assert window.stack.currentWidget() is page
    assert page.table.rowCount() == 1  # this laptop only
    assert "ยังไม่เคยรับ" in page.result_text.toPlainText()

    told: list[str] = []
    window.hub.changed.connect(told.append)
    # Issue 14: the other laptop is not trusted yet. The administrator is shown its key's
    # fingerprint; declining changes nothing, trusting merges the file.
    asked: list[str] = []
    page.ask_trust = lambda exc: asked.append(exc.fingerprint) or False
    other = _other_laptop(tmp_path)
    assert not page.receive(other)
    assert asked and asked[0] in page.message.text() and "not trusted" in page.message.text()
    assert satisfaction(db, 2564).respondents == 0 and page.trusted.rowCount() == 0
    page.ask_trust = lambda exc: True
    assert page.receive(other)
    assert page.trusted.rowCount() == 1 and page.trusted.item(0, 1).text() == asked[0]
    assert "all" in told  # every page showing records reloads
    assert satisfaction(db, 2564).respondents == 1
    assert page.table.rowCount() == 2
    assert page.table.item(1, 4).text() == "4"  # 2 rounds, 1 action, 1 answer
    text = page.result_text.toPlainText()
    assert "รอบตรวจ 2" in text and "แบบสอบถาม 1" in text

    # A damaged file is refused in both languages and changes nothing.
    bad = tmp_path / "bad.srsync"
    bad.write_bytes(b"PK\x03\x04 not really")
    assert not page.receive(bad)
    assert "ไม่รับไฟล์" in page.message.text() and "refused" in page.message.text()

    assert page.send(tmp_path / "mine.srsync")
    assert (tmp_path / "mine.srsync").exists() and "SHA-256" in page.message.text()
    assert not page.send(tmp_path / "later.srsync", "31/02/2564")
    assert "31/02/2564" in page.message.text() and "not valid" in page.message.text()

    set_language("en")
    window.hub.language_changed.emit("en")
    assert "Added: rounds 2" in page.result_text.toPlainText()
    assert page.table.horizontalHeaderItem(1).text() == "Last sent"
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
    from core.users import Actor, act_as

    page = window.sync
    window.show_widget(page)
    assert "ลายนิ้วมือ" in page.key_label.text()  # this computer's key, made at first sight
    act_as(db, Actor("head", "section_head"))
    page.reload()
    assert not page.untrust_button.isVisible()
    page.ask_trust = lambda exc: pytest.fail("a section head is not asked")
    assert not page.receive(_other_laptop(tmp_path))
    assert trusted_devices(db) == []
    act_as(db, Actor("admin", "admin"))
    page.reload()
    assert page.untrust_button.isVisible()
    page.ask_trust = lambda exc: True
    assert page.receive(tmp_path / "other.srsync")
    (trusted,) = trusted_devices(db)
    assert trusted.trusted_by == "admin"
    assert page.untrust(trusted.device_id)
    assert trusted_devices(db) == [] and page.trusted.rowCount() == 0
