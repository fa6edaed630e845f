"""Thai line breaking for reportlab: lines break between words, never inside one.

Thai writes no space between words, and reportlab's Paragraph breaks only at
whitespace (U+200B is no help: Python's str.split ignores it, and where
reportlab does split on it the line is rejoined with a visible space). So the
breaks are computed here: the text is cut into words with pythainlp's `newmm`
dictionary tokenizer, the words are fitted to the width with the same shaped
advances reportlab uses, and `WrappedParagraph` hands reportlab finished lines
joined by <br/>. Nothing is inserted into the text itself, so the PDF's text
layer gives back exactly what was written, one line at a time.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.abag import ABag
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import Paragraph
from reportlab.platypus.paraparser import ParaParser

# Kerning between two words measured apart can add a little; keep this much slack so
# reportlab never finds one of our lines too long and breaks it again by itself.
_SLACK = 0.5
_lock = threading.Lock()
_tokenizer: dict[str, object] = {}
# Characters that belong to the character before them (marks, following vowels) and
# leading vowels that belong to the character after: a forced cut never lands there.
_FOLLOWING = set("ะาำๅ")
_LEADING = set("เแโใไ")


# Office terms the general word list lacks: kept whole so a line never splits them.
OFFICE_WORDS = frozenset(
    ("ราวจับ", "ตัวชี้วัด", "ศาลาว่าการ", "ลานคนเมือง", "เครื่องเป่ามือ", "สายฉีดชำระ",
     "กลุ่มงาน", "ผู้ควบคุม", "ผู้พิการ", "ผู้ตอบ", "ผู้จัดทำ", "ผู้อนุมัติ", "ผู้ตรวจ")
)  # fmt: skip


class WordSet:
    """The two calls newmm makes on pythainlp's Trie (`prefixes`, `in`), over a set.

    pythainlp builds its dictionary trie node by node, about 0.7 s for its 62,000
    words on these machines, a third of the time the annual summary may take; a
    frozenset with the longest word per two-letter start answers the same questions
    and is ready in a few milliseconds.
    """

    def __init__(self, words: frozenset[str]) -> None:
        self._words = words
        self._longest: dict[str, int] = {}
        for w in words:
            key = w[:2]
            if len(w) > self._longest.get(key, 0):
                self._longest[key] = len(w)

    def __contains__(self, word: object) -> bool:
        return word in self._words

    def __len__(self) -> int:
        return len(self._words)

    def __iter__(self):
        return iter(self._words)

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        """Words of the set that `text` has at `start`, shortest first (as Trie gives them)."""
        words = self._words
        out = [text[start]] if start < len(text) and text[start] in words else []
        end = min(len(text), start + self._longest.get(text[start : start + 2], 0))
        for stop in range(start + 2, end + 1):
            piece = text[start:stop]
            if piece in words:
                out.append(piece)
        return out


def _tokenize():
    """newmm over the dictionary pythainlp ships, loaded once, no network."""
    with _lock:
        if "newmm" not in _tokenizer:
            from pythainlp.corpus.common import thai_words
            from pythainlp.tokenize import word_tokenize

            dictionary = WordSet(thai_words() | OFFICE_WORDS)

            def tokenize(text: str) -> list[str]:
                return word_tokenize(text, custom_dict=dictionary, engine="newmm",
                                     keep_whitespace=True)  # fmt: skip

            _tokenizer["newmm"] = tokenize
    return _tokenizer["newmm"]


def warm_up() -> None:
    """Load the word list now (a worker thread can call this before the first report)."""
    words("ห้องน้ำสาธารณะ")


@lru_cache(maxsize=4096)
def _words_cached(text: str) -> tuple[str, ...]:
    return tuple(_tokenize()(text))


def words(text: str) -> list[str]:
    """`text` cut into words and whitespace runs; joined they give `text` back exactly."""
    if not text:
        return []
    return list(_words_cached(text))


def word_boundaries(text: str) -> set[int]:
    """Offsets in `text` between two words (0 and len(text) included)."""
    out = {0}
    pos = 0
    for w in words(text):
        pos += len(w)
        out.add(pos)
    return out


@lru_cache(maxsize=16384)
def text_width(text: str, font_name: str, font_size: float) -> float:
    """Advance width of `text` as reportlab's Paragraph measures it (shaped when the font is)."""
    width = stringWidth(text, font_name, font_size)
    if getattr(getFont(font_name), "shapable", False):
        # Looked up at call time: thai_text's shaping (and its cache) once installed.
        shaped = ttfonts.shapeFragWord([width, (ABag(fontName=font_name, fontSize=font_size),
                                                text)])  # fmt: skip
        width = shaped[0]
    return width


def _is_thai(word: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in word)


def _clusters(word: str) -> list[str]:
    """`word` in pieces that can be cut apart: no mark or vowel is separated from its base."""
    out: list[str] = []
    for ch in word:
        joins_previous = unicodedata.category(ch) in ("Mn", "Me") or ch in _FOLLOWING
        if out and (joins_previous or out[-1][-1] in _LEADING):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _hyphenates(word: str) -> bool:
    """A word of letters (English) takes a hyphen where it is cut; a code or number does not."""
    return (
        any(ch.isalpha() for ch in word)
        and not _is_thai(word)
        and not any(ch.isdigit() for ch in word)
    )


