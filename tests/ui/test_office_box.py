"""Settings, issue 16: the office's names and the section head who signs its reports."""

from core.office import office
from core.users import Actor, act_as
from security.post_names import post_names_en


def test_an_administrator_names_the_office_and_its_section_head(window, db) -> None:
    act_as(db, Actor("admin", "admin"))
    box = window.settings.office_box
    box.edits["head_name_th"].setText("นางสมหญิง ใจดี")
    box.edits["head_position_th"].setText("หัวหน้ากลุ่มงานอาคารสถานที่")
    box.edits["head_name_en"].setText("Mrs Somying Jaidee")
    box.post_edits["ลานจอดรถ"].setText("Staff car park")
    assert box.save()
    saved = office(db)
    assert saved.head_name("th") == "นางสมหญิง ใจดี"
    assert saved.head_position("th") == "หัวหน้ากลุ่มงานอาคารสถานที่"
    assert saved.head_name("en") == "Mrs Somying Jaidee"
    # No English position given: English reports print the Thai one.
    assert saved.head_position("en") == "หัวหน้ากลุ่มงานอาคารสถานที่"
    assert post_names_en(db)["ลานจอดรถ"] == "Staff car park"


def test_an_office_without_a_name_is_refused_and_nothing_is_saved(window, db) -> None:
    act_as(db, Actor("admin", "admin"))
    box = window.settings.office_box
    before = office(db)
    box.edits["name_th"].setText("   ")
    box.edits["head_name_th"].setText("ชื่อที่ไม่ควรถูกบันทึก")
    assert not box.save()
    # One language on screen (issue 17): the English waits in the tooltip.
    assert "ต้องระบุชื่อหน่วยงาน" in box.message.text() and "needs a name" in box.message.toolTip()
    assert office(db) == before
    assert box.edits["head_name_th"].text() == "ชื่อที่ไม่ควรถูกบันทึก"  # what was typed stays


def test_only_an_administrator_edits_the_office(window, db) -> None:
    page = window.settings
    act_as(db, Actor("somchai", "inspector"))
    page.apply_role()
    assert not page.office_box.isEnabled()
    act_as(db, Actor("head", "section_head"))
    page.apply_role()
    assert not page.office_box.isEnabled()
    act_as(db, Actor("admin", "admin"))
    page.apply_role()
    assert page.office_box.isEnabled()


def test_the_office_box_follows_the_language(window, db) -> None:
    from core.i18n import set_language

    box = window.settings.office_box
    set_language("en")
    try:
        window.settings.retranslate()
        assert box.title() == "Office and report signatures"
    finally:
        set_language("th")
        window.settings.retranslate()
    assert box.title() == "หน่วยงานและผู้ลงนามในรายงาน"
