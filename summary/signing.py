"""Signing the annual summary: a section head's act, refused to others in the domain.

The signature is an audit row (kind `annual_summary`, record = the fiscal year) that
holds the score as signed and the signer's role, in the same transaction as nothing
else: the chain's head right after it is the hash to write on the paper summary, so
`check --against` that hash later tells whether the history behind the signed score
was rewritten. Signing again (after a correction) keeps the earlier signature as the
row's `before`.

Audit rows travel between computers, so a row of kind `annual_summary` may have been
written anywhere. It counts as a signature only when it was made on a computer this
one trusts (core.devices), by an account that held the section-head role there (the
audit row's own `role`, or for older rows what the chain says of the account), and not
dated in the future (issue 14, point 3); the Audit page and the annual PDF show only
such a signature. Others stay in the history, where `check` still verifies them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from core.audit import AuditRow, audit, rows
from core.db import transaction
from core.devices import trusted_device_ids
from core.errors import InvalidInput
from core.i18n import Phrase
from core.users import PermissionDenied, require
from core.values import NAME_MAX, check_text
from summary.score import annual_score, score_json

SIGNER_ROLE = "section_head"
# Another computer's clock may run ahead of this one's; a day covers a wrong time zone.
CLOCK_SKEW = timedelta(days=1)


@dataclass(frozen=True)
class Signature:
    fiscal_year: int
    signed_by: str
    at: str  # UTC, ISO
    score: dict  # the object of `score --json`, as it stood when signed
    head: str  # the audit chain's head hash including the signature


_YEAR = re.compile(r"^[0-9]{4}$")


def check_signature(
    fy_text: str, action: str, actor: str, at: str, after: str, *, present: datetime | None = None
) -> dict:
    """Issue 14, point 2: the one check of a signature record, as signing writes it and as
    a sync file brings it: a fiscal year, the signer named, a moment not after
    `present` (now, UTC; a sync file allows for the other computer's clock), and the
    signed score of that year. Returns the signed content ({"score": …, "role": …}; a
    signature made before roles were recorded has role None)."""
    if action != "sign" or not _YEAR.match(fy_text) or not 2443 <= int(fy_text) <= 3000:
        raise InvalidInput("signing.signed_fiscal_year_not_valid", field="fiscal_year")
    check_text(actor, field="signed_by", limit=NAME_MAX, required=True,
               what=Phrase("signing.what.signer"))  # fmt: skip
    moment = _moment(at)
    if moment is None or moment > (present or datetime.now(UTC)):
        raise InvalidInput("signing.signing_time_not_valid_future", field="signed_at", at=at[:40])
    try:
        content = json.loads(after)
    except ValueError:
        content = None
    if isinstance(content, dict) and "score" in content:
        signed, role = content.get("score"), content.get("role")
    else:
        signed, role = content, None  # the first signatures held the score alone
    if not (isinstance(signed, dict) and signed.get("fiscal_year") == int(fy_text)
            and (role is None or isinstance(role, str))):  # fmt: skip
        raise InvalidInput("signing.signed_score_not_valid", field="score")
    return {"score": signed, "role": role}


def _moment(at: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(at) if isinstance(at, str) and at.isascii() else None
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _role_in_chain(db: Database, row: AuditRow) -> str | None:
    """The signer's role on the signing computer when a signature without a recorded role
    was made: its account rows before the signature in that computer's chain."""
    role = None
    for action, after in db.execute(
        "SELECT action, after FROM audit_log WHERE device_id = ? AND kind = 'user' AND id < ?"
        " ORDER BY id",
        [row.device_id, row.id],
    ):
        try:
            content = json.loads(after)
        except ValueError:
            continue
        if not isinstance(content, dict) or content.get("username") != row.actor:
            continue
        if action == "deactivate":
            role = None
        elif isinstance(content.get("role"), str):
            role = content["role"]
    return role


def _counts(db: Database, row: AuditRow, trusted: set[str], present: datetime) -> dict | None:
    """The signed content when `row` counts as a signature here, else None."""
    if row.device_id not in trusted:
        return None
    try:
        signed = check_signature(row.record_uuid, row.action, row.actor, row.at, row.after,
                                 present=present)  # fmt: skip
    except InvalidInput:
        return None
    return signed if _signer_role(db, row, signed) == SIGNER_ROLE else None


def _signer_role(db: Database, row: AuditRow, signed: dict) -> str | None:
    """The signer's role where and when the signature was made: the row's own (rows of
    the second format record it under their hash, core.audit), else the role the
    signature holds, else the signer's account rows before it in that computer's chain
    (the first signatures recorded neither)."""
    if row.role:
        return row.role
    return signed["role"] if signed["role"] is not None else _role_in_chain(db, row)


def latest_signature(db: Database, fy: int) -> Signature | None:
    """The latest signature of `fy` that counts (see the module doc), by when it was
    signed (then by hash, for a tie).

    Not by local row id: after a sync, signatures made on two laptops sit in a
    different row order on each, and both laptops must name the same latest one.
    """
    trusted = trusted_device_ids(db)
    present = datetime.now(UTC) + CLOCK_SKEW
    found = []
    for row in rows(db, kind="annual_summary", record_uuid=str(fy), limit=10_000):
        signed = _counts(db, row, trusted, present)
        if signed is not None:
            found.append((row, signed))
    if not found:
        return None
    row, signed = max(found, key=lambda f: (f[0].at, f[0].hash))
    return Signature(fy, row.actor, row.at, signed["score"], row.hash)


def sign_annual_summary(db: Database, fy: int) -> Signature:
    """Record that the signed-in section head signs fiscal year `fy`'s summary as it is now."""
    actor = require(db, "summary.sign")
    if actor.role != SIGNER_ROLE:
        # A signature counts only from a section head's account (issue 14): one made by
        # anyone else would be written and never shown, so it is refused.
        raise PermissionDenied("signing.user_not_signed_section_head", username=actor.username)
    with transaction(db):
        # Scored under the write lock: nothing another writer commits can slip in between
        # the score signed and the head hash that anchors the history behind it.
        score = score_json(annual_score(db, fy))
        previous = latest_signature(db, fy)
        before = None
        if previous is not None:
            before = {"signed_by": previous.signed_by, "at": previous.at, "score": previous.score}
        head = audit(db, "sign", "annual_summary", str(fy), before,
                     {"score": score, "role": actor.role})  # fmt: skip
        at, after = db.execute("SELECT at, after FROM audit_log WHERE hash = ?", [head]).fetchone()
        # The record as stored passes the check every received signature passes.
        check_signature(str(fy), "sign", actor.username, at, after)
    return Signature(fy, actor.username, at, score, head)
