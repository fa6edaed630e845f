"""Pieces of the annual summary that are rules of their own."""

from reports.annual_pdf import months_text


def test_planned_months_read_in_fiscal_order_with_spans() -> None:
    assert months_text((10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9), "th") == "ต.ค.-ก.ย."
    assert months_text((11,), "th") == "พ.ย."
    assert months_text((9, 8), "en") == "Aug Sep"
    assert months_text((10, 11, 1), "th") == "ต.ค. พ.ย. ม.ค."
    assert months_text((12, 1, 2, 6), "en") == "Dec-Feb Jun"
