"""The audit trail in words: "สมชาย บันทึกรอบตรวจ F1-03 74/80 ผ่าน".

A row of the trail holds JSON snapshots and record keys (UUIDs): right for the
hash chain, unreadable for a section head. Each (kind, action) has a sentence
in the catalogue (`trail.<kind>.<action>`) filled from the row's snapshots;
a row this version has no sentence for reads "<who> <action> <kind>" in words,
never as JSON. The CLI and the window read the same sentences.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from core.audit import AuditRow
from core.calendar import format_date, format_datetime, format_month, from_utc, fy_values
from core.i18n import catalogue, tr
from core.plan import get_step
from core.users import list_users, role_name
from inspection.points import list_points
from inspection.rounds import standards_of_rounds
from inspection.standard import max_totals
from security.events import category_name


def _loads(text: str) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _day(text: object, lang: str) -> str:
    """An ISO day or moment as people read it (B.E. in Thai); anything else as it is."""
    if not isinstance(text, str) or text in ("", "None"):
        return "-"
    try:
        if "T" in text:
            moment = datetime.fromisoformat(text)
            return format_datetime(moment, lang)
        return format_date(date.fromisoformat(text), lang)
    except ValueError:
        return text


def _word(key: str, lang: str) -> str | None:
    return catalogue()[key][lang] if key in catalogue() else None


@dataclass
class Trail:
    """Sentences for rows of one database; looks records up once per page of rows."""

    db: Database
    lang: str
    _names: dict[str, str] | None = None
    _out_of: dict[str, int] = field(default_factory=dict)
    _steps: dict[str, str] = field(default_factory=dict)
    _codes: dict[str, str] = field(default_factory=dict)

    def who(self, username: str) -> str:
        """The person's display name where the account is known (the OS account otherwise)."""
        if self._names is None:
            self._names = {u.username: u.display_name or u.username for u in list_users(self.db)}
        return self._names.get(username, username)

    def prepare(self, rows: list[AuditRow]) -> None:
        """Read what the sentences of `rows` need in a few queries."""
        uuids = [r.record_uuid for r in rows if r.kind == "round"]
        totals = max_totals(self.db)
        for uuid, standard_id in standards_of_rounds(self.db, uuids).items():
            if standard_id in totals:
                self._out_of[uuid] = totals[standard_id]
        if any(r.kind == "point" for r in rows):
            # A point is taken out of use by its uuid: the sentence names its code.
            self._codes = {p.uuid: p.code for p in list_points(self.db, active_only=False)}

    def _step(self, uuid: str) -> str:
        if uuid not in self._steps:
            try:
                step = get_step(self.db, uuid)
                self._steps[uuid] = f"{step.project}.{step.step_no} {step.title(self.lang)}"
            except Exception:  # noqa: BLE001 - a step deleted since is named by nothing
                self._steps[uuid] = "-"
        return self._steps[uuid]

    def values(self, row: AuditRow) -> dict[str, object]:
        lang = self.lang
        before, after = _loads(row.before), _loads(row.after)
        data: dict[str, Any] = {}
        for snap in (before, after):
            if isinstance(snap, dict):
                data.update(snap)
        values: dict[str, object] = {k: v for k, v in data.items() if not isinstance(v, dict)}
        values["actor"] = self.who(row.actor)
        passed = data.get("passed")
        values["result"] = (
            tr("state.passed" if passed else "state.failed", lang) if passed is not None else ""
        )
        if "total" in data:
            highest = self._out_of.get(row.record_uuid)
            values["total"] = f"{data['total']}/{highest}" if highest else str(data["total"])
        for key in ("at", "due", "closed", "day", "on", "done", "date", "first_seen"):
            if key in data:
                values[key] = _day(data[key], lang)
        if "role" in data:
            values["role"] = role_name(str(data["role"]), lang)
        if "shift" in data:
            values["shift"] = tr(f"shift.{data['shift']}", lang)
        if "category" in data:
            values["category"] = category_name(str(data["category"]), lang)
        if row.kind == "guard_event" and "counts" in data:
            values["decision"] = tr("trail.counts" if data["counts"] else "trail.not_counted", lang)
        if row.kind == "setting":
            values["key"] = _word(f"trail.setting_name.{row.record_uuid}", lang) or row.record_uuid
            values["value"] = "" if after is None else str(after)
        if row.kind == "plan_step":
            values["step"] = self._step(row.record_uuid)
        if row.kind == "point":
            values["code"] = self._codes.get(row.record_uuid, "")
        if row.kind in ("plan", "annual_summary", "survey_forms"):
            values["fy"] = row.record_uuid
            if row.record_uuid.isdigit():
                values.update(fy_values(int(row.record_uuid)))
            if str(values.get("from", "")).isdigit():
                values["from_ce"] = fy_values(int(str(values["from"])))["fy_ce"]
        if str(values.get("fiscal_year", "")).isdigit():
            values["fy_ce"] = fy_values(int(str(values["fiscal_year"])))["fy_ce"]
        if row.kind == "guard_month":
            year, _, month = row.record_uuid.partition("-")
            if year.isdigit() and month.isdigit():
                values["month"] = format_month(int(year), int(month), lang)
        if row.kind == "annual_summary" and isinstance(after, dict):
            # A signature holds the score signed and the signer's role (the first ones
            # held the score alone).
            signed = after["score"] if isinstance(after.get("score"), dict) else after
            values["score"] = signed.get("total_score", signed.get("score", ""))
        if row.kind == "standard":
            values["version_no"] = row.record_uuid
        values.setdefault("reason", "")
        return values

    @staticmethod
    def key(row: AuditRow) -> str:
        """The sentence's catalogue key: a finalized correction reads as a correction."""
        if row.kind == "round" and row.action == "finalize":
            after = _loads(row.after)
            if isinstance(after, dict) and after.get("supersedes"):
                return "trail.round.correct"
        return f"trail.{row.kind}.{row.action}"

    def sentence(self, row: AuditRow) -> str:
        """One row of the trail as a sentence in the reader's language."""
        values = self.values(row)
        template = _word(self.key(row), self.lang)
        if template is not None:
            try:
                return template.format(**values).strip()
            except (KeyError, IndexError, ValueError):
                pass  # a row written by another version: the plain sentence below
        action = _word(f"audit.action.{row.action}", self.lang) or row.action
        kind = _word(f"audit.kind.{row.kind}", self.lang) or row.kind.replace("_", " ")
        return tr("trail.generic", self.lang, actor=values["actor"], action=action, kind=kind)

    def when(self, row: AuditRow) -> str:
        """Audit times are stored in UTC; people read Bangkok time."""
        moment = from_utc(row.at)
        return f"{format_date(moment.date(), self.lang)} {moment:%H:%M:%S}"


def sentences(db: Database, rows: list[AuditRow], lang: str) -> list[tuple[str, str, str]]:
    """(when, who, what) for each row, in the reader's language."""
    trail = Trail(db, lang)
    trail.prepare(rows)
    return [(trail.when(r), trail.who(r.actor), trail.sentence(r)) for r in rows]
