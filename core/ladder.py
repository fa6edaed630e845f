"""The plan's five-level ladders share one shape: a level 0-5 and its score out of 15."""

from __future__ import annotations

from dataclasses import dataclass

# Plan, "เกณฑ์การให้คะแนน" of both indicators: level -> (result %, score of 15).
LEVEL_SCORES: dict[int, tuple[int, float]] = {
    5: (100, 15.0),
    4: (90, 13.5),
    3: (80, 12.0),
    2: (70, 10.5),
    1: (60, 9.0),
    0: (0, 0.0),
}


def score_for(level: int) -> float:
    """Score out of 15 of a level; level 0 scores 0 (DOMAIN.md section 6)."""
    return LEVEL_SCORES[level][1]


@dataclass(frozen=True)
class LadderRow:
    """One row of a plan ladder as the plan prints it, for screens and reports."""

    level: int
    condition_th: str
    condition_en: str
    result_pct: int
    score: float
