"""Issue 16: reports a section head signs as they come out of the printer.

One demo year with the office named in Settings, accounts with display names, an
event classified and the summary signed in the app, every report written in Thai and
English from it, read back with poppler (pages) and PDFium (search).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pdfcheck import needs_poppler, pdf_text

import core.calendar
from core.db import open_db
from core.office import set_office
from core.users import Actor, act_as, create_user, os_actor
from inspection.demo import fill_demo_plan, fill_demo_rounds, fill_demo_survey
from reports.catalog import build_report
from security.demo import fill_demo_guard
from security.indicator import classify_event
from security.reports import mark_month_checked
from summary.signing import sign_annual_summary

PINNED_NOW = datetime(2021, 9, 30, 18, 0)
HEAD = "นางสมหญิง ใจดี"
HEAD_POSITION = "หัวหน้ากลุ่มงานอาคารสถานที่"
HEAD_EN = "Mrs Somying Jaidee"
HEAD_POSITION_EN = "Head of the Building Office"
KEYS = ("annual", "floor", "round", "blank", "guard-month", "incident")


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Iterator[dict]:
    saved = core.calendar.clock
    core.calendar.clock = lambda: PINNED_NOW
    folder = tmp_path_factory.mktemp("signed")
    db = open_db(folder / "demo.db")
    try:
        create_user(db, "admin", "ผู้ดูแลระบบ", "admin", "password-1")
        act_as(db, Actor("admin", "admin"))
        create_user(db, "somying", HEAD, "section_head", "password-2")
        set_office(db, head_name_th=HEAD, head_position_th=HEAD_POSITION,
                   head_name_en=HEAD_EN, head_position_en=HEAD_POSITION_EN)  # fmt: skip
        act_as(db, os_actor("demo"))  # the demo fills a year as `main.py demo` does
        fill_demo_rounds(db, 2564)
        fill_demo_survey(db, 2564)
        fill_demo_guard(db, 2564)
        fill_demo_plan(db, 2564)
        act_as(db, Actor("somying", "section_head"))
        pending = db.execute(
            "SELECT e.uuid FROM guard_events e WHERE e.counts IS NULL ORDER BY e.id LIMIT 1"
        ).fetchone()[0]
        classify_event(db, pending, False, "ไม่ได้เกิดจากความบกพร่องของเจ้าหน้าที่")
        mark_month_checked(db, 2021, 1, "ครบตามสัญญา")
        sign_annual_summary(db, 2564)
        failed = db.execute(
            "SELECT uuid FROM rounds WHERE status = 'final' AND passed = 0 ORDER BY id LIMIT 1"
        ).fetchone()[0]
        scopes = {
            "annual": {"fy": 2564},
            "floor": {"fy": "2564", "floor": "1"},
            "round": {"round": failed},
            "blank": {"point": "F1-01"},
            "guard-month": {"month": "2021-01"},
            "incident": {"incident": pending},
        }
        pdfs = {}
        for lang in ("th", "en"):
            for key in KEYS:
                pdfs[key, lang] = build_report(db, key, folder / f"{key}-{lang}.pdf",
                                               scopes[key], lang=lang)  # fmt: skip
        yield {
            "db": db,
            "pdfs": pdfs,
            "scopes": scopes,
            "folder": folder,
            "event": pending,
            "path": folder / "demo.db",
        }
    finally:
        db.close()
        core.calendar.clock = saved


def pages(pdf: Path) -> list[str]:
    return pdf_text(pdf).split("\f")[:-1]


def flat(text: str) -> str:
    """The text without whitespace: lines wrap anywhere, every character stays exact."""
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------- point 1 in the reports


def test_the_annual_summary_is_searchable_in_pdfium_for_words_with_sara_am(year) -> None:
    doc = pdfium.PdfDocument(str(year["pdfs"]["annual", "th"]))
    try:
        text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
        for word in ("ห้องน้ำ", "สำนักงาน", "ดำเนินงาน", "ตำแหน่ง", "ตัวชี้วัด"):
            assert word in text, word
            assert doc[0].get_textpage().search(word).get_next() is not None or any(
                doc[i].get_textpage().search(word).get_next() for i in range(len(doc))
            ), word
    finally:
        doc.close()


# ---------------------------------------------------------------- point 2: pages


@needs_poppler
@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("key", ["round", "blank"])
def test_the_round_form_and_the_blank_form_fit_one_page_with_signatures(year, key, lang) -> None:
    (page,) = pages(year["pdfs"][key, lang])
    sign = "ลงชื่อ ....." if lang == "th" else "Signed ....."
    assert page.count(sign) == 2
    total = "คะแนนรวม" if lang == "th" else "Total"
    assert total in page


@needs_poppler
def test_the_blank_form_names_no_fiscal_year_unless_asked(year, tmp_path) -> None:
    assert "ปีงบประมาณ" not in pages(year["pdfs"]["blank", "th"])[0]
    pdf = build_report(year["db"], "blank", tmp_path / "b.pdf", {"point": "F1-01", "fy": "2565"})
    assert "ปีงบประมาณ พ.ศ. 2565" in pages(pdf)[0]


@needs_poppler
def test_the_blank_form_gives_date_and_time_their_own_fields(year) -> None:
    page = pages(year["pdfs"]["blank", "th"])[0]
    assert "........ / ........ / ............" in page
    assert "........ : ........ น." in page


@needs_poppler
def test_a_5000_character_note_flows_onto_a_second_page_that_names_point_and_round(
    year, tmp_path
) -> None:
    db = year["db"]
    rnd_uuid = year["scopes"]["round"]["round"]
    note = ("พื้นห้องน้ำเปียกและมีคราบสกปรกบริเวณอ่างล้างมือ แจ้งแม่บ้านทำความสะอาดแล้ว " * 80)[:5000]
    row = db.execute("SELECT id, note FROM rounds WHERE uuid = ?", [rnd_uuid]).fetchone()
    db.execute(
        "INSERT OR REPLACE INTO round_notes(round_id, no, note) VALUES (?, 5, ?)", [row[0], note]
    )
    db.conn.commit()
    try:
        for lang in ("th", "en"):
            pdf = build_report(db, "round", tmp_path / f"long-{lang}.pdf", {"round": rnd_uuid},
                               lang=lang)  # fmt: skip
            got = pages(pdf)
            assert len(got) >= 2
            sign = "ลงชื่อ ....." if lang == "th" else "Signed ....."
            assert got[0].count(sign) == 2  # the form and its signatures stay on page 1
            code = db.execute(
                "SELECT p.code FROM rounds r JOIN points p ON p.id = r.point_id WHERE r.uuid = ?",
                [rnd_uuid],
            ).fetchone()[0]
            for page in got[1:]:
                # The header (drawn last, so read last) names the point and the round.
                assert code in page and rnd_uuid in page, page[-300:]
            assert flat(note).strip()[:200] in flat("".join(got[1:]))
    finally:
        db.execute("DELETE FROM round_notes WHERE round_id = ? AND no = 5", [row[0]])
        db.conn.commit()


# ---------------------------------------------------------------- point 3: who signs


@needs_poppler
def test_signature_blocks_print_names_and_positions_never_a_login(year) -> None:
    for key in KEYS:
        text = pdf_text(year["pdfs"][key, "th"])
        assert "somying" not in text and "admin" not in text, key
    annual = flat(pdf_text(year["pdfs"]["annual", "th"]))
    assert flat(f"({HEAD})") in annual and flat(f"ตำแหน่ง {HEAD_POSITION}") in annual
    # The signature's own moment (the audit row's), in B.E. with the Thai month.
    signed = flat(f"ลงนามรับรองในระบบโดย {HEAD} ตำแหน่ง {HEAD_POSITION} เมื่อวันที่")
    assert re.search(rf"{signed}\d{{1,2}}\S+25\d\dเวลา\d\d:\d\dน\.รหัสประวัติณการลงนาม:"
                     r"[0-9a-f]{64}", annual), annual[-600:]  # fmt: skip
    english = flat(pdf_text(year["pdfs"]["annual", "en"]))
    assert flat(f"({HEAD_EN})") in english and flat(HEAD_POSITION_EN) in english


@needs_poppler
def test_the_approver_is_the_signer_while_settings_name_no_section_head(year, tmp_path) -> None:
    """The approver's block stayed dotted lines after `sign annual` when Settings named no
    section head (review): the signer, by display name and role, approves."""
    import shutil

    copy = tmp_path / "copy.db"
    year["db"].execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(year["path"], copy)
    db = open_db(copy)
    try:
        act_as(db, Actor("admin", "admin"))
        set_office(db, head_name_th="", head_position_th="", head_name_en="",
                   head_position_en="")  # fmt: skip
        out = build_report(db, "annual", tmp_path / "a.pdf", {"fy": "2564"})
    finally:
        db.close()
    annual = flat(pdf_text(out))
    assert flat(f"({HEAD})") in annual and flat("ตำแหน่ง หัวหน้ากลุ่มงาน") in annual


@needs_poppler
def test_the_round_form_prints_the_inspector_and_the_section_head(year) -> None:
    db = year["db"]
    inspector = db.execute(
        "SELECT inspector FROM rounds WHERE uuid = ?", [year["scopes"]["round"]["round"]]
    ).fetchone()[0]
    text = flat(pdf_text(year["pdfs"]["round", "th"]))
    assert flat(f"({inspector})") in text and flat("ตำแหน่ง เจ้าหน้าที่ผู้ตรวจประเมิน") in text
    assert flat(f"({HEAD})") in text and flat(f"ตำแหน่ง {HEAD_POSITION}") in text


@needs_poppler
def test_the_incident_report_names_the_supervisor_and_the_one_who_classified(year) -> None:
    db = year["db"]
    supervisor = db.execute(
        "SELECT r.supervisor FROM guard_events e JOIN guard_reports r ON r.id = e.report_id"
        " WHERE e.uuid = ?",
        [year["event"]],
    ).fetchone()[0]
    text = flat(pdf_text(year["pdfs"]["incident", "th"]))
    assert flat(f"({supervisor})") in text
    assert flat(f"ผู้พิจารณา {HEAD} ({HEAD_POSITION})") in text
    assert flat(f"({HEAD})") in text


@needs_poppler
def test_the_office_named_in_settings_heads_every_page(year, tmp_path) -> None:
    db = year["db"]
    act_as(db, Actor("admin", "admin"))
    set_office(db, name_th="สำนักงานทดสอบ ชั้น 9", name_en="Test office")
    try:
        pdf = build_report(db, "floor", tmp_path / "f.pdf", {"fy": 2564, "floor": "2"})
        assert all("สำนักงานทดสอบ ชั้น 9" in page for page in pages(pdf))
        assert "กลุ่มงานอาคารสถานที่ ส่วนบริหารกลาง" not in pdf_text(pdf)
        pdf = build_report(db, "floor", tmp_path / "f.pdf", {"fy": 2564, "floor": "2"}, lang="en")
        assert all("Test office" in page for page in pages(pdf))
    finally:
        from core.office import default_office

        base = default_office()
        set_office(db, name_th=base.name_th, name_en=base.name_en)
        act_as(db, Actor("somying", "section_head"))


# ---------------------------------------------------------------- point 4: contents


@needs_poppler
def test_the_annual_summary_states_its_period_and_follows_the_plans_order(year) -> None:
    """Plan, ตาราง ก: ลำดับที่ 1 is the guards' incident indicator, ลำดับที่ 2 the restrooms'."""
    text = flat(pdf_text(year["pdfs"]["annual", "th"]))
    assert flat("ระยะเวลาดำเนินการ 1 ตุลาคม 2563 - 30 กันยายน 2564") in text
    assert text.index(flat("ตัวชี้วัดที่ 1")) < text.index(flat("ตัวชี้วัดที่ 2"))
    assert text.index(flat("2. ตัวชี้วัดที่ 1")) < text.index(flat("3. ตัวชี้วัดที่ 2"))
    english = flat(pdf_text(year["pdfs"]["annual", "en"]))
    assert flat("Period covered: 1 October 2020 - 30 September 2021") in english


@needs_poppler
def test_failing_points_name_their_failed_items_and_open_actions(year) -> None:
    db = year["db"]
    text = flat(pdf_text(year["pdfs"]["annual", "th"]))
    assert re.search(r"ข้อ\d+.{5,80}:ได้\dคะแนน\(ต้องได้อย่างน้อย2\)", text)
    open_action = db.execute(
        "SELECT what FROM corrective_actions WHERE closed_date IS NULL ORDER BY id LIMIT 1"
    ).fetchone()
    if open_action:
        assert flat(open_action[0])[:30] in text


@needs_poppler
def test_an_overdue_corrective_action_is_flagged(year, tmp_path) -> None:
    db = year["db"]
    action = db.execute(
        "SELECT a.uuid, p.floor FROM corrective_actions a JOIN points p ON p.id = a.point_id"
        " WHERE a.closed_date IS NULL ORDER BY a.id LIMIT 1"
    ).fetchone()
    assert action is not None, "the demo year leaves some corrective action open"
    db.execute("UPDATE corrective_actions SET due_date = '2021-01-26' WHERE uuid = ?", [action[0]])
    db.conn.commit()
    annual = flat(pdf_text(build_report(db, "annual", tmp_path / "a.pdf", {"fy": 2564})))
    assert flat("กำหนดเสร็จ 26 ม.ค. 2564) — เกินกำหนด 247 วัน") in annual
    floor = build_report(db, "floor", tmp_path / "f.pdf", {"fy": 2564, "floor": str(action[1])})
    assert flat("เกินกำหนด 247 วัน") in flat(pdf_text(floor))


@needs_poppler
def test_the_floor_report_shows_every_failed_round_of_the_year(year) -> None:
    db = year["db"]
    failed = db.execute(
        "SELECT COUNT(*) FROM rounds r JOIN points p ON p.id = r.point_id WHERE p.floor = 1"
        " AND r.fiscal_year = 2564 AND r.status = 'final' AND r.passed = 0"
        " AND NOT EXISTS (SELECT 1 FROM rounds c WHERE c.supersedes = r.uuid)"
    ).fetchone()[0]
    text = flat(pdf_text(year["pdfs"]["floor", "th"]))
    # Every failed round is a row that says "ไม่ผ่าน"; the summary table adds one per failing point.
    rows = len(re.findall(r"25\d\d\d\d:\d\d\D+\d+/80ไม่ผ่าน", text))
    assert rows == failed
    assert flat("ตารางแสดงทุกรอบที่ไม่ผ่าน และรอบล่าสุด") in text


@needs_poppler
def test_a_round_that_failed_on_its_total_alone_says_so(year) -> None:
    text = flat(pdf_text(year["pdfs"]["floor", "th"]))
    assert flat("ผ่านครบทุกข้อ แต่คะแนนรวม") in text
    assert flat("ต่ำกว่าเกณฑ์ระดับดีมาก (71 คะแนนขึ้นไป)") in text


@needs_poppler
def test_project_2_says_its_weights_add_up_to_110_while_the_column_ends_at_100(year) -> None:
    text = flat(pdf_text(year["pdfs"]["annual", "th"]))
    assert flat("น้ำหนักรายขั้นตอนตามแผนรวมกันได้ร้อยละ 110 ขณะที่ช่องผลรวมสะสมสิ้นสุดที่ร้อยละ 100") in text
    assert text.count("น้ำหนักรายขั้นตอนตามแผนรวมกันได้") == 1  # project 1 adds up


@needs_poppler
def test_group_codes_come_with_their_names_and_the_chart_has_a_title(year) -> None:
    for key in ("round", "blank"):
        text = flat(pdf_text(year["pdfs"][key, "th"]))
        assert (
            flat("หมวด: H = สะอาด (Healthy), A = เพียงพอ (Accessibility), S = ปลอดภัย (Safety)")
            in text
        )
    annual = flat(pdf_text(year["pdfs"]["annual", "th"]))
    assert flat("แผนภูมิ: ร้อยละของผู้ตอบที่พึงพอใจระดับมากขึ้นไป แยกตามกลุ่มผู้ตอบ") in annual


# ---------------------------------------------------------------- point 5: English


@needs_poppler
def test_english_reports_say_which_fields_are_printed_in_thai(year) -> None:
    for key in ("annual", "incident"):
        text = flat(pdf_text(year["pdfs"][key, "en"]))
        assert flat("Printed in Thai as recorded") in text, key
        assert flat("event descriptions") in text, key


@needs_poppler
def test_english_plurals_and_eras(year) -> None:
    for key in KEYS:
        spaced = re.sub(r"\s+", " ", pdf_text(year["pdfs"][key, "en"]))
        assert not re.search(r"\b1 (shifts|events|days|actions)\b", spaced), key
        assert "B.E." not in spaced.replace("(B.E. 2564)", ""), key
        assert not re.search(r"\b25[5-7]\d\b", spaced.replace("(B.E. 2564)", "")), key


def test_guard_posts_print_by_their_english_names(year) -> None:
    from security.post_names import post_name, post_names_en

    names = post_names_en(year["db"])
    assert post_name(names, "ลานจอดรถ", "en") == "Car park"
    assert post_name(names, "ลานจอดรถ", "th") == "ลานจอดรถ"
    assert post_name(names, "จุดที่ไม่มีในรายชื่อ", "en") == "จุดที่ไม่มีในรายชื่อ"


def test_overdue_is_one_rule() -> None:
    from inspection.actions import CorrectiveAction

    a = CorrectiveAction(1, "u", 1, "F1-01", "r", 3, "ซ่อม", "", date(2021, 1, 26), None)
    assert a.overdue_on(date(2021, 1, 27)) and not a.overdue_on(date(2021, 1, 26))
    closed = CorrectiveAction(1, "u", 1, "F1-01", "r", 3, "ซ่อม", "", date(2021, 1, 26),
                              date(2021, 2, 1))  # fmt: skip
    assert not closed.overdue_on(date(2021, 3, 1))
