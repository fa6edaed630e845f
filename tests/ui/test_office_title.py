"""The window names the office the database belongs to (issue 18 point 1)."""

from __future__ import annotations

from core.i18n import set_language
from core.office import set_office
from core.users import create_user
from ui.ops import Change


def test_the_window_title_names_a_district_office_and_follows_a_rename(window, db) -> None:
    assert "ศาลาว่าการกรุงเทพมหานคร" in window.windowTitle()  # City Hall's office: as before
    create_user(db, "admin", "ผู้ดูแล", "admin", "password1")
    set_office(db, code="D04", name_th="สำนักงานเขตบางรัก", name_en="Bang Rak District Office")
    window.hub.changed.emit(Change.SETTINGS)
    assert window.windowTitle() == "Sala Rounds — สำนักงานเขตบางรัก"
    set_language("en")
    window.retranslate()
    assert window.windowTitle() == "Sala Rounds — Bang Rak District Office"
