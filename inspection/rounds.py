"""Checklist rounds: drafts saved on every change, final rounds never edited.

A correction is a new round that names the round it supersedes and why; both
stay. Every function here is one user action in one transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, cached_property, lru_cache
from types import MappingProxyType
from typing import NamedTuple

from sqlite_utils import Database

from core.audit import audit
from core.calendar import fiscal_year, now
from core.db import new_id, transaction
from core.errors import InvalidInput, NotFound
from core.i18n import Phrase
from core.records import (
    ACTIONS,
    ROUNDS,
    Covers,
    covering,
    json_string,
    values_digest,
)
from core.users import current_actor, require
from core.values import NAME_MAX, TEXT_MAX, check_text
from inspection.actions import ActionOutcome, settle_actions
from inspection.points import Point, get_point, get_point_by_id
from inspection.standard import (
    Judgement,
    Standard,
    check_score,
    current_standard,
    judge,
    standard_by_id,
)

UNSCORED = "-"


@dataclass(frozen=True)
class Round:
    id: int
    uuid: str
    point_id: int
    point_code: str
    standard_id: int
    inspected_at: datetime
    fiscal_year: int
    inspector: str
    status: str
    scores: tuple[int | None, ...]
    total: int
    passed: bool | None
    note: str
    supersedes: str | None
    reason: str
    notes: dict[int, str]
    # The pass rule's thresholds of the standard the round was scored against (not the
    # newest): its verdict stays what it was when a later version changes them.
    item_min: int
    pass_total: int
    superseded_by: str | None = None
    recorded_by: str = ""  # the account that saved it (the inspector is who inspected)
    point_uuid: str = ""

    @cached_property
    def verdict(self) -> Judgement:
        """What the pass rule (inspection.standard.judge) says of its scores, worked out
        once. An item not scored yet (a draft) counts 0 until it is."""
        return _judged(tuple(s or 0 for s in self.scores), self.item_min, self.pass_total)

    @property
    def is_final(self) -> bool:
        return self.status == "final"

    @property
    def complete(self) -> bool:
        return all(s is not None for s in self.scores)

    @property
    def next_unscored(self) -> int | None:
        """Item number (1-based) of the first unscored item, or None."""
        for no, s in enumerate(self.scores, start=1):
            if s is None:
                return no
        return None


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _decode(scores: str) -> tuple[int | None, ...]:
    return tuple(None if c == UNSCORED else int(c) for c in scores)


def _encode(scores: Sequence[int | None]) -> str:
    return "".join(UNSCORED if s is None else str(s) for s in scores)


_ROUND_SQL = (
    "SELECT r.id, r.uuid, r.point_id, p.code, r.standard_id, r.inspected_at, r.fiscal_year,"
    " r.inspector, r.status, r.scores, r.total, r.passed, r.note, r.supersedes, r.reason,"
    " (SELECT s.uuid FROM rounds s WHERE s.supersedes = r.uuid AND s.status = 'final'),"
    " r.recorded_by, p.uuid, st.item_min, st.pass_total"
    " FROM rounds r JOIN points p ON p.id = r.point_id JOIN standards st ON st.id = r.standard_id"
)


def _rows_to_rounds(db: Database, rows: list[tuple]) -> list[Round]:
    out = []
    for row in rows:
        notes = {
            no: note
            for no, note in db.execute(
                "SELECT no, note FROM round_notes WHERE round_id = ?", [row[0]]
            )
        }
        out.append(
            Round(
                id=row[0],
                uuid=row[1],
                point_id=row[2],
                point_code=row[3],
                standard_id=row[4],
                inspected_at=datetime.fromisoformat(row[5]),
                fiscal_year=row[6],
                inspector=row[7],
                status=row[8],
                scores=_decode(row[9]),
                total=row[10],
                passed=None if row[11] is None else bool(row[11]),
                note=row[12],
                supersedes=row[13],
                reason=row[14],
                notes=notes,
                superseded_by=row[15],
                recorded_by=row[16] or "",
                point_uuid=row[17],
                item_min=row[18],
                pass_total=row[19],
            )
        )
    return out


def get_round(db: Database, round_uuid: str) -> Round:
    rows = db.execute(_ROUND_SQL + " WHERE r.uuid = ?", [round_uuid]).fetchall()
    if not rows:
        raise NotFound("rounds.no_round", round_uuid=round_uuid)
    return _rows_to_rounds(db, rows)[0]


def standards_of_rounds(db: Database, uuids: Sequence[str]) -> dict[str, int]:
    """round uuid -> the id of the standard it was scored against (rounds that exist)."""
    rows = db.execute(
        "SELECT uuid, standard_id FROM rounds WHERE uuid IN (SELECT value FROM json_each(?))",
        [json.dumps(list(dict.fromkeys(uuids)))],
    ).fetchall()
    return dict(rows)


def rounds_for_point(db: Database, point_id: int, fy: int | None = None) -> list[Round]:
    """A point's history, newest first, drafts included."""
    sql = _ROUND_SQL + " WHERE r.point_id = ?"
    params: list = [point_id]
    if fy is not None:
        sql += " AND r.fiscal_year = ?"
        params.append(fy)
    return _rows_to_rounds(
        db,
        db.execute(
            sql + " ORDER BY r.inspected_at DESC, r.finalized_at DESC, r.uuid DESC", params
        ).fetchall(),
    )


