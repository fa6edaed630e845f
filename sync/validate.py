"""Every record of a sync file passes the checks the same record passes when typed or
imported here (issue 14, point 2; DOMAIN.md section 8).

The rule for each kind lives once, with its domain, and the window and the CSV imports
call it too: `inspection.rounds.check_round`, `inspection.actions.check_action`,
`inspection.survey.check_response` and `check_form`, `inspection.points.check_point`,
`inspection.standard.check_standard`, `core.plan.check_step`,
`summary.signing.check_signature`. This module reads a file's record into what that
function takes (machine-written: ASCII digits only, ISO dates), checks what only a
stored record carries (its fiscal year, total and verdict, stamps, source), and names
the record and the field when one is refused. One bad record refuses the whole file;
the caller's transaction then writes nothing.

A record from another computer may be dated up to CLOCK_SKEW ahead of this one's clock:
that computer's clock may run ahead, and the rule ("not in the future") was applied
there when it was typed. A round dated 2030 is still refused.

Guard reports and their events are checked by their own domain's one check
(`security.reports.validate_report`, `security.events.validate_event`), named here
with the report or the event refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlite_utils import Database

from core.audit import FORMAT as AUDIT_FORMAT
from core.calendar import fiscal_year, now
from core.errors import InvalidInput, NotFound, SalaError
from core.i18n import Phrase
from core.plan import check_step, parse_months
from core.records import BY_KIND, SOURCES
from core.values import NAME_MAX, TEXT_MAX, TITLE_MAX, UUID_TEXT, check_text, digits
from inspection.actions import check_action
from inspection.points import check_point
from inspection.rounds import RoundFacts, check_round, get_round
from inspection.standard import (
    Standard,
    StandardItem,
    check_standard,
    judge,
    standard_by_uuid,
)
from inspection.survey import check_form, check_response, is_satisfied, parse_ratings
from security.events import EventInput, validate_event
from security.reports import event_moment, validate_report
from summary.signing import CLOCK_SKEW, check_signature

_MINUTE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$")
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_SHA = re.compile(r"^[0-9a-f]{64}$")
_KEY = re.compile(r"^[0-9a-z_-]{1,64}$")  # a form's key: a uuid, or a seeded form's name


class RecordRefused(InvalidInput):
    """A record of a sync file broke a rule. Its text names the file's record (kind and
    key) and the field, so it carries no separate "field:" prefix."""

    def _where(self, lang: str) -> str:
        return ""


# The window's name of a field (what a domain check names) -> the record's, per kind.
RECORD_FIELDS = {
    "rounds": {"date": "inspected_at"},
    "actions": {"due": "due_date", "closed": "closed_date"},
    "survey_responses": {"date": "answered_on", "rating": "ratings", "group": "grp"},
    "plan_steps": {"done": "done_date", "title": "title_th"},
    "survey_forms": {"name": "name_th"},
    "audit": {"fiscal_year": "record_uuid", "signed_by": "actor", "signed_at": "at",
              "score": "after"},
}  # fmt: skip


def _refused(kind: str, key: str, exc: SalaError) -> RecordRefused:
    field = RECORD_FIELDS.get(kind, {}).get(exc.field or "", exc.field) or "—"
    return RecordRefused(
        "validate.sync_file_refused_field_nothing",
        field=field,
        text=Phrase("sync.kind." + kind),
        name=key,
        field_name=field,
        exc=exc,
    )


def _bad(field: str, key: str, /, **values: object) -> InvalidInput:
    return InvalidInput(key, field=field, **values)


@dataclass
class _Here:
    """What the checks look up: the file's records first, then this database's."""

    db: Database
    content: dict[str, list[dict[str, Any]]]
    present: datetime  # Bangkok, naive, with the clock skew allowed
    present_utc: datetime

    def __post_init__(self) -> None:
        self.rounds = {r["uuid"]: r for r in self.content["rounds"]}
        self.file_standards = {s["uuid"]: s for s in self.content["standards"]}
        self.standards: dict[str, Standard] = {}
        self.questions: dict[str, list[dict]] = {}
        for q in self.content["survey_questions"]:
            self.questions.setdefault(q["form"], []).append(q)

    def standard(self, uuid: str) -> Standard:
        if uuid not in self.standards:
            rec = self.file_standards.get(uuid)
            if rec is not None:
                items = tuple(StandardItem(*item) for item in rec["items"])
                self.standards[uuid] = Standard(
                    0, rec["version"], rec["title_th"], rec["title_en"], rec["max_score"],
                    rec["item_min"], rec["pass_total"], items,
                )  # fmt: skip
            else:
                try:
                    self.standards[uuid] = standard_by_uuid(self.db, uuid)
                except NotFound:
                    raise _bad("standard", "validate.standard_names_neither_file_nor") from None
        return self.standards[uuid]

    def round_facts(self, uuid: str) -> tuple[RoundFacts, str] | None:
        """A round named by a correction or an action, and its standard's uuid."""
        rec = self.rounds.get(uuid)
        if rec is not None:
            return _round_facts(rec), rec["standard"]
        try:
            rnd = get_round(self.db, uuid)
        except NotFound:
            return None
        (std,) = self.db.execute(
            "SELECT uuid FROM standards WHERE id = ?", [rnd.standard_id]
        ).fetchone()
        return RoundFacts.of(rnd), std

    def form_questions(self, key: str) -> int | None:
        if key in self.questions:
            return len(self.questions[key])
        row = self.db.execute(
            "SELECT COUNT(*) FROM survey_questions WHERE form = ?", [key]
        ).fetchone()
        known = self.db.execute("SELECT 1 FROM survey_forms WHERE key = ?", [key]).fetchone()
        if known is None and not any(f["key"] == key for f in self.content["survey_forms"]):
            raise _bad("form", "validate.survey_form_names_neither_file")
        return row[0]


