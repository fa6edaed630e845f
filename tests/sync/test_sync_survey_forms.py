"""Issue 9 with issue 5: survey forms the office defines travel with their answers."""

from __future__ import annotations

from core.users import Actor, act_as
from inspection.survey import forms, record_response, retire_form, satisfaction, save_form
from sync.receive import import_sync
from sync.send import export_sync
from tests.sync.sync_helpers import canonical

HEAD = Actor("head", "section_head")
QUESTIONS = [("ความสะอาด", "Cleanliness"), ("ความพร้อมใช้", "Readiness")]


def _exchange(a, b, tmp_path, tag: str) -> None:
    export_sync(a, tmp_path / f"{tag}-a.srsync")
    export_sync(b, tmp_path / f"{tag}-b.srsync")
    import_sync(b, tmp_path / f"{tag}-a.srsync")
    import_sync(a, tmp_path / f"{tag}-b.srsync")


def test_a_new_form_and_its_answers_reach_the_other_laptop(laptops, tmp_path) -> None:
    a, b = laptops
    for db in (a, b):
        act_as(db, HEAD)
    made = save_form(a, 2564, None, "แบบสั้น", "Short form", QUESTIONS).form
    record_response(a, "2021-03-01", "F1-01", "public", [5, 4], form=made.key)
    record_response(a, "2021-03-02", None, "official", [2, 3], form=made.key)
    _exchange(a, b, tmp_path, "1")
    assert canonical(a) == canonical(b)
    assert made.key in {f.key for f in forms(b, 2564)}
    assert satisfaction(b, 2564).respondents == satisfaction(a, 2564).respondents == 2


def test_both_laptops_edit_one_unanswered_form_and_agree(laptops, tmp_path) -> None:
    a, b = laptops
    for db in (a, b):
        act_as(db, HEAD)
    made = save_form(a, 2564, None, "แบบสั้น", "Short form", QUESTIONS).form
    _exchange(a, b, tmp_path, "1")
    save_form(a, 2564, made.key, "แบบสั้น ก", "Short A", QUESTIONS[:1])
    save_form(b, 2564, made.key, "แบบสั้น ข", "Short B", QUESTIONS + [("แสงสว่าง", "Light")])
    _exchange(a, b, tmp_path, "2")
    assert canonical(a) == canonical(b)
    # One edit wins (the later; within a millisecond, the larger device id), its name
    # and its questions together, never one laptop's name with the other's questions.
    form_b = next(f for f in forms(b, 2564) if f.key == made.key)
    assert (form_b.name_en, len(form_b.questions)) in {("Short A", 1), ("Short B", 3)}


def test_a_retired_form_stays_retired_after_a_merge(laptops, tmp_path) -> None:
    a, b = laptops
    for db in (a, b):
        act_as(db, HEAD)
    made = save_form(a, 2564, None, "แบบสั้น", "Short form", QUESTIONS).form
    _exchange(a, b, tmp_path, "1")
    retire_form(b, 2564, made.key)
    _exchange(a, b, tmp_path, "2")
    assert canonical(a) == canonical(b)
    assert made.key not in {f.key for f in forms(a, 2564)}


def test_a_year_copied_on_both_laptops_has_one_set_of_forms(laptops, tmp_path) -> None:
    a, b = laptops
    for db in (a, b):
        act_as(db, HEAD)
    # Editing a form of 2565 copies 2564's forms into 2565 first, on each laptop.
    key = forms(a, 2564)[0].key
    save_form(a, 2565, key, "รวม 2565", "Overall 2565", QUESTIONS[:1])
    save_form(b, 2565, None, "ใหม่", "New", QUESTIONS)
    _exchange(a, b, tmp_path, "1")
    assert canonical(a) == canonical(b)
    names = sorted(f.name_en for f in forms(a, 2565))
    assert len(names) == len(set(names))