def open_drafts(db: Database) -> list[Round]:
    """Drafts not finalized yet, newest first: a round typed before a crash is here."""
    rows = db.execute(_ROUND_SQL + " WHERE r.status = 'draft' ORDER BY r.id DESC").fetchall()
    return _rows_to_rounds(db, rows)


def _remembered(check: Callable[[object], str]) -> Callable[[object], str]:
    """`check` of a text, remembered per text: a 100,000-row import names a few
    inspectors and notes (a refusal is not cached); anything but a text (a sync file's
    number, a list) is checked each time, and refused."""
    cached = lru_cache(maxsize=1024)(check)
    return lambda value: cached(value) if isinstance(value, str) else check(value)


@_remembered
def _check_inspector(inspector: object) -> str:
    return check_text(inspector or "", field="inspector", limit=NAME_MAX, required=True,
                      what=Phrase("rounds.what.inspector_name"))  # fmt: skip


@_remembered
def _check_note(note: object) -> str:
    return check_text(note, field="note", limit=TEXT_MAX, one_line=False,
                      what=Phrase("rounds.what.note"))  # fmt: skip


def _check_when(when: datetime, present: datetime | None = None) -> datetime:
    if when > (present or now()):
        raise InvalidInput("rounds.inspection_time_future", field="date")
    return when.replace(second=0, microsecond=0)


class RoundFacts(NamedTuple):
    """What the rules need to know of a final round, wherever it comes from: the window
    (a draft being finalized), a CSV row, a sync file's record (sync/validate.py). A
    named tuple: an import of 100,000 rows makes one a row."""

    uuid: str
    point: str  # the point's uuid: the same on every computer
    inspected_at: datetime
    inspector: str
    scores: tuple[int | None, ...]
    note: str = ""
    notes: Mapping[int, str] = MappingProxyType({})
    supersedes: str | None = None
    reason: str = ""
    final: bool = True

    @classmethod
    def of(cls, rnd: Round) -> RoundFacts:
        return cls(rnd.uuid, rnd.point_uuid, rnd.inspected_at, rnd.inspector, rnd.scores,
                   rnd.note, rnd.notes, rnd.supersedes, rnd.reason, rnd.is_final)  # fmt: skip


