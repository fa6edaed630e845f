"""Issue 9 in the window: the Sync page sends, receives and shows what came in."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

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


def test_sync_page_receives_a_file_and_shows_the_device_and_result(qtbot, window, db,
                                                                   tmp_path) -> None:  # fmt: skip
    page = window.sync
    window.show_widget(page)
    assert window.stack.currentWidget() is page
    assert page.table.rowCount() == 1  # this laptop only
    assert "ยังไม่เคยรับ" in page.result_text.toPlainText()

    told: list[Change] = []
    window.hub.changed.connect(told.append)
    assert settle(qtbot, page.receive(_other_laptop(tmp_path))) == "done"
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
    assert page.send(tmp_path / "later.srsync", "31/02/2564") is None
    assert "31/02/2564" in page.message.text() and "not valid" in page.message.toolTip()
    # "ช่อง since": the field reads in Thai too.
    assert "ตั้งแต่วันที่ (since)" in page.message.text()

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
