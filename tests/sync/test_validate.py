"""Issue 14, point 2: one validation for a record, wherever it comes from.

The same bad record is refused typed in the window (the domain function a page calls),
imported from CSV, and received in a sync file signed by a trusted computer, with the
same words: the refusal of the sync file quotes the domain check's own message and
names the record and the field. Nothing changes where it is refused.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from core.errors import InvalidInput
from core.plan import edit_step, plan_for_year
from core.users import acting_as
from core.values import NAME_MAX
from inspection import rounds as R
from inspection.actions import close_action, list_actions
from inspection.csv_io import ROUND_COLUMNS, import_rounds
from inspection.points import get_point, set_point_active
from inspection.standard import create_standard_version
from inspection.survey import import_survey, record_response, save_form
from sync.keys import device_key
from sync.receive import import_sync
from sync.send import export_sync
from tests.actors import ADMIN
from tests.sync.sync_helpers import add_rounds, file_state, forge

FAILING = [1] + [4] * 19


def _csv(tmp_path: Path, name: str, header: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _round_row(*, who="สมชาย", scores=None, day="01/03/2564", at="09:00", note="") -> str:
    return ",".join(["F1-01", day, at, who, *map(str, scores or [4] * 20), note])


def _refused_everywhere(db, action) -> InvalidInput:
    state = file_state(db)
    with pytest.raises(InvalidInput) as err:
        action()
    assert file_state(db) == state
    return err.value


@pytest.fixture
def sent(laptops, tmp_path):
    """A's file (trusted by B), and a way to forge it with A's own key."""
    a, b = laptops
    add_rounds(a, [("F1-01", datetime(2021, 3, 1, 9, 0), "สมชาย", FAILING)])
    src = tmp_path / "a.srsync"

    def received(edit) -> InvalidInput:
        export_sync(a, src)  # what A holds now
        out = tmp_path / "forged.srsync"
        forge(src, out, edit, key=device_key(a))
        return _refused_everywhere(b, lambda: import_sync(b, out))

    return a, b, received


def test_a_round_s_inspector_name_is_held_to_the_window_s_length_everywhere(sent, tmp_path) -> None:
    a, b, received = sent
    long_name = "ก" * (NAME_MAX + 1)
    window = _refused_everywhere(b, lambda: R.start_draft(b, "F1-01", long_name))
    header = ",".join(ROUND_COLUMNS)
    csv = _refused_everywhere(b, lambda: import_rounds(
        b, _csv(tmp_path, "r.csv", header, _round_row(who=long_name))))  # fmt: skip
    sync = received(lambda c: c["rounds"][0].update(inspector=long_name))
    assert window.field == csv.field == sync.field == "inspector"
    assert window.th in csv.th and window.en in csv.en
    assert window.th in sync.th and window.en in sync.en


def test_a_score_out_of_range_is_named_by_its_item_everywhere(sent, tmp_path) -> None:
    a, b, received = sent
    draft = R.start_draft(b, "F1-02", "สมชาย", datetime(2021, 3, 2, 9, 0))
    window = _refused_everywhere(b, lambda: R.set_score(b, draft.uuid, 5, 5))
    header = ",".join(ROUND_COLUMNS)
    row = _round_row(scores=[4] * 4 + [5] + [4] * 15)
    csv = _refused_everywhere(b, lambda: import_rounds(b, _csv(tmp_path, "r.csv", header, row)))
    sync = received(lambda c: c["rounds"][0].update(scores="44445" + "4" * 15, total=81))
    assert window.field == csv.field == sync.field == "i5"
    assert window.en in csv.en and window.en in sync.en


def test_a_round_in_the_future_is_refused_everywhere(sent, tmp_path) -> None:
    a, b, received = sent
    future = datetime(2021, 10, 1, 9, 0)  # the tests' clock stands at 30 Sep 2021
    window = _refused_everywhere(b, lambda: R.start_draft(b, "F1-01", "สมชาย", future))
    header = ",".join(ROUND_COLUMNS)
    csv = _refused_everywhere(b, lambda: import_rounds(
        b, _csv(tmp_path, "r.csv", header, _round_row(day="2021-10-01"))))  # fmt: skip
    sync = received(lambda c: c["rounds"][0].update(inspected_at="2030-03-01T09:00",
                                                    fiscal_year=2573))  # fmt: skip
    assert window.en in sync.en and "in the future" in csv.en
    assert sync.field == "inspected_at"


def test_a_correction_needs_a_reason_and_the_same_point_everywhere(sent) -> None:
    """The window makes a correction of the round's own point; a sync file that 'corrects'
    another point's failing round, or gives no reason, is refused (issue 14)."""
    a, b, received = sent
    (old,) = add_rounds(b, [("F1-03", datetime(2021, 3, 1, 10, 0), "สมชาย", FAILING)])
    window = _refused_everywhere(b, lambda: R.correct_round(b, old, "  ", "สมชาย"))

    def correction(reason: str, point: str | None = None):
        def edit(c):
            failing = c["rounds"][0]
            c["rounds"].append(dict(failing, uuid="7d3f1c2a-0000-4000-8000-000000000002",
                                    supersedes=failing["uuid"], reason=reason,
                                    point=point or failing["point"], scores="4" * 20,
                                    total=80, passed=1, notes=[]))  # fmt: skip

        return edit

    no_reason = received(correction(""))
    assert window.field == no_reason.field == "reason" and window.en in no_reason.en
    other = get_point(b, "F1-02").uuid
    elsewhere = received(correction("กรอกผิด", other))
    assert elsewhere.field == "point" and "same point" in elsewhere.en


