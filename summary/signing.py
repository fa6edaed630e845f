"""Signing the annual summary: a section head's act, refused to others in the domain.

The signature is an audit row (kind `annual_summary`, record = the fiscal year) that
holds the score as signed, in the same transaction as nothing else: the chain's head
right after it is the hash to write on the paper summary, so `check --against` that
hash later tells whether the history behind the signed score was rewritten. Signing
again (after a correction) keeps the earlier signature as the row's `before`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from core.audit import audit, rows
from core.db import transaction
from core.users import require
from summary.score import annual_score, score_json


@dataclass(frozen=True)
class Signature:
    fiscal_year: int
    signed_by: str
    at: str  # UTC, ISO
    score: dict  # the object of `score --json`, as it stood when signed
    head: str  # the audit chain's head hash including the signature


def latest_signature(db: Database, fy: int) -> Signature | None:
    """The latest signature of `fy`, by when it was signed (then by hash, for a tie).

    Not by local row id: after a sync, signatures made on two laptops sit in a
    different row order on each, and both laptops must name the same latest one.
    """
    found = rows(db, kind="annual_summary", record_uuid=str(fy), limit=10_000)
    if not found:
        return None
    row = max(found, key=lambda r: (r.at, r.hash))
    return Signature(fy, row.actor, row.at, json.loads(row.after), row.hash)


def sign_annual_summary(db: Database, fy: int) -> Signature:
    """Record that the signed-in section head signs fiscal year `fy`'s summary as it is now."""
    actor = require(db, "summary.sign")
    with transaction(db):
        # Scored under the write lock: nothing another writer commits can slip in between
        # the score signed and the head hash that anchors the history behind it.
        score = score_json(annual_score(db, fy))
        previous = latest_signature(db, fy)
        before = None
        if previous is not None:
            before = {"signed_by": previous.signed_by, "at": previous.at, "score": previous.score}
        head = audit(db, "sign", "annual_summary", str(fy), before, score)
        (at,) = db.execute("SELECT at FROM audit_log WHERE hash = ?", [head]).fetchone()
    return Signature(fy, actor.username, at, score, head)
