"""The merge decisions of a sync file, as pure functions of the records compared.

A laptop (sync/receive.py, SQLite) and the city hub (hub/merge.py, PostgreSQL) each
read what they hold and write what is decided in their own SQL; what is decided is
decided here, once, so both apply the same rules:

- final records are never changed: a record already held is skipped;
- the same inspection is one round, whatever key it came with (DOMAIN.md section 8);
- an editable record takes the later change, and a real clash keeps the loser in history;
- a survey form's links only move one way;
- audit rows join a device's chain only where they continue it;
- a record is written only with the audit row that records it (`RecordGate`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.coverage import BATCH_KINDS, Claim, Claims
from core.errors import InvalidInput
from core.i18n import Localised, Phrase, joined
from core.records import COVERED, GUARD_EVENTS, SURVEY_FORMS, Record, digest


def stamp(row: Mapping[str, Any]) -> tuple[str, str]:
    """When and on which device a record last changed; never changed sorts first."""
    return (row.get("changed_at") or "", row.get("changed_on") or "")


@dataclass(frozen=True)
class EditDecision:
    """What to do with an editable record held here and the version a file brings."""

    remote_wins: bool  # write the file's version here
    differ: bool  # the two versions' values differ
    clash: bool  # both were edited, on different devices, neither on top of the other
    kept: dict[str, Any]  # the winner's editable values
    lost: dict[str, Any]  # the loser's
    kept_stamp: tuple[str | None, str | None]  # (changed_at, changed_on) of the winner
    lost_stamp: tuple[str | None, str | None]

    @property
    def counts_as(self) -> str:
        """How a merge counts it: "updated" (a change came in without a clash), "skipped"
        (nothing to change, or ours stays), or "conflict" (kept in history)."""
        if self.clash:
            return "conflict"
        return "updated" if self.remote_wins and self.differ else "skipped"


def decide_edit(
    local: Mapping[str, Any], remote: Mapping[str, Any], fields: Sequence[str]
) -> EditDecision:
    """Later change wins (ties: the larger device id); both sides apply the same rule, so
    A into B and B into A end with the same content. `local` and `remote` carry `fields`
    and changed_at, changed_on, changed_base."""
    local_vals = {f: local[f] for f in fields}
    remote_vals = {f: remote[f] for f in fields}
    differ = local_vals != remote_vals
    remote_wins = stamp(remote) > stamp(local)
    on_top = (remote["changed_base"] == " ".join(stamp(local))
              or local["changed_base"] == " ".join(stamp(remote)))  # fmt: skip
    clash = bool(differ and local["changed_at"] and remote["changed_at"] and not on_top
                 and local["changed_on"] != remote["changed_on"])  # fmt: skip
    winner, loser = (remote, local) if remote_wins else (local, remote)
    return EditDecision(
        remote_wins=remote_wins,
        differ=differ,
        clash=clash,
        kept=remote_vals if remote_wins else local_vals,
        lost=local_vals if remote_wins else remote_vals,
        kept_stamp=(winner["changed_at"], winner["changed_on"]),
        lost_stamp=(loser["changed_at"], loser["changed_on"]),
    )


def point_key(remote_uuid: str, code: str, held: Mapping[str, Any],
              uuid_by_code: Mapping[str, str]) -> str:  # fmt: skip
    """The key a received point is held under. Same code, another key (added by hand on
    two laptops): one point, the receiver's key."""
    if remote_uuid not in held and code in uuid_by_code:
        return uuid_by_code[code]
    return remote_uuid


def inspection_key(rnd: Mapping[str, Any], point: Any) -> tuple | None:
    """DOMAIN.md section 8: the same point, time and inspector is the same round (one CSV
    imported on two laptops gives it two keys). A correction is always its own record."""
    if rnd["supersedes"] is not None:
        return None
    return (point, rnd["inspected_at"], rnd["inspector"])


