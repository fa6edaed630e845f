"""Reading the numbers and texts people and files give (issue 14, point 5).

Python reads digits of every script as numbers: `int("５")` is 5, `"²".isdigit()` is
True (and `int("²")` then fails), the regex `\\d` matches Devanagari ४. A number here
is written with ASCII digits, or with Thai digits ๐-๙ where the office types them (a
CSV typed in Thai, a date in the window); any other digit is refused with the field
named. Everything that reads a number from text goes through `digits` or `whole`.

The text limits are those of the window's fields; a CSV row or a sync file record is
held to the same ones (issue 14, point 2).
"""

from __future__ import annotations

import re
import unicodedata

from core.errors import InvalidInput
from core.i18n import Localised, Phrase

# A record's or a computer's id as this app writes it: a lowercase UUID (core.db.new_id).
UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

ASCII_DIGITS = "0123456789"
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_THAI_TO_ASCII = str.maketrans(THAI_DIGITS, ASCII_DIGITS)

# Lengths of the window's text fields, for every path a record comes by.
NAME_MAX = 100  # a person: inspector, supervisor, who does an action
TITLE_MAX = 200  # a name or title: a point, a form, a question, a plan step
TEXT_MAX = 2000  # a note, a reason, what is to be done, evidence

# No count, score or year the app keeps has more digits than this; a longer number is
# not a value but an attack on int() and SQLite's 64-bit integers (OverflowError).
MAX_DIGITS = 15


_THE_VALUE = Phrase("values.what.value")  # what a number names when the caller says nothing
_THE_TEXT = Phrase("values.what.text")


def foreign_digit(text: str) -> str | None:
    """The first character of `text` that is a digit (or a number sign such as '²' or
    '½') of a script other than ASCII and Thai, or None."""
    for ch in text:
        if ch.isascii() or ch in THAI_DIGITS:
            continue
        if ch.isdigit() or ch.isnumeric() or unicodedata.category(ch) in ("Nd", "No", "Nl"):
            return ch
    return None


def _not_a_digit(text: str, ch: str, field: str) -> InvalidInput:
    name = unicodedata.name(ch, f"U+{ord(ch):04X}")
    return InvalidInput(
        "values.holds_digit_which_neither_0", field=field, text=text, ch=ch, name=name
    )


def digits(text: str, *, field: str, thai: bool = True) -> str:
    """`text` with Thai digits read as ASCII ones (when `thai`); a digit of another script
    is refused, naming `field`. Other characters pass unchanged: the caller's pattern
    (a date, a time, a score) decides what else may stand there."""
    text = str(text)
    if text.isascii():
        return text
    ch = foreign_digit(text)
    if ch is None and not thai:
        ch = next((c for c in text if c in THAI_DIGITS), None)
    if ch is not None:
        raise _not_a_digit(text, ch, field)
    return text.translate(_THAI_TO_ASCII)


def whole(
    value: object, *, field: str, low: int, high: int, thai: bool = True,
    what: Localised = _THE_VALUE,
) -> int:  # fmt: skip
    """A whole number low..high written in digits (`what` names it in the message).

    An int given by code (a spin box, a JSON number) is only range-checked; a bool is
    not a number.
    """
    if isinstance(value, bool):
        raise _out_of_range(str(value), field, low, high, what)
    if isinstance(value, int):
        if low <= value <= high:
            return value
        raise _out_of_range(str(value), field, low, high, what)
    raw = str(value).strip()
    text = digits(raw, field=field, thai=thai)
    body = text[1:] if text[:1] == "-" else text
    if not (body.isascii() and body.isdigit()) or len(body) > MAX_DIGITS:
        raise _out_of_range(raw, field, low, high, what)
    number = int(text)
    if not low <= number <= high:
        raise _out_of_range(raw, field, low, high, what)
    return number


def _out_of_range(raw: str, field: str, low: int, high: int, what: Localised) -> InvalidInput:
    shown = raw if len(raw) <= 40 else raw[:37] + "..."
    return InvalidInput("values.not_whole", field=field, what=what, shown=shown, low=low, high=high)


def check_text(
    value: object, *, field: str, limit: int, required: bool = False, one_line: bool = True,
    what: Localised = _THE_TEXT,
) -> str:  # fmt: skip
    """A text as a window field takes it: stripped, within `limit` characters, on one line
    unless `one_line` is False, not empty when `required`; no control characters."""
    if not isinstance(value, str):
        raise InvalidInput("values.not_text", field=field, what=what)
    cleaned = value.strip()
    if required and not cleaned:
        raise InvalidInput("values.required", field=field, what=what)
    if len(cleaned) > limit:
        raise InvalidInput("values.too_long", field=field, what=what, limit=limit, n=len(cleaned))
    allowed = "\t" if one_line else "\t\n\r"
    if not cleaned.isprintable() and any(
        unicodedata.category(c) == "Cc" and c not in allowed for c in cleaned
    ):
        raise InvalidInput("values.control_character", field=field, what=what)
    return cleaned
