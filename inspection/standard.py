"""The restroom standard (DOMAIN.md section 3) and the pass rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from core.errors import InvalidInput, NotFound
from core.i18n import Phrase
from core.values import TEXT_MAX, check_text, whole


@dataclass(frozen=True)
class StandardItem:
    no: int
    group: str
    text_th: str
    text_en: str

    def text(self, lang: str) -> str:
        return self.text_th if lang == "th" else self.text_en


@dataclass(frozen=True)
class Standard:
    id: int
    version: int
    title_th: str
    title_en: str
    max_score: int
    item_min: int
    pass_total: int
    items: tuple[StandardItem, ...]

    @property
    def max_total(self) -> int:
        return self.max_score * len(self.items)


@dataclass(frozen=True)
class Judgement:
    """What the pass rule says of a set of scores."""

    total: int
    passed: bool
    failed_items: tuple[int, ...]  # item numbers scored below the item minimum
    in_band: bool  # total within the very-good band


def judge(scores: Sequence[int], item_min: int, pass_total: int) -> Judgement:
    """DOMAIN.md section 3: a point passes when every item is met and the total is very good.

    Interpretation kept here and only here: an item is met when it scores at least
    `item_min` (2 of 4 in version 1); the very-good band starts at `pass_total`
    (71 of 80). Both thresholds come from the standard version.
    """
    total = sum(scores)
    # Most rounds meet every item: one C-speed min() then (an import judges 100,000).
    failed = (
        ()
        if min(scores, default=item_min) >= item_min
        else tuple(no for no, s in enumerate(scores, start=1) if s < item_min)
    )
    in_band = total >= pass_total
    return Judgement(
        total=total, passed=in_band and not failed, failed_items=failed, in_band=in_band
    )


def check_score(value: object, max_score: int = 4, *, field: str = "score") -> int:
    """A score is a whole number 0..max_score (ASCII or Thai digits, core.values)."""
    return whole(value, field=field, low=0, high=max_score, what=Phrase("standard.what.score"))


def _load(db: Database, where: str, params: list) -> Standard:
    row = db.execute(
        "SELECT id, version, title_th, title_en, max_score, item_min, pass_total "
        f"FROM standards WHERE {where}",
        params,
    ).fetchone()
    if row is None:
        raise NotFound("standard.standard_not_found")
    items = tuple(
        StandardItem(*r)
        for r in db.execute(
            "SELECT no, grp, text_th, text_en FROM standard_items"
            " WHERE standard_id = ? ORDER BY no",
            [row[0]],
        )
    )
    return Standard(*row, items=items)


def current_standard(db: Database) -> Standard:
    """The newest standard version: new rounds are scored against it."""
    return _load(db, "version = (SELECT MAX(version) FROM standards)", [])


def standard_by_id(db: Database, standard_id: int) -> Standard:
    return _load(db, "id = ?", [standard_id])


def standard_by_uuid(db: Database, uuid: str) -> Standard:
    return _load(db, "uuid = ?", [uuid])


GROUPS = ("H", "A", "S")  # Healthy, Accessibility, Safety (DOMAIN.md section 3)
# One digit per item is typed and stored (rounds.scores): a score is at most 9.
MAX_SCORE_LIMIT = 9
MAX_ITEMS = 99


def check_standard(
    version: int, max_score: int, item_min: int, pass_total: int,
    items: Sequence[tuple[int, str, str, str]],
) -> None:  # fmt: skip
    """Issue 14, point 2: the one check of a standard version, made from a CSV of items
    here or received in a sync file: items numbered 1, 2, 3, … each in a group (H, A,
    S) with Thai and English text, and thresholds a round can reach."""
    for name, value, low, high in (("version", version, 1, 10**6),
                                   ("max_score", max_score, 1, MAX_SCORE_LIMIT)):  # fmt: skip
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput("plan.not_valid", field=name, name=name, value=value)
    if not 1 <= len(items) <= MAX_ITEMS:
        raise InvalidInput("standard.standard_1_items", field="items", max_items=MAX_ITEMS)
    for n, (no, grp, th, en) in enumerate(items, start=1):
        if no != n:
            raise InvalidInput("standard.items_numbered_1_2_3", field="no", row=n)
        if grp not in GROUPS or not th.strip() or not en.strip():
            raise InvalidInput("standard.each_item_needs_group_h", field="group", row=n)
        for value in (th, en):
            check_text(value, field=f"i{n}", limit=TEXT_MAX, what=Phrase("field.item_n", n=n))
    most = max_score * len(items)
    for name, value, low, high in (("item_min", item_min, 0, max_score),
                                   ("pass_total", pass_total, 1, most)):  # fmt: skip
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput("standard.pass_thresholds_not_valid", field=name)


def max_totals(db: Database) -> dict[int, int]:
    """standard id -> its highest total (80 for version 1): what a round's total is out of."""
    return dict(
        db.execute(
            "SELECT s.id, s.max_score * COUNT(i.no) FROM standards s"
            " JOIN standard_items i ON i.standard_id = s.id GROUP BY s.id"
        ).fetchall()
    )


STANDARD_COLUMNS = ("no", "group", "th", "en")


def create_standard_version(
    db: Database, path: Path, *, item_min: int | None = None, pass_total: int | None = None
) -> Standard:
    """A new standard version from a CSV of items (`no,group,th,en`): an office task.

    Old rounds keep the version they were scored against; new rounds use this one.
    Thresholds default to the current version's.
    """
    from core.audit import audit
    from core.csvfile import read_rows
    from core.db import new_id, transaction
    from core.records import covering
    from core.users import require

    require(db, "standards.manage")
    rows = read_rows(Path(path), STANDARD_COLUMNS)
    items = []
    for number, row in rows:
        try:
            no = whole(row["no"], field="no", low=1, high=MAX_ITEMS, what=Phrase("field.item"))
            items.append((no, row["group"].upper(), row["th"], row["en"]))
            # Each item as it is read, to name its row (the thresholds are checked below,
            # against the current version read under the write lock).
            check_standard(1, MAX_SCORE_LIMIT, 0, 1, items)
        except InvalidInput as exc:
            raise exc.at_row(number) from None
    uid = new_id()
    with transaction(db):
        # The current version read under the write lock: two new versions at once would
        # both have claimed the same number.
        current = current_standard(db)
        minimum = current.item_min if item_min is None else item_min
        band = current.pass_total if pass_total is None else pass_total
        version = current.version + 1
        check_standard(version, current.max_score, minimum, band, items)
        cur = db.execute(
            "INSERT INTO standards(uuid, version, title_th, title_en, max_score, item_min,"
            " pass_total, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, datetime('now'))",
            [uid, version, f"{current.title_th.split(' (')[0]} (ฉบับที่ {version})",
             f"{current.title_en.split(' (')[0]} (version {version})", current.max_score,
             minimum, band],
        )  # fmt: skip
        for no, grp, th, en in items:
            db.execute(
                "INSERT INTO standard_items(standard_id, no, grp, text_th, text_en)"
                " VALUES (?, ?, ?, ?, ?)",
                [cur.lastrowid, no, grp, th, en],
            )
        audit(db, "create", "standard", str(version), None,
              {"items": len(items), "item_min": minimum, "pass_total": band},
              covers=covering(db, standards=[uid]))  # fmt: skip
    return current_standard(db)