def merged_form_links(
    local: Mapping[str, Any], remote: Mapping[str, Any]
) -> tuple[str | None, str | None, int]:
    """(derived_from, replaced_by, retired) of a survey form after a merge. They only move
    one way: a retired form stays retired, the first successor (the smaller key, should
    two laptops each version it) is kept, the origin once known stays."""
    derived = local["derived_from"] if local["derived_from"] is not None else remote["derived_from"]
    ours, theirs = local["replaced_by"], remote["replaced_by"]
    replaced = theirs if ours is None else ours if theirs is None else min(ours, theirs)
    return derived, replaced, max(local["retired"], remote["retired"])


def joins_chain(device: str, receiver_device: str | None, prev_hash: str, head: str,
                broken: bool) -> bool:  # fmt: skip
    """An audit row joins its device's chain here only where it continues it: not a row of
    the receiver's own chain (a copy of this database, restored or cloned, must not be
    spliced in), and not once that device's rows in the file have left a gap (a file made
    with --since) or forked."""
    return device != receiver_device and not broken and prev_hash == head


def refusal(why: Localised, field: str = "file") -> InvalidInput:
    """A sync file refused whole, as a laptop and the hub both say it."""
    return InvalidInput("receive.refused", field=field, why=why)


def event_row(ev: Mapping[str, Any], rep: Mapping[str, Any]) -> dict[str, Any]:
    """An event of a file as its digest reads it: it names the report it travels in."""
    return dict(ev, report=rep["uuid"])


def gated_records(content: Mapping[str, list]) -> list[tuple[Record, dict]]:
    """Every record of a file that the audit chain covers, with the fields its digest reads."""
    out = [(rec, row) for rec in COVERED if rec.synced and not rec.inside
           for row in content[rec.kind]]  # fmt: skip
    for rep in content["guard_reports"]:
        out.extend((GUARD_EVENTS, event_row(ev, rep)) for ev in rep["events"])
    return out


def wanted_keys(content: Mapping[str, list]) -> dict[str, set[str]]:
    """Kind -> the keys of a file's covered records: the claims a gate reads."""
    wanted: dict[str, set[str]] = {}
    for rec, row in gated_records(content):
        wanted.setdefault(rec.kind, set()).add(rec.key_of(row))
    return wanted


_LINKS = ("derived_from", "replaced_by", "retired")


def settle_form_links(
    execute: Callable[[str, list], Any], forms: Sequence[Mapping[str, Any]], settled: set[str],
    gate: RecordGate,
) -> list[str]:  # fmt: skip
    """Once every survey form of a file is merged: each settled form's links become the
    merge of this side's and the file's (merged_form_links). `execute` runs SQL with `?`
    placeholders (a laptop's database, the hub's). The keys whose links were written."""
    done = []
    for f in forms:
        if f["key"] not in settled or not gate.check(SURVEY_FORMS, f):
            continue
        row = execute(
            "SELECT derived_from, replaced_by, retired FROM survey_forms WHERE key = ?",
            [f["key"]],
        ).fetchone()
        execute(
            "UPDATE survey_forms SET derived_from = ?, replaced_by = ?, retired = ? WHERE key = ?",
            [*merged_form_links(dict(zip(_LINKS, row, strict=True)), f), f["key"]],
        )
        done.append(f["key"])
    return done


def names_missing(rec: Record, row: Mapping[str, Any], held: Callable[[str, str], bool]) -> bool:
    """Whether a record names a record of another table (a point, a standard) that the
    receiver does not hold, `held(table, uuid)` saying which it does: such a record waits
    with the one it names (a point held back for want of its audit row), on a laptop and
    at the hub alike."""
    return any(
        row.get(f.name) is not None and not held(f.ref, row[f.name])
        for f in rec.synced_fields
        if f.ref
    )