def _cut(word: str, font_name: str, font_size: float, width: float) -> list[str]:
    """A word wider than the whole line (a UUID in a narrow column): cut by clusters.

    A word of letters is cut with a hyphen at the end of each piece but the last, so
    no reader takes "disturbanc" for a word (issue 16).
    """
    mark = "-" if _hyphenates(word) else ""
    pieces: list[str] = []
    current = ""
    for cl in _clusters(word):
        if current and text_width(current + cl + mark, font_name, font_size) > width:
            pieces.append(current + mark)
            current = cl
        else:
            current += cl
    if current:
        pieces.append(current)
    return pieces


_OPENING = set("([{“‘«")
_CLOSING = set(")]}”’»,.;:!?%")


def _units(text: str) -> list[str]:
    """Words with their punctuation: "(" joins the word after it, ")" or "," the one before.

    A line then never ends with an opening bracket or starts with a closing one.
    """
    units: list[str] = []
    pending = ""
    for w in words(text):
        if w.isspace():
            if pending:
                units.append(pending)
                pending = ""
            units.append(w)
        elif all(ch in _OPENING for ch in w):
            pending += w
        elif units and not units[-1].isspace() and not pending and all(ch in _CLOSING for ch in w):
            units[-1] += w
        else:
            units.append(pending + w)
            pending = ""
    if pending:
        units.append(pending)
    return units


def break_lines(text: str, font_name: str, font_size: float, width: float) -> list[str]:
    """`text` as lines no wider than `width`, each ending between two words.

    Greedy first fit. Spaces at a break are dropped (as any typesetter does); a
    newline in `text` is a forced break. Only a word wider than a whole line is cut
    (see `_cut`). A line's width is the sum of its words' widths, each word shaped
    once for the whole report (the slack covers kerning across a word boundary).
    """
    limit = max(width - _SLACK, 1.0)
    lines: list[str] = []
    for para in text.split("\n"):
        line, line_w, spaces, spaces_w = "", 0.0, "", 0.0
        for word in _units(para):
            if word.isspace():
                if line:
                    spaces += word
                    spaces_w += text_width(word, font_name, font_size)
                continue
            word_w = text_width(word, font_name, font_size)
            if line and line_w + spaces_w + word_w <= limit:
                line, line_w = line + spaces + word, line_w + spaces_w + word_w
                spaces, spaces_w = "", 0.0
                continue
            if line:
                lines.append(line)
            spaces, spaces_w = "", 0.0
            # A word alone on its line needs no slack: there is no neighbour to kern with.
            # A word wider than the whole line is cut between clusters (an English word
            # with a hyphen) rather than run off the page: a UUID, a number, or text
            # typed with no word the dictionary knows (a column too narrow for a real
            # Thai word is a layout bug the report tests catch).
            if word_w <= width:
                line, line_w = word, word_w
            else:
                *full, line = _cut(word, font_name, font_size, width)
                lines.extend(full)
                line_w = text_width(line, font_name, font_size)
        lines.append(line)
    return lines


_templates: dict[tuple, tuple] = {}


def _frag_templates(style: ParagraphStyle) -> tuple:
    """A text fragment and a line break as reportlab's parser makes them for `style`.

    Parsed once per style: every paragraph's lines are then fragments cloned from
    these, with no markup parsed at all (a report has a few thousand cells).
    """
    key = (style.name, style.fontName, style.fontSize, style.leading, str(style.textColor))
    if key not in _templates:
        _, frags, _ = ParaParser().parse("x<br/>x", style)
        _templates[key] = (frags[0], frags[1])
    return _templates[key]


def _line_frags(lines: list[str], style: ParagraphStyle) -> list:
    text, br = _frag_templates(style)
    frags = []
    for i, line in enumerate(lines):
        if i:
            frags.append(br.clone())
        frags.append(text.clone(text=line))
    return frags


class WrappedParagraph(Paragraph):
    """A Paragraph of plain text whose lines break only between words.

    The lines are computed for the width the paragraph is given at wrap time (a
    table cell, a frame), so the same object fits any column. Pieces reportlab
    splits off across a page are already broken and are left as they are. A second
    wrap at the same width (tables wrap their cells more than once) is answered from
    the first.
    """

    def __init__(self, text: str | None, style: ParagraphStyle, **kwargs) -> None:
        self._plain = None if kwargs.get("frags") is not None or text is None else str(text)
        self._broken_for: float | None = None
        self._size: tuple[float, float] | None = None
        if self._plain is None:
            super().__init__(text, style, **kwargs)
        else:
            super().__init__("", style, frags=_line_frags([self._plain], style), **kwargs)

    def _lines_for(self, avail_width: float) -> None:
        st = self.style
        width = avail_width - st.leftIndent - st.rightIndent - max(st.firstLineIndent, 0)
        lines = break_lines(self._plain or "", st.fontName, st.fontSize, width)
        self._setup(escape(self._plain or ""), st, self.bulletText, _line_frags(lines, st),
                    lambda t: t)  # fmt: skip
        self._broken_for = avail_width
        self._size = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if self._plain is None:
            return super().wrap(availWidth, availHeight)
        if self._broken_for != availWidth:
            self._lines_for(availWidth)
        # Paragraph.split drops blPara when it sends the whole paragraph on: wrap again then.
        if self._size is None or not hasattr(self, "blPara"):
            self._size = super().wrap(availWidth, availHeight)
        return self._size
