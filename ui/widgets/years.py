"""The fiscal-year box every page has: the years from summary.score.fiscal_years."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from core.calendar import fy_values
from core.i18n import tr


def fill_years(combo: QComboBox, years: list[int], chosen: int | None) -> None:
    """Offer `years` (newest first), keeping `chosen` selected; no signal is sent."""
    combo.blockSignals(True)
    combo.clear()
    for y in years:
        combo.addItem(tr("fy.n", **fy_values(y)), y)
    combo.setCurrentIndex(max(0, combo.findData(chosen)))
    combo.blockSignals(False)
