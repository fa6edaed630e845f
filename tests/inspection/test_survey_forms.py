"""The office's survey forms: versions keep the meaning of answers already recorded."""

from datetime import datetime

import pytest

import core.calendar
from core.errors import InvalidInput
from core.users import Actor, PermissionDenied, act_as
from inspection.survey import (
    forms,
    get_form,
    import_survey,
    record_response,
    retire_form,
    satisfaction,
    save_form,
)
from tests.actors import HEAD


@pytest.fixture(autouse=True)
def _section_head(db) -> None:
    """Survey forms are the section head's to define (survey.define)."""
    act_as(db, HEAD)


THREE = [("สะอาด", "Clean"), ("มีกระดาษชำระ", "Paper"), ("ปลอดภัย", "Safe")]


def _keys(db, fy: int) -> list[str]:
    return [f.key for f in forms(db, fy)]


def test_the_two_seeded_forms_are_in_use_from_2564_on(db) -> None:
    assert _keys(db, 2564) == ["overall", "detailed"] == _keys(db, 2570)
    detailed = get_form(db, "detailed")
    assert len(detailed.questions) == 5 and detailed.questions[0].text_en == "Cleanliness"


def test_an_unanswered_form_is_edited_in_place(db) -> None:
    saved = save_form(db, 2564, "detailed", "หลายข้อ", "Several", THREE)
    assert not saved.new_version and saved.form.key == "detailed"
    assert [q.text_th for q in get_form(db, "detailed").questions] == [t for t, _ in THREE]


def test_an_answered_form_gets_a_new_version_and_old_answers_keep_their_questions(db) -> None:
    record_response(db, "2021-07-01", None, "public", [5, 4, 4, 4, 5], form="detailed")
    saved = save_form(db, 2564, "detailed", "หลายข้อ (3 ข้อ)", "Several (3)", THREE)
    assert saved.new_version and saved.form.key != "detailed"
    old = get_form(db, "detailed")
    assert len(old.questions) == 5 and old.answers == 1 and old.replaced_by == saved.form.key
    assert _keys(db, 2564) == ["overall", saved.form.key]
    record_response(db, "2021-07-02", None, "public", [2, 2, 2], form=saved.form.key)
    assert get_form(db, saved.form.key).answers == 1
    # The old key now stands for its latest version, which has an answer: one more version.
    again = save_form(db, 2564, "detailed", "หลายข้อ (2 ข้อ)", "Several (2)", THREE[:2])
    assert again.new_version and get_form(db, saved.form.key).replaced_by == again.form.key
    assert satisfaction(db, 2564).respondents == 2


def test_a_form_of_the_wrong_length_is_refused_for_an_answer(db) -> None:
    with pytest.raises(InvalidInput) as err:
        record_response(db, "2021-07-01", None, "public", [5, 4], form="detailed")
    assert err.value.field == "rating"
    assert satisfaction(db, 2564).respondents == 0


def test_a_new_year_gets_its_own_copies_and_the_old_year_is_untouched(db, monkeypatch) -> None:
    monkeypatch.setattr(core.calendar, "clock", lambda: datetime(2021, 10, 10, 9, 0))
    record_response(db, "2021-10-05", None, "public", [5])  # FY 2565, on the inherited form
    assert get_form(db, "overall").answers == 1
    saved = save_form(db, 2565, "overall", "ข้อเดียว", "One question", [("พอใจไหม", "Happy?")])
    assert saved.form.fiscal_year == 2565 and not saved.new_version  # the copy had no answers
    assert _keys(db, 2564) == ["overall", "detailed"]
    assert get_form(db, "overall").questions[0].text_en == "Overall satisfaction with the restroom"
    assert len(forms(db, 2565)) == 2 and saved.form.key in _keys(db, 2565)
    assert len(_keys(db, 2566)) == 2 and _keys(db, 2566) == _keys(db, 2565)


def test_a_new_form_and_retiring_one(db) -> None:
    new = save_form(db, 2564, None, "สามข้อ", "Three", THREE + [("", "")]).form
    assert len(new.questions) == 3 and _keys(db, 2564)[-1] == new.key
    retire_form(db, 2564, "overall")
    retire_form(db, 2564, "detailed")
    assert _keys(db, 2564) == [new.key]
    with pytest.raises(InvalidInput):
        retire_form(db, 2564, new.key)