class RecordGate:
    """A received record is written only with the audit row that records it (issue 14).

    `file` holds the claims of the file's own audit rows that are now in the receiver's
    chains (what the sending computer knew); `here` those of every row the receiver
    holds, read as the sender reads them (for a record none of the file's rows names: a
    point sent whole, last changed before `--since`). Both are core.coverage.Claims,
    read from a laptop's SQLite or the hub's PostgreSQL. A record with no claim is held
    back (its row has not arrived); one whose digest differs from its claim refuses the
    whole file. `db` answers `execute(sql, params)` with `?` placeholders (a laptop's
    database or hub.dialect.PgDatabase): the refusal names the fields the claiming row
    states otherwise in its own words.
    """

    def __init__(self, db: Any, file: Claims, here: Claims, held: dict[str, int]) -> None:
        self.db, self.file, self.here, self.held = db, file, here, held
        self.checked: dict[tuple[str, str], bool] = {}

    def claim(self, rec: Record, key: str) -> Claim | None:
        return self.file.get(rec.kind, key) or self.here.get(rec.kind, key)

    def check(self, rec: Record, row: Mapping[str, Any]) -> bool:
        """Whether the record is recorded as it is in the file; an altered one refuses all."""
        if not rec.covered:
            return True
        key = rec.key_of(row)
        if (rec.kind, key) in self.checked:
            return self.checked[(rec.kind, key)]
        claim = self.claim(rec, key)
        if claim is not None and claim.digest != digest(rec, row):
            raise self.altered(rec, key, row, claim)
        self.checked[(rec.kind, key)] = claim is not None
        return claim is not None

    def check_all(self, content: Mapping[str, list]) -> None:
        """`check` every covered record of the file, before any is merged: one the
        receiver already holds (skipped, never written) refuses the file just as well if
        it differs from its row. A file signed by a trusted computer was accepted whole
        while a laptop that had the record skipped the altered copy (review)."""
        for rec, row in gated_records(content):
            self.check(rec, row)

    def allow(self, rec: Record, row: Mapping[str, Any]) -> bool:
        """`check`, counting a record held back for want of its audit row."""
        ok = self.check(rec, row)
        if not ok:
            self.held[rec.kind] = self.held.get(rec.kind, 0) + 1
        return ok

    def batch(self, rec: Record, key: str) -> int | None:
        """The receiver's id of the batch row that records a bulk round (rounds.audit_batch)."""
        claim = self.claim(rec, key)
        return claim.audit_id if claim and claim.audit_kind in BATCH_KINDS else None

    def altered(self, rec: Record, key: str, row: Mapping[str, Any],
                claim: Claim) -> InvalidInput:  # fmt: skip
        fields = stated_otherwise(self.db, rec, row, claim.audit_id)
        why: Localised = Phrase("sync.refused.uncovered", kind=rec.kind, key=key)
        if len(fields) > 1:
            # The first is named as the error's field; the others are listed.
            listed = Phrase("sync.refused.altered_fields", fields=", ".join(fields))
            why = joined([why, listed], " ")
        return refusal(why, field=fields[0] if fields else rec.kind)


def _comparable(a: Any, b: Any) -> bool:
    number = (int, float)
    return (a is None or b is None or (isinstance(a, str) and isinstance(b, str))
            or (isinstance(a, number) and isinstance(b, number)))  # fmt: skip


def stated_otherwise(db: Any, rec: Record, row: Mapping[str, Any], audit_id: int) -> list[str]:
    """The fields of `row` whose value the audit row `audit_id` states otherwise in its own
    words (its `after`: a finalized round's scores, an event's classification). A row
    written in bulk states none: the digest alone tells the record was altered."""
    found = db.execute("SELECT after FROM audit_log WHERE id = ?", [audit_id]).fetchone()
    try:
        after = json.loads(found[0]) if found else None
    except (TypeError, ValueError):
        return []
    if not isinstance(after, dict):
        return []
    # A reference is the record's UUID here and often a code there: not compared.
    return [
        f.name
        for f in rec.digest_fields
        if not f.ref
        and f.name in after
        and f.name in row
        and _comparable(after[f.name], row[f.name])
        and after[f.name] != row[f.name]
    ]