def test_a_survey_answer_in_the_future_or_in_another_script_is_refused_everywhere(
    sent, tmp_path
) -> None:
    a, b, received = sent
    window = _refused_everywhere(b, lambda: record_response(b, date(2021, 10, 2), None,
                                                            "public", [5]))  # fmt: skip
    csv = _refused_everywhere(b, lambda: import_survey(
        b, _csv(tmp_path, "s.csv", "date,point,group,rating", "2021-10-02,,public,5")))  # fmt: skip
    assert window.field == csv.field == "date" and "future" in window.en
    fullwidth = _csv(tmp_path, "s2.csv", "date,point,group,rating", "2021-03-02,,public,４")
    digits = _refused_everywhere(b, lambda: import_survey(b, fullwidth))
    assert digits.field == "rating" and "４" in digits.en
    # Thai digits, as the office types them, are read.
    ok = import_survey(b, _csv(tmp_path, "s3.csv", "date,point,group,rating",
                               "๐๒/๐๓/๒๕๖๔,,public,๕"))  # fmt: skip
    assert ok.added == 1

    record_response(a, date(2021, 3, 2), None, "public", [5])

    def future_answer(c):
        c["survey_responses"][0].update(answered_on="2030-01-02", fiscal_year=2573)

    sync = received(future_answer)
    assert sync.field == "answered_on" and "future" in sync.en


def test_a_corrective_action_closed_in_the_future_is_refused_everywhere(sent) -> None:
    a, b, received = sent
    (action,) = list_actions(a)
    window = _refused_everywhere(a, lambda: close_action(a, action.uuid, date(2021, 10, 5)))
    sync = received(lambda c: c["actions"][0].update(closed_date="2030-01-01"))
    assert window.field == "closed" and sync.field == "closed_date"
    assert "is in the future" in window.en and "is in the future" in sync.en
    # An action a round never opened (its item passed) does not come by sync either.
    other = received(lambda c: c["actions"][0].update(item_no=2))
    assert other.field == "item_no"


def test_a_plan_step_weight_above_100_is_refused_everywhere(sent) -> None:
    a, b, received = sent
    step = plan_for_year(b, 2564)[0]
    window = _refused_everywhere(b, lambda: edit_step(
        b, step.uuid, title_th=step.title_th, title_en=step.title_en, weight=120,
        cumulative=step.cumulative, months=list(step.months)))  # fmt: skip
    plan_for_year(a, 2564)
    sync = received(lambda c: c["plan_steps"][0].update(weight=120))
    assert window.field == sync.field == "weight" and window.en in sync.en


def test_a_standard_item_without_its_group_is_refused_everywhere(sent, tmp_path) -> None:
    a, b, received = sent
    with acting_as(b, ADMIN):  # a new standard version is an administrator's task
        csv = _refused_everywhere(b, lambda: create_standard_version(
            b, _csv(tmp_path, "std.csv", "no,group,th,en", "1,X,ข้อ,item")))  # fmt: skip

    def bad_group(c):
        c["standards"][0]["items"][0][1] = "X"

    sync = received(bad_group)
    assert csv.field == sync.field == "group" and csv.en in sync.en


def test_a_point_s_periods_out_of_order_are_refused_everywhere(sent) -> None:
    a, b, received = sent
    set_point_active(b, "F1-04", False, date(2021, 5, 1))
    window = _refused_everywhere(b, lambda: set_point_active(b, "F1-04", True,
                                                             date(2021, 4, 1)))  # fmt: skip

    def bad(c):
        point = next(p for p in c["points"] if p["code"] == "F1-01")
        point.update(periods='[["2021-05-01", "2021-04-01"]]', active=0)

    sync = received(bad)
    assert window.field == sync.field == "periods" and window.en in sync.en


def test_a_form_without_questions_is_refused_everywhere(sent) -> None:
    a, b, received = sent
    window = _refused_everywhere(b, lambda: save_form(b, 2564, None, "แบบ", "Form", []))

    def no_questions(c):
        key = c["survey_forms"][0]["key"]
        c["survey_questions"] = [q for q in c["survey_questions"] if q["form"] != key]

    sync = received(no_questions)
    assert window.en in sync.en and sync.field == "questions"


def test_a_guard_report_correcting_no_report_is_refused(sent) -> None:
    """The Sign button once stored '0' as the report a report corrects (m020 repairs it):
    a file carrying such a 'correction', with a reason, names no report and is refused."""
    from security.reports import save_report

    a, b, received = sent
    save_report(a, "2021-03-02", "day", "วิชัย", 12, 12)

    def corrects_nothing(content: dict) -> None:
        content["guard_reports"][0].update(supersedes="0", reason="แก้ไข")

    err = received(corrects_nothing)
    assert err.field == "supersedes" and "«0» is not the id of a report" in err.en
