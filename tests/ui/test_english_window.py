"""New-user finding 13: the window in English names fiscal years in C.E., as the English
reports do, and words that start a cell or a label are capitalised as the labels beside
them are; the Thai window keeps the B.E. year."""

from __future__ import annotations

from core.i18n import as_label


def test_year_boxes_read_in_ce_in_english_and_be_in_thai(window) -> None:
    window.settings.choose_language("en")
    for name in ("restrooms", "incidents", "indicators", "plan", "audit"):
        page = window.page(name)
        window.show_widget(page)
        assert page.year.currentText() == "Fiscal year 2021 (B.E. 2564)", name
    window.settings.choose_language("th")
    assert window.indicators.year.currentText() == "ปีงบประมาณ 2564"


def test_words_starting_a_cell_are_capitalised_in_english_only(window) -> None:
    window.settings.choose_language("en")
    page = window.incidents
    window.show_widget(page)
    assert page.status.itemText(1) == "Pending review"
    assert [page.category.itemText(i) for i in range(1, 3)] == ["Theft", "Damage"]
    guard = window.guard
    window.show_widget(guard)
    assert guard.shift.itemText(0) == "Day"
    window.settings.choose_language("th")
    assert guard.shift.itemText(0) == "กลางวัน"
    assert (as_label("final"), as_label("Final"), as_label("ฉบับสมบูรณ์"), as_label("")) == (
        "Final", "Final", "ฉบับสมบูรณ์", ""
    )  # fmt: skip