def check_round(
    rnd: RoundFacts, std: Standard, corrected: RoundFacts | None = None, *,
    present: datetime | None = None,
) -> Judgement:  # fmt: skip
    """Issue 14, point 2: the one check of a final round, for the window, a CSV row and a
    sync file alike. Returns what the pass rule says of its scores (DOMAIN.md 3).

    - every item of the standard scored, each a whole number 0..max (an item named
      when it is not), no more and no fewer scores than the standard has items;
    - inspected not after `present` (now; a sync file allows for the other computer's
      clock), the inspector named, notes within the window's lengths;
    - a correction names a final round `corrected` of the same point and inspection
      time (a correction is a better record of the same inspection: it judges the
      point in its place) and gives its reason.
    The first rule broken raises InvalidInput naming the field.
    """
    n = len(std.items)
    if len(rnd.scores) != n:
        raise InvalidInput(
            "rounds.scores_given_but_standard_items", field="scores", len=len(rnd.scores), n=n
        )
    # Most rounds are plain: one C-speed test. Only a bad one is read item by item, to
    # name the item (a 100,000-row import calls this once a row).
    if not _valid_scores(std.max_score).issuperset(rnd.scores):
        _name_bad_score(rnd, std)
    if rnd.inspected_at > (present or now()):
        _check_when(rnd.inspected_at, present)  # raises, in the window's words
    if rnd.inspected_at.year < MIN_YEAR:
        raise InvalidInput("rounds.inspection_time_too_long_ago", field="date")
    _check_inspector(rnd.inspector)
    _check_note(rnd.note)
    for no, note in rnd.notes.items():
        _check_item(std, no)
        check_text(note, field=f"i{no}", limit=TEXT_MAX, one_line=False,
                   what=Phrase("rounds.what.note_item_2", no=no))  # fmt: skip
    if rnd.supersedes is not None:
        _check_correction(rnd, corrected)
    return _judged(tuple(rnd.scores), std.item_min, std.pass_total)  # type: ignore[arg-type]


@lru_cache(maxsize=4096)
def _judged(scores: tuple[int, ...], item_min: int, pass_total: int) -> Judgement:
    """judge, remembered: an import of 100,000 rounds holds a few hundred score patterns."""
    return judge(scores, item_min, pass_total)


# Before any round the office could have kept (the app began in B.E. 2563).
MIN_YEAR = 2000


@cache
def _valid_scores(max_score: int) -> frozenset[int]:
    return frozenset(range(max_score + 1))


def _name_bad_score(rnd: RoundFacts, std: Standard) -> None:
    for no, score in enumerate(rnd.scores, start=1):
        if score is None:
            raise InvalidInput("rounds.item_not_scored_yet", field=f"i{no}", no=no)
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= std.max_score:
            check_score(str(score), std.max_score, field=f"i{no}")
            raise InvalidInput("rounds.score_item_not_valid", field=f"i{no}", no=no)


def _check_correction(rnd: RoundFacts, corrected: RoundFacts | None) -> None:
    check_text(rnd.reason, field="reason", limit=TEXT_MAX, required=True, one_line=False,
               what=Phrase("rounds.what.reason_correction"))  # fmt: skip
    if corrected is None or corrected.uuid != rnd.supersedes or rnd.supersedes == rnd.uuid:
        raise InvalidInput("rounds.round_corrects_not_here", field="supersedes")
    if not corrected.final:
        raise InvalidInput("rounds.only_final_round_can_corrected", field="supersedes")
    if corrected.point != rnd.point:
        raise InvalidInput("rounds.correction_same_point", field="point")
    if corrected.inspected_at != rnd.inspected_at:
        raise InvalidInput("rounds.correction_keeps_inspection_time_round", field="date")


