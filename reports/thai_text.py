"""Thai text in reportlab PDFs: fonts, shaping, and a ToUnicode map that reads back.

reportlab shapes Thai with HarfBuzz, but a glyph the font substitutes (a tone
mark moved up or left, ฐ without its tail, the nikhahit+mai tho ligature of
น้ำ) has no character, and reportlab gives it a private-use code point, which
its ToUnicode table then reports: copy and search lose the marks. This module
records, for each such glyph, the characters of the HarfBuzz cluster it was
shaped from, and writes those into the ToUnicode table instead. It is the one
place that knows reportlab's internals (ttfonts.makeToUnicodeCMap, TTFont.hbFont,
ttfonts.uharfbuzz.shape); tests extract the text of a PDF and compare it.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import fontpkg_sarabun
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

FONT = "Sarabun"
FONT_BOLD = "Sarabun-Bold"

# (face name, private code point) -> the characters that glyph stands for
_private_text: dict[tuple[str, int], str] = {}
# clusters of the text being shaped right now: gid -> characters, filled by _shape
_current: dict[int, str] = {}
_installed = {"done": False}


def _cluster_texts(pre: list[tuple[int, int]], post: list[tuple[int, int]]) -> dict[int, str]:
    """gid -> text, from (cluster, codepoint) before shaping and (cluster, gid) after.

    A glyph that shares its cluster with glyphs mapped to ordinary characters (the
    ligature in น้ำ shares SARA AM's cluster with the glyph of SARA AA) keeps only
    what those others do not already give back, compared in NFKD.
    """
    chars: dict[int, str] = {}
    for cluster, cp in pre:
        chars[cluster] = chars.get(cluster, "") + chr(cp)
    # Glyphs grouped by cluster once (every shaped word passes here: keep it linear).
    by_cluster: dict[int, list[int]] = {}
    for cluster, gid in post:
        by_cluster.setdefault(cluster, []).append(gid)
    starts = sorted(by_cluster)
    last = max(chars) + 1 if chars else 0
    out: dict[int, str] = {}
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else last
        text = "".join(chars.get(c, "") for c in range(start, end))
        glyphs = by_cluster[start]
        out_of_cluster = unicodedata.normalize("NFKD", text)
        for gid in glyphs:
            out.setdefault(gid, out_of_cluster)
        out[glyphs[0]] = out_of_cluster  # the first glyph of a cluster carries its text
    return out


def _patched_shape(original: Any):
    def shape(font: Any, buf: Any, features: Any = None) -> None:
        pre = [(info.cluster, info.codepoint) for info in buf.glyph_infos]
        original(font, buf, features)
        post = [(info.cluster, info.codepoint) for info in buf.glyph_infos]
        _current.clear()
        _current.update(_cluster_texts(pre, post))
        # Glyphs sharing a cluster: each private one keeps the text the others lack.
        by_cluster: dict[int, list[int]] = {}
        for cluster, gid in post:
            by_cluster.setdefault(cluster, []).append(gid)
        _current["__clusters__"] = by_cluster  # type: ignore[assignment]

    return shape


class _HarfBuzzProxy:
    """ttfonts' view of uharfbuzz, with `shape` recording the clusters."""

    def __init__(self, module: Any) -> None:
        self._module = module
        self.shape = _patched_shape(module.shape)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


def _face_key(ttf: TTFont) -> str:
    face = ttf.face
    return (face.name + face.subfontNameX).decode("pdfdoc")


def _wrap_hbfont(original: Any):
    def hbFont(self: TTFont, fontSize: float = 10) -> Any:  # noqa: N802
        font = original(self, fontSize)
        add = self.hbAddPrivate
        key = _face_key(self)

        def add_private(name: str, gid: int, advance: int) -> int:
            uchar = add(name, gid, advance)
            text = _current.get(gid)
            if isinstance(text, str) and text:
                others = _ordinary_chars(self, gid)
                _private_text.setdefault((key, uchar), _without(text, others) or text)
            return uchar

        self.hbAddPrivate = add_private
        return font

    return hbFont


def _ordinary_chars(ttf: TTFont, gid: int) -> str:
    """Characters the other glyphs of `gid`'s cluster give back through the font's cmap."""
    clusters = _current.get("__clusters__")
    if not isinstance(clusters, dict):
        return ""
    for gids in clusters.values():
        if gid in gids:
            out = ""
            for other in gids:
                if other != gid and other in ttf.face.glyphToChar:
                    out += chr(ttf.face.glyphToChar[other][0])
            return unicodedata.normalize("NFKD", out)
    return ""


def _without(text: str, others: str) -> str:
    for ch in others:
        i = text.rfind(ch)
        if i >= 0:
            text = text[:i] + text[i + 1 :]
    return unicodedata.normalize("NFC", text)


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def make_to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with private code points mapped back to their text."""
    face = fontname.split("+", 1)[-1]
    entries = []
    for i, code in enumerate(subset):
        text = _private_text.get((face, code))
        if text is None and 0xFB00 <= code <= 0xFB06:
            # A Latin ligature the font substitutes (fi, ff...) has a code point of its
            # own, U+FB01; search and copy want the letters it was made from.
            text = unicodedata.normalize("NFKC", chr(code))
        entries.append(f"<{i:02X}> <{_utf16_hex(text) if text else f'{code:04X}'}>")
    cmap = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *entries,
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(cmap)


def install() -> None:
    """Patch reportlab once (idempotent)."""
    if _installed["done"]:
        return
    if ttfonts.uharfbuzz is None:
        raise RuntimeError("reportlab shaping needs uharfbuzz (reportlab[shaping])")
    ttfonts.uharfbuzz = _HarfBuzzProxy(ttfonts.uharfbuzz)
    TTFont.hbFont = _wrap_hbfont(TTFont.hbFont)
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap
    _installed["done"] = True


def register_fonts() -> None:
    """Sarabun regular and bold from fontpkg-sarabun, shaped, as one family."""
    install()
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    files = Path(fontpkg_sarabun.__file__).resolve().parent / "files"
    pdfmetrics.registerFont(TTFont(FONT, str(files / "Sarabun-Regular.ttf"), shapable=True))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(files / "Sarabun-Bold.ttf"), shapable=True))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)