@pytest.mark.parametrize(
    ("name_th", "items", "field"),
    [
        ("", THREE, "name"),
        ("ชื่อ", [], "questions"),
        ("ชื่อ", [("ข้อหนึ่ง", "")], "question 1"),
        ("ชื่อ", [("ข้อ", "Q")] * 21, "questions"),
    ],
)
def test_a_bad_form_is_refused_and_nothing_changes(db, name_th, items, field) -> None:
    with pytest.raises(InvalidInput) as err:
        save_form(db, 2564, "detailed", name_th, "Name", items)
    assert err.value.field == field
    assert len(get_form(db, "detailed").questions) == 5


def test_only_section_heads_and_administrators_define_forms(db) -> None:
    for role in ("inspector", "guard_supervisor"):
        act_as(db, Actor("someone", role))
        with pytest.raises(PermissionDenied):
            save_form(db, 2564, "detailed", "x", "x", THREE)
        with pytest.raises(PermissionDenied):
            retire_form(db, 2564, "detailed")
    assert len(get_form(db, "detailed").questions) == 5
    for role in ("section_head", "admin"):
        act_as(db, Actor("boss", role))
        save_form(db, 2564, None, f"แบบของ {role}", role, THREE)
    assert len(forms(db, 2564)) == 4
    action, who = db.execute(
        "SELECT action, actor FROM audit_log WHERE kind = 'survey_form' ORDER BY id DESC"
    ).fetchone()
    assert (action, who) == ("create", "boss")


def test_an_imported_row_is_linked_to_the_only_form_with_its_number_of_ratings(db, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("date,point,group,rating\n15/08/2564,,public,5\n15/08/2564,,public,4;4;4;4;4\n"
                    "15/08/2564,,public,4;4;4\n", encoding="utf-8")  # fmt: skip
    assert import_survey(db, path).added == 3
    rows = db.execute("SELECT ratings, form FROM survey_responses ORDER BY id").fetchall()
    assert rows == [("5", "overall"), ("4;4;4;4;4", "detailed"), ("4;4;4", None)]


def test_a_stale_key_edits_the_next_years_copy_of_its_latest_version(db) -> None:
    record_response(db, "2021-07-01", None, "public", [5, 4, 4, 4, 5], form="detailed")
    v2 = save_form(db, 2564, "detailed", "แบบละเอียด", "Detailed", THREE).form
    saved = save_form(db, 2565, "detailed", "แบบละเอียด 2565", "Detailed 2565", THREE[:2])
    copy = get_form(db, saved.form.key)
    assert copy.fiscal_year == 2565 and len(copy.questions) == 2
    assert len(get_form(db, v2.key).questions) == 3  # 2564's version is untouched
    assert [f.name_en for f in forms(db, 2565)] == ["One question (overall)", "Detailed 2565"]


def test_answers_recorded_before_forms_had_names_get_the_form_their_count_matches(tmp_path):
    """m010: one rating was the overall form, five the detailed one; others stay unnamed."""
    import sqlite3

    from sqlite_utils import Database

    from core.migrations import MIGRATIONS

    path = tmp_path / "old.db"
    old = Database(sqlite3.connect(path, isolation_level=None))
    MIGRATIONS.apply(old, stop_before="m010_survey_forms")
    for n, ratings in enumerate(("5", "4;4;4;4;4", "4;4;4")):
        old.execute(
            "INSERT INTO survey_responses(uuid, answered_on, fiscal_year, grp, ratings, satisfied,"
            " created_at) VALUES (?, '2021-07-01', 2564, 'public', ?, 1, '2021-07-01')",
            [f"u{n}", ratings],
        )
    old.close()
    from core.db import open_db

    db = open_db(path)
    rows = db.execute("SELECT ratings, form FROM survey_responses ORDER BY id").fetchall()
    assert rows == [("5", "overall"), ("4;4;4;4;4", "detailed"), ("4;4;4", None)]
    assert get_form(db, "detailed").answers == 1
    db.close()