def start_draft(
    db: Database,
    point_code: str,
    inspector: str,
    when: datetime | None = None,
    *,
    supersedes: str | None = None,
    reason: str = "",
    scores: Sequence[int | None] | None = None,
    notes: dict[int, str] | None = None,
) -> Round:
    """Begin a round at a point, against the current standard; saved at once as a draft."""
    actor = require(db, "rounds.record")
    inspector = _check_inspector(inspector)
    when = _check_when(when or now())
    uid = new_id()
    with transaction(db):
        # The point and the standard read under the write lock, as every write reads.
        point = get_point(db, point_code)
        std = current_standard(db)
        n = len(std.items)
        initial = tuple(scores) if scores is not None else (None,) * n
        if len(initial) != n:
            initial = (tuple(initial) + (None,) * n)[:n]
        cur = db.execute(
            "INSERT INTO rounds(uuid, point_id, standard_id, inspected_at, fiscal_year, inspector,"
            " status, scores, total, passed, supersedes, reason, created_at, recorded_by)"
            " VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?, NULL, ?, ?, ?, ?)",
            [
                uid,
                point.id,
                std.id,
                when.isoformat(timespec="minutes"),
                fiscal_year(when.date()),
                inspector,
                _encode(initial),
                sum(s for s in initial if s is not None),
                supersedes,
                reason,
                _stamp(),
                actor.username,
            ],
        )
        for no, note in (notes or {}).items():
            db.execute(
                "INSERT INTO round_notes(round_id, no, note) VALUES (?, ?, ?)",
                [cur.lastrowid, no, note],
            )
        audit(
            db,
            "create_draft",
            "round",
            uid,
            None,
            {"point": point.code, "inspector": inspector, "at": when.isoformat()},
        )
    return get_round(db, uid)


def _draft(db: Database, round_uuid: str) -> tuple[Round, Standard]:
    require(db, "rounds.record")
    rnd = get_round(db, round_uuid)
    if rnd.is_final:
        raise InvalidInput("rounds.round_final_cannot_edited_use")
    return rnd, standard_by_id(db, rnd.standard_id)


def _check_item(std: Standard, item_no: int) -> None:
    if not 1 <= item_no <= len(std.items):
        raise InvalidInput(
            "rounds.there_no_item_items_1", field="item", item_no=item_no, len=len(std.items)
        )


def set_score(db: Database, round_uuid: str, item_no: int, score: int | None) -> Round:
    """Score one item of a draft (None clears it); the draft is saved at once."""
    # Read under the write lock: a round finalized (or scored) by another window between
    # the read and the write would otherwise be overwritten with a stale score list.
    with transaction(db):
        rnd, std = _draft(db, round_uuid)
        _check_item(std, item_no)
        value = None if score is None else check_score(score, std.max_score, field=f"i{item_no}")
        scores = list(rnd.scores)
        scores[item_no - 1] = value
        db.execute(
            "UPDATE rounds SET scores = ?, total = ? WHERE id = ? AND status = 'draft'",
            [_encode(scores), sum(s for s in scores if s is not None), rnd.id],
        )
    return get_round(db, round_uuid)


def set_item_note(db: Database, round_uuid: str, item_no: int, note: str) -> Round:
    note = check_text(note or "", field=f"i{item_no}", limit=TEXT_MAX, one_line=False,
                      what=Phrase("rounds.what.note_item", item_no=item_no))  # fmt: skip
    with transaction(db):
        rnd, std = _draft(db, round_uuid)
        _check_item(std, item_no)
        if note:
            db.execute(
                "INSERT INTO round_notes(round_id, no, note) VALUES (?, ?, ?)"
                " ON CONFLICT(round_id, no) DO UPDATE SET note = excluded.note",
                [rnd.id, item_no, note],
            )
        else:
            db.execute("DELETE FROM round_notes WHERE round_id = ? AND no = ?", [rnd.id, item_no])
    return get_round(db, round_uuid)


def set_round_note(db: Database, round_uuid: str, note: str) -> Round:
    note = check_text(note or "", field="note", limit=TEXT_MAX, one_line=False,
                      what=Phrase("rounds.what.note"))  # fmt: skip
    with transaction(db):
        rnd, _ = _draft(db, round_uuid)
        db.execute("UPDATE rounds SET note = ? WHERE id = ? AND status = 'draft'", [note, rnd.id])
    return get_round(db, round_uuid)