# --- readers of a file's fields: machine-written, so strict --------------------------


def _minute(text: str, field: str) -> datetime:
    if not _MINUTE.match(text):
        digits(text, field=field, thai=False)  # names a foreign digit when there is one
        raise _bad(field, "validate.time_not_valid", text=text[:40])
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise _bad(field, "validate.time_does_not_exist", text=text) from None


def _day(text: str | None, field: str, *, optional: bool = False) -> date | None:
    if text is None and optional:
        return None
    if not isinstance(text, str) or not _DAY.match(text):
        if isinstance(text, str):
            digits(text, field=field, thai=False)
        raise _bad(field, "validate.date_not_valid", value=str(text)[:40])
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _bad(field, "validate.date_does_not_exist", text=text) from None


def _stamp(here: _Here, text: str | None, field: str, *, optional: bool = False) -> None:
    """A moment the app stamped (UTC, ISO 8601): it parses and is not in the future."""
    if text is None and optional:
        return
    moment = None
    if isinstance(text, str) and text.isascii() and len(text) <= 40:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
    if moment is None:
        if isinstance(text, str):
            digits(text, field=field, thai=False)
        raise _bad(field, "validate.stamp_not_valid", value=str(text)[:40])
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment > here.present_utc:
        raise _bad(field, "validate.stamp_future", text=text)


def _changes(here: _Here, rec: dict) -> None:
    """The change stamps of an editable record (m009): when, on which device, on top of."""
    _stamp(here, rec["changed_at"], "changed_at", optional=True)
    on = rec["changed_on"]
    if on is not None and not UUID_TEXT.match(on):
        raise _bad("changed_on", "validate.changing_device_id_not_valid")
    check_text(rec["changed_base"] or "", field="changed_base", limit=200)


def _who(value: str, field: str) -> None:
    check_text(value, field=field, limit=NAME_MAX, required=True, what=Phrase("validate.what.who"))


def _source(value: str) -> None:
    if value not in SOURCES:
        raise _bad(
            "source", "validate.unknown_source_use", value=value[:40], join=", ".join(SOURCES)
        )


def _fiscal_year(value: int, day: date) -> None:
    if value != fiscal_year(day):
        raise _bad(
            "fiscal_year",
            "validate.fiscal_year_does_not_match",
            value=value,
            isoformat=day.isoformat(),
        )


def _year(value: int, field: str = "fiscal_year") -> None:
    if not 2443 <= value <= 3000:
        raise _bad(field, "validate.fiscal_year_not_valid", value=value)


# --- one reader per kind --------------------------------------------------------------


def _scores(text: str) -> tuple[int, ...]:
    read = digits(text, field="scores", thai=False)
    bad = next((c for c in read if c not in "0123456789"), None)
    if bad is not None:
        raise _bad("scores", "validate.scores_hold_which_not_digit", text=text[:40], bad=bad)
    return tuple(int(c) for c in read)


