"""The office a database belongs to (issues 16 and 18): defaults, checks, rights."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.office import DEFAULT_CODE, office, set_office
from core.users import PermissionDenied, act_as, create_user


def test_a_new_database_belongs_to_the_city_hall_building_office(db) -> None:
    o = office(db)
    assert o.code == DEFAULT_CODE
    assert o.name("th").startswith("กลุ่มงานอาคารสถานที่")
    assert o.head_name("th") == "" and o.head_position("en") == ""


def test_an_administrator_sets_the_office_and_its_section_head(db) -> None:
    create_user(db, "admin", "ผู้ดูแล", "admin", "password1")
    o = set_office(db, code="b02", head_name_th="นางสาวสมศรี มีสุข",
                   head_position_th="หัวหน้ากลุ่มงานอาคารสถานที่")  # fmt: skip
    assert o.code == "B02"
    assert o.head_name("th") == "นางสาวสมศรี มีสุข"
    # No English name given: the Thai one prints rather than a blank line.
    assert o.head_name("en") == "นางสาวสมศรี มีสุข"
    assert office(db) == o
    kinds = [r[0] for r in db.execute("SELECT record_uuid FROM audit_log WHERE kind='setting'")]
    assert "office.code" in kinds and "office.head_name_th" in kinds


@pytest.mark.parametrize(
    ("field", "value"),
    [("code", "ศาลา"), ("code", ""), ("code", "A" * 17), ("name_th", ""),
     ("head_name_th", "สอง\nบรรทัด"), ("head_position_en", "x" * 201)],
)  # fmt: skip
def test_bad_office_values_are_refused_and_nothing_is_written(db, field, value) -> None:
    create_user(db, "admin", "ผู้ดูแล", "admin", "password1")
    before = office(db)
    with pytest.raises(InvalidInput) as err:
        # A valid value beside the bad one is not written either.
        set_office(db, **{"head_position_en": "Head of the building section", field: value})
    assert err.value.field.startswith("office_")
    assert office(db) == before


def test_only_an_administrator_sets_the_office(db) -> None:
    create_user(db, "admin", "ผู้ดูแล", "admin", "password1")
    inspector = create_user(db, "staff1", "สมชาย", "inspector", "password1")
    act_as(db, inspector.actor())
    with pytest.raises(PermissionDenied):
        set_office(db, code="B03")
    assert office(db).code == DEFAULT_CODE