def discard_draft(db: Database, round_uuid: str) -> None:
    # Read under the write lock: a draft another window finalized a moment ago is final
    # now, and is refused instead of deleted with an audit row for a draft that is gone.
    with transaction(db):
        rnd, _ = _draft(db, round_uuid)
        db.execute("DELETE FROM rounds WHERE id = ? AND status = 'draft'", [rnd.id])
        audit(db, "discard_draft", "round", rnd.uuid, _snapshot(rnd), None)


def _action_texts(notes: dict[int, str], std: Standard, failed: Sequence[int]) -> dict[int, str]:
    """What each failed item's action asks: the item, and the inspector's note on it."""
    texts = {}
    for no in failed:
        note = notes.get(no, "")
        texts[no] = std.items[no - 1].text_th + (f" — {note}" if note else "")
    return texts


def _corrected_chain(db: Database, rnd: Round) -> list[str]:
    """The rounds `rnd` stands in for: the one it supersedes, that one's, and so on."""
    chain: list[str] = []
    uuid = rnd.supersedes
    while uuid and uuid not in chain:
        chain.append(uuid)
        row = db.execute("SELECT supersedes FROM rounds WHERE uuid = ?", [uuid]).fetchone()
        uuid = row[0] if row else None
    return chain


@dataclass(frozen=True)
class Finalized:
    """A round made final, and what that did to its point's corrective actions."""

    round: Round
    actions: ActionOutcome


def finalize_round(db: Database, round_uuid: str) -> Round:
    """Make a complete draft final (see `finalize`)."""
    return finalize(db, round_uuid).round


def finalize(db: Database, round_uuid: str) -> Finalized:
    """Make a complete draft final: total and pass are fixed, failed items open actions
    (a correction carries its round's open actions over, see settle_actions)."""
    # The draft is read under the write lock: when two windows finalize it at once, the
    # second finds it final and is refused, instead of opening a second set of corrective
    # actions and a second "finalize" audit row (issue 13).
    with transaction(db):
        rnd, std = _draft(db, round_uuid)
        missing = [no for no, s in enumerate(rnd.scores, start=1) if s is None]
        if missing:
            listed = ", ".join(str(n) for n in missing)
            raise InvalidInput("rounds.items_not_scored_yet", field=f"i{missing[0]}", listed=listed)
        corrected = None
        if rnd.supersedes:
            _check_supersede(db, rnd.supersedes)
            corrected = RoundFacts.of(get_round(db, rnd.supersedes))
        verdict = check_round(RoundFacts.of(rnd), std, corrected)
        db.execute(
            "UPDATE rounds SET status = 'final', total = ?, passed = ?, finalized_at = ?,"
            " recorded_by = ? WHERE id = ? AND status = 'draft'",
            [verdict.total, int(verdict.passed), _stamp(), current_actor(db).username, rnd.id],
        )
        outcome = settle_actions(
            db, point_id=rnd.point_id, round_uuid=rnd.uuid, failed=verdict.failed_items,
            what=_action_texts(rnd.notes, std, verdict.failed_items),
            corrects=_corrected_chain(db, rnd), reason=rnd.reason,
        )  # fmt: skip
        after = get_round(db, round_uuid)
        audit(
            db,
            "finalize",
            "round",
            rnd.uuid,
            None,
            _snapshot(after),
            covers=covering(db, rounds=[rnd.uuid], actions=list(outcome.opened_uuids)),
        )
    return Finalized(after, outcome)


def _check_supersede(db: Database, old_uuid: str) -> None:
    taken = db.execute(
        "SELECT 1 FROM rounds WHERE supersedes = ? AND status = 'final'", [old_uuid]
    ).fetchone()
    if taken:
        raise InvalidInput("rounds.round_already_been_corrected_correct")