def _round_facts(rec: dict) -> RoundFacts:
    notes: dict[int, str] = {}
    for no, note in rec["notes"]:
        if no in notes:
            raise _bad(f"i{no}", "validate.item_two_notes", no=no)
        notes[no] = note
    return RoundFacts(rec["uuid"], rec["point"], _minute(rec["inspected_at"], "inspected_at"),
                      rec["inspector"], _scores(rec["scores"]), rec["note"], notes,
                      rec["supersedes"], rec["reason"])  # fmt: skip


def _check_round(here: _Here, rec: dict) -> None:
    facts = _round_facts(rec)
    std = here.standard(rec["standard"])
    corrected = None
    if facts.supersedes is not None:
        found = here.round_facts(facts.supersedes)
        corrected = found[0] if found else None
    verdict = check_round(facts, std, corrected, present=here.present)
    _fiscal_year(rec["fiscal_year"], facts.inspected_at.date())
    if (
        rec["total"] != verdict.total
        or bool(rec["passed"]) != verdict.passed
        or rec["passed"] not in (0, 1)
    ):
        raise _bad("passed", "validate.total_pass_does_not_follow")
    _source(rec["source"])
    _who(rec["recorded_by"], "recorded_by")
    _stamp(here, rec["created_at"], "created_at")
    _stamp(here, rec["finalized_at"], "finalized_at", optional=True)


def _check_action(here: _Here, rec: dict) -> None:
    found = here.round_facts(rec["round_uuid"])
    if found is None:
        raise _bad("round_uuid", "validate.round_opened_neither_file_nor")
    facts, std_uuid = found
    std = here.standard(std_uuid)
    if facts.point != rec["point"]:
        raise _bad("point", "validate.action_another_point_than_round")
    scores = [s for s in facts.scores if s is not None]
    failed = judge(scores, std.item_min, std.pass_total).failed_items
    check_action(rec["what"], rec["who"], _day(rec["due_date"], "due_date", optional=True),
                 _day(rec["closed_date"], "closed_date", optional=True),
                 item_no=rec["item_no"], failed_items=failed,
                 present=here.present.date())  # fmt: skip
    _stamp(here, rec["created_at"], "created_at")
    _changes(here, rec)


def _check_response(here: _Here, rec: dict) -> None:
    day = _day(rec["answered_on"], "answered_on")
    assert day is not None
    ratings = parse_ratings(rec["ratings"], field="ratings", thai=False)
    if ";".join(map(str, ratings)) != rec["ratings"]:
        raise _bad("ratings", "validate.ratings_not_written_stored")
    questions = None if rec["form"] is None else here.form_questions(rec["form"])
    check_response(day, rec["grp"], ratings, questions, present=here.present.date())
    _fiscal_year(rec["fiscal_year"], day)
    if rec["satisfied"] not in (0, 1) or bool(rec["satisfied"]) != is_satisfied(ratings):
        raise _bad("satisfied", "validate.satisfied_not_does_not_follow")
    _source(rec["source"])
    _who(rec["recorded_by"], "recorded_by")
    _stamp(here, rec["created_at"], "created_at")


def _check_import(here: _Here, rec: dict) -> None:
    if not _SHA.match(rec["digest"]):
        raise _bad("digest", "validate.file_digest_not_valid")
    check_text(rec["file_name"], field="file_name", limit=TITLE_MAX)
    if not 0 <= rec["rows"] <= 10**7:
        raise _bad("rows", "validate.row_count_not_valid")
    _stamp(here, rec["imported_at"], "imported_at")


def _check_point(here: _Here, rec: dict) -> None:
    try:
        periods = json.loads(rec["periods"]) if rec["periods"] is not None else [[None, None]]
    except ValueError:
        periods = None
    if rec["active"] not in (0, 1):
        raise _bad("active", "validate.active_0_1")
    check_point(rec["code"], rec["floor"], rec["kind"], rec["name_th"], rec["name_en"],
                rec["location"], bool(rec["active"]), periods)  # fmt: skip
    _day(rec["active_from"], "active_from", optional=True)
    _day(rec["active_until"], "active_until", optional=True)
    _stamp(here, rec["updated_at"], "updated_at")
    _changes(here, rec)


