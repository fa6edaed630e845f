"""Register the Thai fonts the app ships, so Thai never draws as boxes.

A fresh Windows or Linux machine may have no Thai font at all; the fonts come
from the fontpkg-* packages installed with the app.
"""

from __future__ import annotations

from pathlib import Path

import fontpkg_noto_sans_thai
import fontpkg_sarabun
from PySide6.QtGui import QFont, QFontDatabase

UI_FAMILY = "Noto Sans Thai"
DOC_FAMILY = "Sarabun"


def _files() -> list[Path]:
    sarabun = Path(fontpkg_sarabun.__file__).resolve().parent / "files"
    noto = Path(fontpkg_noto_sans_thai.__file__).resolve().parent / "files"
    wanted = [sarabun / f"Sarabun-{w}.ttf" for w in ("Regular", "Bold", "SemiBold")]
    return [p for p in wanted if p.exists()] + sorted(noto.glob("*.ttf"))


def register_fonts() -> list[str]:
    """Add the shipped fonts to Qt's database; returns the families registered."""
    families: list[str] = []
    for path in _files():
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return sorted(set(families))


def ui_font(point_size: float = 10.5) -> QFont:
    family = UI_FAMILY if UI_FAMILY in QFontDatabase.families() else DOC_FAMILY
    font = QFont(family)
    font.setPointSizeF(point_size)
    return font
