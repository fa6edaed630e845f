"""The merge decisions of a sync file, as pure functions of the records compared.

A laptop (sync/receive.py, SQLite) and the city hub (hub/merge.py, PostgreSQL) each
read what they hold and write what is decided in their own SQL; what is decided is
decided here, once, so both apply the same rules:

- final records are never changed: a record already held is skipped;
- the same inspection is one round, whatever key it came with (DOMAIN.md section 8);
- an editable record takes the later change, and a real clash keeps the loser in history;
- a survey form's links only move one way;
- audit rows join a device's chain only where they continue it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


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
