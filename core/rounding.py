"""Percentages as people read them: two decimals, rounded half up (DOMAIN.md section 8).

Python's round() and format() round a float half to even, and on its binary value:
721 of 800 satisfied (90.125 %) printed 90.12. The plan's ladders read two decimals
(91.00-99.99) and the office rounds as taught, half up: 90.13. Only what is shown or
exported is rounded; every ladder compares the exact value.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def half_up(value: float, places: int = 2) -> float:
    """`value` rounded half up to `places` decimals (90.125 -> 90.13, 0.005 -> 0.01).

    A percentage is a ratio of counts; its shortest decimal form (repr) is the exact
    ratio whenever the ratio has few decimals, so 90.125 is rounded as 90.125, not as
    the binary 90.12499999... a float may hold for other numbers.
    """
    exact = Decimal(repr(float(value)))
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def pct_text(value: float | None, none: str = "-") -> str:
    """A percentage for people: `90.13`; `none` when there is no figure."""
    return none if value is None else f"{half_up(value):.2f}"