def _check_standard(here: _Here, rec: dict) -> None:
    items = [tuple(item) for item in rec["items"]]
    check_standard(rec["version"], rec["max_score"], rec["item_min"], rec["pass_total"], items)
    for title in ("title_th", "title_en"):
        check_text(rec[title], field=title, limit=TITLE_MAX)
    _stamp(here, rec["created_at"], "created_at")


def _check_project(here: _Here, rec: dict) -> None:
    _year(rec["fiscal_year"])
    if not 1 <= rec["project"] <= 9:
        raise _bad("project", "validate.project_number_not_valid")
    for title in ("title_th", "title_en"):
        check_text(rec[title], field=title, limit=TITLE_MAX)


def _check_step(here: _Here, rec: dict) -> None:
    _year(rec["fiscal_year"])
    check_step(rec["project"], rec["step_no"], rec["title_th"], rec["title_en"], rec["weight"],
               rec["cumulative"], parse_months(rec["months"]), rec["floor"],
               _day(rec["done_date"], "done_date", optional=True), rec["evidence"],
               present=here.present.date())  # fmt: skip
    _changes(here, rec)


def _check_form(here: _Here, rec: dict) -> None:
    _year(rec["fiscal_year"])
    questions = sorted(here.questions.get(rec["key"], []), key=lambda q: q["no"])
    if [q["no"] for q in questions] != list(range(1, len(questions) + 1)):
        raise _bad("questions", "validate.form_questions_missing_misnumbered")
    if any(q["fiscal_year"] != rec["fiscal_year"] for q in questions):
        raise _bad("questions", "validate.question_another_year_than_form")
    check_form(rec["name_th"], rec["name_en"], [(q["text_th"], q["text_en"]) for q in questions])
    if not _KEY.match(rec["key"]):
        raise _bad("key", "validate.form_key_not_valid")
    if rec["retired"] not in (0, 1):
        raise _bad("retired", "validate.retired_0_1")
    for link in ("derived_from", "replaced_by"):
        if rec[link] is not None and not _KEY.match(rec[link]):
            raise _bad(link, "validate.form_names_no_valid_key")
    _stamp(here, rec["created_at"], "created_at")
    _changes(here, rec)


def _check_question(here: _Here, rec: dict) -> None:
    if rec["form"] not in {f["key"] for f in here.content["survey_forms"]}:
        # Questions travel with their form (sync.send.collect sends every form whole).
        raise _bad("form", "validate.question_form_not_file")


def _check_guard(here: _Here, rep: dict) -> None:
    """A guard report and its events pass the checks the same records pass when typed in
    the window or imported from CSV (issue 14 point 2). An event refused is named."""
    checked = validate_report(
        here.db, rep["day"], rep["shift"], rep["supervisor"], rep["required"], rep["present"],
        _text_list(rep["posts"], "posts"), _text_list(rep["patrols"], "patrols"), rep["note"],
    )  # fmt: skip
    if rep["supersedes"] is not None:
        # A correction names the report it corrects by its key: "0" (m020) or any other
        # text names none, and the report would never be taken as a correction.
        if not UUID_TEXT.match(str(rep["supersedes"])):
            raise _bad("supersedes", "validate.supersedes_no_report", text=rep["supersedes"])
        check_text(rep["reason"], field="reason", limit=TEXT_MAX, required=True, one_line=False,
                   what=Phrase("rounds.what.reason_correction"))  # fmt: skip
    _source(rep["source"])
    _who(rep["recorded_by"], "recorded_by")
    _stamp(here, rep["created_at"], "created_at")
    _stamp(here, rep["signed_at"], "signed_at", optional=True)
    for ev in rep["events"]:
        try:
            event = validate_event(
                EventInput(ev["at"], ev["place"], ev["category"], ev["description"],
                           ev["loss_value"], ev["action_taken"], ev["counts"], ev["reason"])
            )  # fmt: skip
            event_moment(checked, event)
            _changes(here, ev)
        except SalaError as exc:
            raise _refused("guard_events", ev["uuid"], exc) from None


def _text_list(text: str, field: str) -> list[str]:
    """A report's posts or patrols as stored: a JSON list of text ('' for none)."""
    try:
        value = json.loads(text or "[]")
    except (ValueError, RecursionError):
        value = None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(field, "validate.not_list_text")
    return value