def correct_round(db: Database, round_uuid: str, reason: str, inspector: str) -> Round:
    """Start a correction: a new draft with the old scores that supersedes the final round.

    The correction keeps the inspection time of the round it corrects: it is a
    better record of the same inspection, so it judges the point in its place.
    """
    require(db, "rounds.correct")
    reason = check_text(reason or "", field="reason", limit=TEXT_MAX, required=True,
                        one_line=False,
                        what=Phrase("rounds.what.reason_correction"))  # fmt: skip
    with transaction(db):
        old = get_round(db, round_uuid)
        if not old.is_final:
            raise InvalidInput("rounds.only_final_round_can_corrected")
        _check_supersede(db, old.uuid)
        point = get_point_by_id(db, old.point_id)
        return start_draft(
            db,
            point.code,
            inspector,
            old.inspected_at,
            supersedes=old.uuid,
            reason=reason,
            scores=old.scores,
            notes=old.notes,
        )


def correct_with_scores(
    db: Database, round_uuid: str, reason: str, scores: Sequence[object], inspector: str
) -> Round:
    """A correction in one step (the command line's `correct-round`): the new scores,
    checked whole first, in a final round that supersedes `round_uuid` and why.

    The same rules as the window's correction (correct_round, then finalize_round);
    should the last step be refused, the draft it began is discarded.
    """
    require(db, "rounds.correct")
    std = current_standard(db)
    if len(scores) != len(std.items):
        raise InvalidInput(
            "rounds.give_scores_given", field="--scores", len=len(std.items), n_scores=len(scores)
        )
    values = [check_score(v, std.max_score, field=f"i{n}") for n, v in enumerate(scores, start=1)]
    draft = correct_round(db, round_uuid, reason, inspector)
    try:
        with transaction(db):
            db.execute(
                "UPDATE rounds SET scores = ?, total = ? WHERE uuid = ? AND status = 'draft'",
                [_encode(values), sum(values), draft.uuid],
            )
        return finalize_round(db, draft.uuid)
    except BaseException:
        discard_draft(db, draft.uuid)
        raise


def record_round(
    db: Database,
    point: Point,
    inspected_at: datetime,
    inspector: str,
    scores: Sequence[int],
    *,
    notes: dict[int, str] | None = None,
    note: str = "",
    source: str = "app",
    standard: Standard | None = None,
    batch: int | None = None,
    covers: Covers | None = None,
) -> str:
    """Write a final round in one step (imports and the demo year); returns its uuid.

    The caller holds the transaction, so that a whole file is all or nothing, and
    writes one audit row for the whole batch (see `audit_batch`), which `covers`
    collects the round's digest (and its actions') for.
    """
    std = standard or current_standard(db)
    verdict = judge(scores, std.item_min, std.pass_total)
    uid = new_id()
    stamp = _stamp()
    at = inspected_at.isoformat(timespec="minutes")
    fy = fiscal_year(inspected_at.date())
    encoded = _encode(scores)
    # The bare connection: this is the hot path of a 100,000-row import.
    cur = db.conn.execute(
        "INSERT INTO rounds(uuid, point_id, standard_id, inspected_at, fiscal_year, inspector,"
        " status, scores, total, passed, note, source, created_at, finalized_at, recorded_by,"
        " audit_batch) VALUES (?, ?, ?, ?, ?, ?, 'final', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (uid, point.id, std.id, at, fy, inspector, encoded, verdict.total, int(verdict.passed),
         note, source, stamp, stamp, current_actor(db).username, batch),
    )  # fmt: skip
    if covers is not None:
        covers.add("rounds", uid, round_digest(
            uid, point.uuid, standard_uuid(db, std.id), at, fy, inspector, encoded,
            verdict.total, int(verdict.passed), note, source, stamp, current_actor(db).username,
            notes or {},
        ))  # fmt: skip
    for no, text in (notes or {}).items():
        db.conn.execute(
            "INSERT INTO round_notes(round_id, no, note) VALUES (?, ?, ?)",
            (cur.lastrowid, no, text),
        )
    if verdict.failed_items:
        outcome = settle_actions(
            db,
            point_id=point.id,
            round_uuid=uid,
            failed=verdict.failed_items,
            what=_action_texts(notes or {}, std, verdict.failed_items),
        )
        if covers is not None:
            covers.read(db, ACTIONS, list(outcome.opened_uuids))
    return uid


