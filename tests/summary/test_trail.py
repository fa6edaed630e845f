"""The audit trail in words (issue 17 point 7) for what issues 15 and 16 record: the
office and its signer set in Settings, a point taken out of the year's count."""

from core.audit import rows
from core.office import set_office
from core.users import act_as, create_user
from inspection.points import set_point_active
from summary.trail import sentences
from tests.actors import HEAD


def _said(db, lang: str, kind: str) -> list[str]:
    return [what for _, _, what in sentences(db, rows(db, kind=kind), lang)]


def test_the_office_and_its_signer_read_in_words_not_as_setting_keys(db) -> None:
    admin = create_user(db, "admin", "สมชาย ใจดี", "admin", "long enough 1")
    act_as(db, admin.actor())
    set_office(db, code="D04", name_th="สำนักงานเขตบางรัก", name_en="Bang Rak District Office",
               head_name_th="นางสมศรี รักงาน")  # fmt: skip
    thai, english = _said(db, "th", "setting"), _said(db, "en", "setting")
    assert "สมชาย ใจดี ตั้งค่า ชื่อหน่วยงาน (ไทย) เป็น สำนักงานเขตบางรัก" in thai
    assert "สมชาย ใจดี ตั้งค่า ชื่อหัวหน้ากลุ่มงาน เป็น นางสมศรี รักงาน" in thai
    assert "สมชาย ใจดี set the office's English name to Bang Rak District Office" in english
    assert not any("office." in line for line in thai + english)


def test_a_point_taken_out_of_use_is_named(db) -> None:
    act_as(db, HEAD)  # which points count is the section head's decision (issue 15)
    set_point_active(db, "F5-05", False, "2021-09-01")
    # "head" has no account in this file: the trail names the user as recorded.
    assert _said(db, "th", "point") == ["head ปิดจุดบริการ F5-05 ตั้งแต่ 1 ก.ย. 2564"]
    assert _said(db, "en", "point") == ["head took point F5-05 out of use from 1 Sep 2021"]
