"""Thai text in reportlab PDFs: fonts, shaping, and a text layer that reads back as written.

reportlab shapes Thai with HarfBuzz and draws glyphs, and a PDF reader turns glyphs
back into text through the font's ToUnicode table: one code, one string. Three
things of Sarabun's shaping survive no such table:

- SARA AM (ำ) is drawn as two glyphs, NIKHAHIT and the glyph of SARA AA: every
  reader gives back ํ + า, so a search for ห้องน้ำ or สำนักงาน finds nothing;
- glyphs the font substitutes (a tone mark moved down or left, ฐ without its tail,
  the nikhahit+mai tho ligature of น้ำ) have no character at all;
- marks HarfBuzz moves up or down are drawn on a raised baseline (PDF text rise),
  and a reader's layout puts them on a line of their own.

So a drawn string whose glyphs do not read back as its text (a "cluster": a base
character with its marks and SARA AM, whose glyphs are substituted, decomposed or
moved) is wrapped in one marked-content span with `/ActualText`, the text as
written, which pdftotext (raw and layout) and PDFium (Chrome, Edge) give back
instead of the glyphs. Inside the span, everything on the baseline is drawn first
in one run and the raised marks after it (same places, same page): PDFium gives a
span's text the box of its first text object and measures the next word from it,
and poppler measures a span from its first to its last glyph. The ToUnicode table
still maps the substituted glyphs to the characters they came from, for readers
that ignore ActualText.

This module is the one place that knows reportlab's internals
(ttfonts.shapeFragWord, ttfonts.makeToUnicodeCMap, PDFTextObject._formatText,
ShapedStr's shape data); reportlab's version is pinned in pyproject.toml, and
tests/reports/test_thai_pdf.py extracts the text and compares it exactly.
"""

from __future__ import annotations

import unicodedata
from itertools import groupby
from pathlib import Path
from typing import Any

import fontpkg_sarabun
from reportlab.lib.fonts import addMapping
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr, TTFont
from reportlab.pdfgen import textobject

FONT = "Sarabun"
FONT_BOLD = "Sarabun-Bold"

# (face name, private code point) -> the characters that glyph stands for (ToUnicode)
_private_text: dict[tuple[str, int], str] = {}
_installed: dict[str, Any] = {}


class Spanned(ShapeData):
    """Shape data of a glyph whose cluster does not read back from its glyphs.

    `actual` is the cluster's text on its first glyph and "" on the others.
    """

    actual: str = ""


def _joins_previous(ch: str) -> bool:
    """A mark, or SARA AM: part of the cluster of the character before it."""
    return ch == "\u0e33" or unicodedata.category(ch) in ("Mn", "Me")


def _is_private(ch: str) -> bool:
    return "\ue000" <= ch <= "\uf8ff"


def _face_key(ttf: TTFont) -> str:
    face = ttf.face
    return (face.name + face.subfontNameX).decode("pdfdoc")


def _without(text: str, others: str) -> str:
    for ch in others:
        i = text.rfind(ch)
        if i >= 0:
            text = text[:i] + text[i + 1 :]
    return unicodedata.normalize("NFC", text)


def _mark_clusters(word: list, text: str) -> None:
    """Give the glyphs of every cluster that does not read back a `Spanned` shape datum.

    `word` is what reportlab's shapeFragWord returned for `text` (a width, then
    (frag, ShapedStr) pairs); a glyph's shape datum names the index of the character
    it was shaped from. A cluster starts at a character that joins nothing before it.
    """
    where = [(j, i) for j in range(1, len(word)) for i in range(len(word[j][1]))]
    data = [d for j in range(1, len(word)) for d in word[j][1].__shapeData__]
    # Plain characters (indexing a ShapedStr builds a ShapedStr per character).
    glyphs = list("".join(str.__str__(word[j][1]) for j in range(1, len(word))))
    starts: list[tuple[int, int]] = []  # (first glyph, first character) of each cluster
    for g, datum in enumerate(data):
        c = datum.cluster
        if 0 <= c < len(text) and (
            not starts or (c > starts[-1][1] and not _joins_previous(text[c]))
        ):
            starts.append((g, c))
    starts.append((len(data), len(text)))
    for (g0, c0), (g1, c1) in zip(starts, starts[1:], strict=False):
        cluster = text[c0:c1]
        moved = any(d.x_offset or d.y_offset for d in data[g0:g1])
        if not moved and "".join(glyphs[g0:g1]) == cluster:
            continue
        for g in range(g0, g1):
            j, i = where[g]
            marked = Spanned(*data[g])
            marked.actual = cluster if g == g0 else ""
            word[j][1].__shapeData__[i] = marked
            if _is_private(glyphs[g]):
                # A substituted glyph (reportlab gave it a private code): for readers that
                # ignore ActualText, it stands for what the cluster's other glyphs lack.
                others = "".join(o for o in glyphs[g0:g1] if not _is_private(o))
                nfkd = unicodedata.normalize("NFKD", cluster)
                text_of = _without(nfkd, unicodedata.normalize("NFKD", others)) or cluster
                ttf = pdfmetrics.getFont(word[j][0].fontName)
                _private_text.setdefault((_face_key(ttf), ord(glyphs[g])), text_of)


# One word of one font and size, shaped: (class, width, shaped string) or None if
# shaping changes nothing. A report shapes the same words over and over (a table wraps
# its cells more than once, the line breaker measures them first): HarfBuzz runs once.
_shaped: dict[tuple[type, str, float, str], tuple[type, float, ShapedStr] | None] = {}