def round_content(
    uid: str, point_uuid: str, standard_uuid: str, at: str, fy: int, inspector: str,
    scores: str, total: int, passed: int, note: str, source: str, stamp: str, actor: str,
    notes: dict[int, str],
) -> dict:  # fmt: skip
    """A final round written in bulk, as core.records.ROUNDS digests it: bulk writers
    digest what they insert instead of reading it back."""
    return {
        "uuid": uid, "point": point_uuid, "standard": standard_uuid, "inspected_at": at,
        "fiscal_year": fy, "inspector": inspector, "scores": scores, "total": total,
        "passed": passed, "note": note, "supersedes": None, "reason": "", "source": source,
        "created_at": stamp, "finalized_at": stamp, "recorded_by": actor,
        "notes": [[no, text] for no, text in sorted(notes.items())],
    }  # fmt: skip


def round_digest(
    uid: str, point_uuid: str, standard_uuid: str, at: str, fy: int, inspector: str,
    scores: str, total: int, passed: int, note: str, source: str, stamp: str, actor: str,
    notes: dict[int, str],
) -> str:  # fmt: skip
    """`digest(ROUNDS, round_content(...))` without the dict, the values in the order ROUNDS
    describes them (tests/core/test_records.py holds the two equal): a 100,000-row import
    digests every round it writes, and the dict was a third of that work."""
    children = [[no, text] for no, text in sorted(notes.items())] if notes else []
    return values_digest(ROUNDS, (
        uid, point_uuid, standard_uuid, at, fy, inspector, scores, total, passed, note, None,
        "", source, stamp, stamp, actor, children,
    ))  # fmt: skip


def round_digester(standard_uuid: str, source: str, stamp: str, actor: str) -> Callable[..., str]:
    """`round_digest` for the rounds of one bulk write (one standard, source, moment and
    actor; no item notes): (uid, point_uuid, at, fy, inspector, scores, total, passed,
    note) -> digest. The values they share are encoded once and each round's canonical
    JSON is written out directly, strings through core.records' own escaper; the tests
    hold it equal to `digest` for any text. It keeps a 100,000-row import within its
    goal (bench: import_ratio)."""
    es = json_string
    head, std = f"[{es(ROUNDS.kind)},", es(standard_uuid)
    tail = f',null,"",{es(source)},{es(stamp)},{es(stamp)},{es(actor)},[]]'
    sha256 = hashlib.sha256

    def digest_round(uid: str, point_uuid: str, at: str, fy: int, inspector: str, scores: str,
                     total: int, passed: int, note: str) -> str:  # fmt: skip
        text = (f"{head}{es(uid)},{es(point_uuid)},{std},{es(at)},{fy:d},{es(inspector)},"
                f"{es(scores)},{total:d},{passed:d},{es(note)}{tail}")  # fmt: skip
        return sha256(text.encode("utf-8")).hexdigest()[:32]

    return digest_round


def standard_uuid(db: Database, standard_id: int) -> str:
    return db.execute("SELECT uuid FROM standards WHERE id = ?", [standard_id]).fetchone()[0]


def next_batch(db: Database) -> int:
    """The id the batch's audit row will get: rounds written in bulk carry it.

    Safe inside the write transaction that also writes the audit row.
    """
    return db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM audit_log").fetchone()[0]


def audit_batch(
    db: Database,
    action: str,
    batch: int,
    batch_key: str,
    detail: dict,
    covers: Covers | None = None,
) -> None:
    """One audit row for rounds written in bulk, with the digest of each one's content.

    `check` recomputes the digests, so a bulk round changed later is named like any
    record changed outside the app. Writers that digested the rows while inserting
    pass `covers`; otherwise the batch's rounds and their actions are read back.
    """
    if covers is None:
        covers = Covers().read_where(db, ROUNDS, "t.audit_batch = ?", [batch])
        covers.read_where(db, ACTIONS, "t.round_uuid IN (SELECT uuid FROM rounds"
                          " WHERE audit_batch = ?)", [batch])  # fmt: skip
    count = len(covers.entries.get("rounds", {}))
    row_id = db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM audit_log").fetchone()[0]
    if row_id != batch:
        raise RuntimeError("audit batch id moved inside its transaction")
    audit(db, action, "rounds_batch", batch_key, None, dict(detail, rounds=count),
          covers=covers)  # fmt: skip


