"""Issue 16 point 2: no text of any length ends in a layout error.

Every field a report prints is given the longest text it accepts: the limit where the
domain has one (office settings 200 characters, an inspector's name 100, a post's
English name 100), 5,000 characters (Thai and English words, and a long run with no
break at all) where it has none. Every report is written from it in Thai and English,
and in English every word cut at a line end carries a hyphen.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime

import pytest
from pdfcheck import needs_poppler, pdf_text

import core.calendar
from core.db import open_db
from core.office import MAX_TEXT, set_office
from core.users import DISPLAY_NAME_MAX, Actor, act_as, create_user, os_actor
from inspection.demo import fill_demo_plan, fill_demo_rounds, fill_demo_survey
from reports import thai_wrap
from reports.catalog import build_report
from security.demo import fill_demo_guard
from security.reports import mark_month_checked

PINNED_NOW = datetime(2021, 9, 30, 18, 0)
LONGEST = 5000


def longest(n: int = LONGEST, *, seed: str = "") -> str:
    """`n` characters: Thai words, English words, and runs with no break in them."""
    parts = [
        seed,
        "ห้องน้ำสาธารณะสะอาดและพร้อมใช้งาน สำนักงานเลขานุการปลัดกรุงเทพมหานคร ",
        "Floor and walls clean, the extraordinarily-long-hyphenated-description goes on ",
        "ก" * 120 + " ",
        "Supercalifragilisticexpialidocious" * 4 + " ",
        "0123456789" * 8 + " ",
    ]
    text = ""
    while len(text) < n:
        text += "".join(parts)
    return text[:n]


@pytest.fixture(scope="module")
def long_year(tmp_path_factory) -> Iterator[dict]:
    saved = core.calendar.clock
    core.calendar.clock = lambda: PINNED_NOW
    folder = tmp_path_factory.mktemp("long")
    db = open_db(folder / "long.db")
    try:
        create_user(db, "admin", "ผู้ดูแลระบบ", "admin", "password-1")
        act_as(db, Actor("admin", "admin"))
        create_user(db, "head", longest(DISPLAY_NAME_MAX), "section_head", "password-2")
        set_office(db, **{f: longest(MAX_TEXT) for f in (
            "name_th", "name_en", "head_name_th", "head_name_en",
            "head_position_th", "head_position_en")})  # fmt: skip
        act_as(db, os_actor("demo"))
        fill_demo_rounds(db, 2564)
        fill_demo_survey(db, 2564)
        fill_demo_guard(db, 2564)
        fill_demo_plan(db, 2564)
        act_as(db, Actor("head", "section_head"))
        mark_month_checked(db, 2021, 1, longest())
        text = longest()
        # Direct writes: some fields have no limit in the domain at all, so the longest
        # text they accept is whatever a user types; these stand for that.
        rnd = db.execute(
            "SELECT r.id, r.uuid, r.point_id FROM rounds r JOIN points p ON p.id = r.point_id"
            " WHERE r.status = 'final' AND r.passed = 0 AND p.floor = 1 ORDER BY r.id LIMIT 1"
        ).fetchone()
        db.execute("UPDATE rounds SET inspector = ?, note = ?, reason = ? WHERE id = ?",
                   [longest(100), text, text, rnd[0]])  # fmt: skip
        for no in range(1, 21):
            db.execute("INSERT OR REPLACE INTO round_notes(round_id, no, note) VALUES (?, ?, ?)",
                       [rnd[0], no, text])  # fmt: skip
        db.execute("UPDATE points SET name_th = ?, name_en = ? WHERE id = ?", [text, text, rnd[2]])
        db.execute("UPDATE standard_items SET text_th = ?, text_en = ? WHERE no = 1", [text, text])
        db.execute("UPDATE corrective_actions SET what = ?, who = ?, closed_date = NULL"
                   " WHERE id IN (SELECT id FROM corrective_actions ORDER BY id LIMIT 2)",
                   [text, text])  # fmt: skip
        event = db.execute(
            "SELECT e.id, e.uuid, e.report_id FROM guard_events e JOIN guard_reports r"
            " ON r.id = e.report_id WHERE r.day BETWEEN '2021-01-01' AND '2021-01-31'"
            " ORDER BY e.id LIMIT 1"
        ).fetchone()
        if event is None:
            event = db.execute("SELECT id, uuid, report_id FROM guard_events LIMIT 1").fetchone()
        db.execute(
            "UPDATE guard_events SET place = ?, description = ?, action_taken = ?, reason = ?,"
            " counts = 1 WHERE id = ?",
            [text, text, text, text, event[0]],
        )
        db.execute("UPDATE guard_reports SET supervisor = ?, note = ?, posts = ?, patrols = ?"
                   " WHERE id = ?",
                   [text, text, json.dumps([text, text], ensure_ascii=False),
                    json.dumps(["10:00", "14:00"]), event[2]])  # fmt: skip
        db.execute("UPDATE guard_posts SET name_en = ? WHERE id = 1", [longest(100)])
        db.execute("UPDATE plan_steps SET title_th = ?, title_en = ?, evidence = ?,"
                   " evidence_en = ? WHERE step_no = 2", [text, text, text, text])  # fmt: skip
        db.execute("UPDATE plan_projects SET title_th = ?, title_en = ?", [text, text])
        db.conn.commit()
        scopes = {
            "annual": {"fy": 2564},
            "floor": {"fy": 2564, "floor": "1"},
            "round": {"round": rnd[1]},
            "blank": {
                "point": db.execute("SELECT code FROM points WHERE id = ?", [rnd[2]]).fetchone()[0],
                "fy": 2564,
            },  # fmt: skip
            "guard-month": {"month": "2021-01"},
            "incident": {"incident": event[1]},
        }
        yield {"db": db, "scopes": scopes, "folder": folder}
    finally:
        db.close()
        core.calendar.clock = saved


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("key", ["annual", "floor", "round", "blank", "guard-month", "incident"])
def test_every_report_writes_with_the_longest_text_of_every_field(long_year, key, lang,
                                                                  monkeypatch) -> None:  # fmt: skip
    cuts: list[tuple[str, list[str]]] = []
    real = thai_wrap.break_lines

    def recording(text, font_name, font_size, width):
        lines = real(text, font_name, font_size, width)
        cuts.append((text, lines))
        return lines

    monkeypatch.setattr(thai_wrap, "break_lines", recording)
    out = long_year["folder"] / f"{key}-{lang}.pdf"
    build_report(long_year["db"], key, out, long_year["scopes"][key], lang=lang)
    assert out.read_bytes().startswith(b"%PDF")
    if lang == "en":
        # A line that ends inside an English word ends with a hyphen.
        for text, lines in cuts:
            pos = 0
            for line in lines[:-1]:
                plain = line.removesuffix("-") if line.endswith("-") else line
                start = text.find(plain, pos)
                end = start + len(plain)
                pos = end
                if 0 < end < len(text) and not text[end].isspace():
                    before, after = text[end - 1], text[end]
                    if (
                        before.isascii()
                        and before.isalpha()
                        and after.isascii()
                        and after.isalpha()
                    ):
                        assert line.endswith("-"), (line, text[end : end + 10])


@needs_poppler
def test_the_round_form_keeps_its_page_and_prints_the_long_notes_after_it(long_year) -> None:
    out = long_year["folder"] / "round-notes.pdf"
    build_report(long_year["db"], "round", out, long_year["scopes"]["round"])
    pages = pdf_text(out).split("\f")[:-1]
    assert len(pages) > 2
    assert re.search(r"ลงชื่อ \.{10}", "".join(pages))
    assert "บันทึกฉบับเต็ม" in "".join(pages)