def _shape_frag_word(original: Any):
    def shape_frag_word(w: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(w, ttfonts.ShapedFragWord):
            return w
        one = len(w) == 2 and not args and not kwargs and not hasattr(w[1][0], "cbDefn")
        if one:
            frag, text = w[1]
            # The word's class says how it joins the next (reportlab's split-word classes).
            key = (type(w), frag.fontName, frag.fontSize, text)
            if key in _shaped:
                hit = _shaped[key]
                if hit is None:
                    return w
                cls, width, shaped = hit
                # A fresh copy: reportlab changes a word's shape data in place as it
                # builds lines (the space after it), which must not reach the next word.
                return cls([width, (frag, ShapedStr(shaped, list(shaped.__shapeData__)))])
        new = original(w, *args, **kwargs)
        if new is not w:
            text = "".join(s for f, s in w[1:] if not hasattr(f, "cbDefn"))
            if not text.isascii():
                _mark_clusters(new, text)
        if one and len(_shaped) < 50_000:
            if new is w:
                _shaped[key] = None
            elif len(new) == 2:
                shaped = new[1][1]
                _shaped[key] = (type(new), new[0], ShapedStr(shaped, list(shaped.__shapeData__)))
        return new

    return shape_frag_word


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _format_text(original: Any):
    """PDFTextObject._formatText, with a span of ActualText around a string that needs one."""

    def format_text(self: textobject.PDFTextObject, text: Any) -> str:
        font = pdfmetrics.getFont(self._fontname)
        if not (
            isinstance(text, ShapedStr)
            and getattr(font, "_dynamicFont", 0)
            and getattr(font, "shapable", False)
            and any(isinstance(d, Spanned) for d in text.__shapeData__)
        ):
            return original(self, text)
        saved = (self._code, self._x, self._y)
        try:
            self._code = []
            _spanned_ops(self, font, text)
            return " ".join(self._code)
        finally:
            self._code, self._x, self._y = saved

    return format_text


def _spanned_ops(tx: textobject.PDFTextObject, font: TTFont, text: ShapedStr) -> None:
    """The operators that draw `text` inside one ActualText span (see the module's doc).

    Pen moves are in thousandths of the font size, as TJ takes them; a glyph moves the
    pen by its font width plus the adjustment HarfBuzz asks for (x_advance - width).
    """
    canv = tx._canvas
    doc = canv._doc
    out = tx._code.append
    data = text.__shapeData__
    size = tx._fontsize
    rise0 = tx._rise
    font_op = f"{fp_str(size)} Tf {fp_str(tx._leading)} TL"
    widths = font.face.charWidths
    pairs = zip(text, data, strict=True)
    actual = "".join(d.actual if isinstance(d, Spanned) else ch for ch, d in pairs)
    glyphs: list[tuple[int, int, Any, float, float]] = []  # subset, code, datum, pen, move
    pen = 0.0
    k = 0
    for subset, codes in font.splitString(text, doc):
        for code in codes:
            datum = data[k]
            move = widths.get(ord(text[k]), 0) - datum.width + datum.x_advance
            glyphs.append((subset, code, datum, pen, move))
            pen += move
            k += 1
    end = pen
    run: list[float | bytes] = []

    def flush() -> None:
        parts = [
            f"({canv._escape(b''.join(g))})" if is_bytes else fp_str(sum(g))
            for is_bytes, g in groupby(run, lambda x: isinstance(x, bytes))
        ]
        parts = [p for p in parts if p != "0"]
        if len(parts) == 1 and parts[0].startswith("("):
            out(f"{parts[0]} Tj")
        elif parts:
            out(f"[{' '.join(parts)}] TJ")
        run.clear()

    def use(subset: int) -> None:
        if subset != tx._curSubset:
            flush()
            out(f"{font.getSubsetInternalName(subset, doc)} {font_op}")
            tx._curSubset = subset

    out(f"/Span <</ActualText <FEFF{_utf16_hex(actual)}>>> BDC")
    raised = []
    for subset, code, datum, at, move in glyphs:
        if datum.y_offset:
            raised.append((subset, code, datum, at))
            run.append(-move)
            continue
        use(subset)
        if datum.x_offset:
            run.append(-datum.x_offset)
        run.append(bytes((code,)))
        if datum.width - datum.x_advance + datum.x_offset:
            run.append(datum.width - datum.x_advance + datum.x_offset)
    flush()
    if raised:
        pen = end
        for subset, code, datum, at in raised:
            use(subset)
            rise = rise0 + size * datum.y_offset / 1000
            if rise != tx._rise:
                flush()
                tx.setRise(rise)
            run.append(pen - (at + datum.x_offset))
            run.append(bytes((code,)))
            pen = at + datum.x_offset + datum.width
        flush()
        if tx._rise != rise0:
            tx.setRise(rise0)
        # Back to the end of the string, with a space drawn there and taken back: poppler
        # ends a span at its last glyph, which must not be a mark left of the end.
        (subset, space), *_ = font.splitString(" ", doc)
        use(subset)
        run += [pen - end, space, widths.get(32, 0)]
        flush()
    out("EMC")


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
    if _installed:
        return
    if ttfonts.uharfbuzz is None:
        raise RuntimeError("reportlab shaping needs uharfbuzz (reportlab[shaping])")
    from reportlab.pdfgen import canvas
    from reportlab.platypus import paragraph

    shape = _shape_frag_word(ttfonts.shapeFragWord)
    # shapeStr looks it up in ttfonts at call time; these modules imported it by name.
    for module in (ttfonts, paragraph, canvas):
        module.shapeFragWord = shape
    try:
        from reportlab.graphics import renderPM
    except ImportError:  # its C renderer is optional; PDFs never use it
        pass
    else:
        renderPM.shapeFragWord = shape
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap
    _installed["format_text"] = textobject.PDFTextObject._formatText
    textobject.PDFTextObject._formatText = _format_text(_installed["format_text"])


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