def _snapshot(rnd: Round) -> dict:
    """What the audit trail keeps of a round: enough to see who recorded what."""
    return {
        "point": rnd.point_code,
        "at": rnd.inspected_at.isoformat(),
        "inspector": rnd.inspector,
        "status": rnd.status,
        "scores": _encode(rnd.scores),
        "total": rnd.total,
        "passed": rnd.passed,
        "supersedes": rnd.supersedes,
        "reason": rnd.reason,
    }


@dataclass(frozen=True)
class PointStatus:
    """A point's standing in a fiscal year: judged by its latest effective final round."""

    point: Point
    round: Round | None

    @property
    def state(self) -> str:
        if self.round is None:
            return "unchecked"
        return "passed" if self.round.passed else "failed"


# A final round that still stands: no final correction supersedes it, and where two
# laptops each corrected the same round (both arrive by sync), only the later finalized
# (then the larger uuid) stands, the same on every laptop.
_STANDS_R2 = (
    " AND NOT EXISTS (SELECT 1 FROM rounds c WHERE c.supersedes = r2.uuid AND c.status = 'final')"
    " AND NOT EXISTS (SELECT 1 FROM rounds s WHERE r2.supersedes IS NOT NULL"
    "   AND s.supersedes = r2.supersedes AND s.status = 'final'"
    "   AND (s.finalized_at, s.uuid) > (r2.finalized_at, r2.uuid))"
)
_STANDS_T = (
    " AND NOT EXISTS (SELECT 1 FROM rounds c WHERE c.supersedes = t.uuid AND c.status = 'final')"
    " AND NOT EXISTS (SELECT 1 FROM rounds s WHERE t.supersedes IS NOT NULL"
    "   AND s.supersedes = t.supersedes AND s.status = 'final'"
    "   AND (s.finalized_at, s.uuid) > (t.finalized_at, t.uuid))"
)


def deciding_rounds(db: Database, fy: int) -> dict[int, Round]:
    """point id -> the latest final round of the year that still stands.

    DOMAIN.md section 6: each point is judged by its latest final round in the year.
    Two standing rounds of one point at the same minute (two inspectors, merged from
    two laptops) are told apart by when they were finalized, then by uuid: the same on
    every laptop, unlike the local row id. The tie is settled by a NOT EXISTS on the
    same minute (an index seek), so the year still reads one row per point through
    `rounds_point_year` with no sort, and the index stays narrow (bytes per round).
    """
    rows = db.execute(
        _ROUND_SQL + " WHERE r.id IN ("
        "   SELECT (SELECT r2.id FROM rounds r2"
        "           WHERE r2.point_id = p2.id AND r2.fiscal_year = ? AND r2.status = 'final'"
        + _STANDS_R2
        + "             AND NOT EXISTS (SELECT 1 FROM rounds t WHERE t.point_id = r2.point_id"
        "                 AND t.fiscal_year = r2.fiscal_year AND t.status = 'final'"
        "                 AND t.inspected_at = r2.inspected_at"
        "                 AND (t.finalized_at, t.uuid) > (r2.finalized_at, r2.uuid)"
        + _STANDS_T
        + ")"
        "           ORDER BY r2.inspected_at DESC LIMIT 1)"
        "   FROM points p2)",
        [fy],
    ).fetchall()
    return {r.point_id: r for r in _rows_to_rounds(db, rows)}


def point_statuses(db: Database, fy: int, points: Sequence[Point]) -> list[PointStatus]:
    deciding = deciding_rounds(db, fy)
    return [PointStatus(p, deciding.get(p.id)) for p in points]


def round_date(rnd: Round) -> date:
    return rnd.inspected_at.date()