def _check_audit(here: _Here, rec: dict) -> None:
    _stamp(here, rec["at"], "at")
    if not UUID_TEXT.match(rec["device_id"]):
        raise _bad("device_id", "validate.device_id_not_valid")
    check_text(
        rec["actor"],
        field="actor",
        limit=NAME_MAX,
        required=True,
        what=Phrase("validate.what.actor"),
    )
    for name in ("action", "kind"):
        check_text(rec[name], field=name, limit=40, required=True)
    check_text(rec["record_uuid"], field="record_uuid", limit=200)
    if rec["format"] == 1:
        # The first format's hash covers none of these: a row of it claims none of them
        # (a relaying computer could otherwise add claims to another computer's rows).
        if rec["role"] or rec["via"] or rec["covers"] is not None:
            raise _bad("format", "validate.row_first_format_names_no")
    elif rec["format"] != AUDIT_FORMAT:
        raise _bad("format", "validate.unknown_row_format", format=rec["format"])
    else:
        for name in ("role", "via"):
            if not _WORD.match(rec[name]):
                raise _bad(name, "validate.not_valid", name=name)
        _covers(rec["covers"])
    if rec["kind"] == "annual_summary":
        check_signature(rec["record_uuid"], rec["action"], rec["actor"], rec["at"], rec["after"],
                        present=here.present_utc)  # fmt: skip


_WORD = re.compile(r"^[a-z_]{1,40}$")  # a role or a source (`via`) as the app writes them


def _covers(text: str | None) -> None:
    """What an audit row vouches for (core.records.Covers): record kind -> key -> its
    digest, read as `check` and the receiving merge read it. Checked here, within the
    bounds of the line that carried it, so nothing later meets a shape it cannot read."""
    if text is None:
        return
    try:
        covers = json.loads(text)
    except (ValueError, RecursionError):
        covers = None
    ok = isinstance(covers, dict) and all(
        kind in BY_KIND and isinstance(entries, dict) and all(
            isinstance(value, str) and len(key) <= 200 and len(value) <= 200
            for key, value in entries.items()
        )
        for kind, entries in covers.items()
    )  # fmt: skip
    if not ok:
        raise _bad("covers", "validate.records_row_vouches_not_app")


# The kinds checked here, in an order where what a record names is checked before it.
CHECKS: tuple[tuple[str, Callable[[_Here, dict], None], Callable[[dict], str]], ...] = (
    ("points", _check_point, lambda r: f"{r['uuid']} ({r['code']})"),
    ("standards", _check_standard, lambda r: f"{r['uuid']} (v{r['version']})"),
    ("plan_projects", _check_project, lambda r: f"{r['fiscal_year']}/{r['project']}"),
    ("plan_steps", _check_step, lambda r: f"{r['uuid']} ({r['fiscal_year']} "
                                          f"{r['project']}.{r['step_no']})"),
    ("survey_forms", _check_form, lambda r: r["key"]),
    ("survey_questions", _check_question, lambda r: r["uuid"]),
    ("rounds", _check_round, lambda r: f"{r['uuid']} ({r['inspected_at'][:16]})"),
    ("actions", _check_action, lambda r: f"{r['uuid']} (#{r['item_no']})"),
    ("survey_responses", _check_response, lambda r: r["uuid"]),
    ("survey_imports", _check_import, lambda r: r["digest"][:12]),
    ("guard_reports", _check_guard, lambda r: f"{r['uuid']} ({r['day']} {r['shift'][:20]})"),
    ("audit", _check_audit, lambda r: f"{r['device_id'][:8]} {r['hash'][:12]}"),
)  # fmt: skip


def validate_content(db: Database, content: dict[str, list[dict[str, Any]]]) -> None:
    """Check every record of a read file (sync.fileformat has checked its shape) against
    the rules of its kind; the first one broken raises RecordRefused naming it."""
    present = now() + CLOCK_SKEW
    here = _Here(db, content, present, datetime.now(UTC) + CLOCK_SKEW)
    for kind, check, key in CHECKS:
        for rec in content[kind]:
            try:
                check(here, rec)
            except RecordRefused:
                raise  # a record it carries, named already (an event of a report)
            except SalaError as exc:
                raise _refused(kind, key(rec), exc) from None
