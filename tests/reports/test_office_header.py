"""Reports name the office the database belongs to (issue 18 point 1)."""

from __future__ import annotations

from core.office import set_office
from core.users import create_user
from inspection.points import get_point
from reports.restroom_pdf import build_blank_form_pdf
from tests.reports.pdfcheck import needs_poppler, norm, pdf_text


@needs_poppler
def test_a_district_office_s_report_names_it_in_the_header(db, tmp_path) -> None:
    create_user(db, "admin", "ผู้ดูแล", "admin", "password1")
    set_office(db, code="D04", name_th="สำนักงานเขตบางรัก", name_en="Bang Rak District Office")
    th = build_blank_form_pdf(db, get_point(db, "F1-01"), tmp_path / "th.pdf", lang="th")
    en = build_blank_form_pdf(db, get_point(db, "F1-01"), tmp_path / "en.pdf", lang="en")
    assert norm("สำนักงานเขตบางรัก") in norm(pdf_text(th))
    assert "Bang Rak District Office" in pdf_text(en)
    assert norm("ส่วนบริหารกลาง") not in norm(pdf_text(th))


@needs_poppler
def test_city_hall_s_building_office_keeps_its_full_name(db, tmp_path) -> None:
    th = build_blank_form_pdf(db, get_point(db, "F1-01"), tmp_path / "th.pdf", lang="th")
    assert norm("กลุ่มงานอาคารสถานที่ ส่วนบริหารกลาง") in norm(pdf_text(th))
