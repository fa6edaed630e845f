"""Plan progress (DOMAIN.md sections 4 and 7; the plan's project step tables)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InvalidInput
from core.plan import edit_step, get_step, mark_step_done, plan_for_year, plan_progress
from core.users import Actor, PermissionDenied, act_as
from tests.actors import HEAD


@pytest.fixture(autouse=True)
def _section_head(db) -> None:
    """The plan is the section head's to edit (plan.edit)."""
    act_as(db, HEAD)


def test_plan_progress_follows_the_cumulative_column_never_above_100(db) -> None:
    """Plan, project 2 step table: weights add to 110 (step 7 repeats step 6), cumulative 100."""
    steps = [s for s in plan_for_year(db, 2564) if s.project == 2]
    assert sum(s.weight for s in steps) == 110
    assert plan_progress(steps) == 0
    for s in steps[:6]:
        mark_step_done(db, s.uuid, "2021-06-30", "บันทึกผลการตรวจ")
    steps = [s for s in plan_for_year(db, 2564) if s.project == 2]
    assert plan_progress(steps) == 55
    mark_step_done(db, steps[8].uuid, "2021-07-31", "แบบสอบถาม 240 ชุด")  # step 9 before 7-8
    assert plan_progress([s for s in plan_for_year(db, 2564) if s.project == 2]) == 55
    for s in steps:
        mark_step_done(db, s.uuid, "2021-09-30", "")
    assert plan_progress([s for s in plan_for_year(db, 2564) if s.project == 2]) == 100


def test_guard_project_steps_come_from_the_plan(db) -> None:
    """Plan, project 1: 5/20/30/90/100 cumulative; step 4 runs October to September."""
    steps = [s for s in plan_for_year(db, 2564) if s.project == 1]
    assert [s.cumulative for s in steps] == [5, 20, 30, 90, 100]
    assert len(steps[3].months) == 12


def test_a_new_fiscal_year_starts_from_the_previous_plan(db) -> None:
    mark_step_done(db, plan_for_year(db, 2564)[0].uuid, "2020-10-15", "คำสั่งแต่งตั้ง")
    new = plan_for_year(db, 2565)
    assert len(new) == 15 and all(s.done_date is None for s in new)
    assert {s.fiscal_year for s in new} == {2565}


def test_two_windows_opening_a_new_year_at_once_copy_it_once(db, writer_first) -> None:
    """Plan, project steps: a new fiscal year starts from the previous plan, once."""
    import core.plan

    writer_first(core.plan, lambda other: plan_for_year(other, 2565))
    new = plan_for_year(db, 2565)
    assert len(new) == 15
    copies = db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'copy_plan'").fetchone()
    assert copies == (1,)


def _project_2(db) -> list:
    return [s for s in plan_for_year(db, 2564) if s.project == 2]


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(done=st.lists(st.booleans(), min_size=10, max_size=10))
def test_progress_is_the_cumulative_of_the_done_prefix_and_never_above_100(db, done) -> None:
    """Plan, project 2 step table: by the cumulative column, whatever is done out of order."""
    steps = _project_2(db)
    for step, is_done in zip(steps, done, strict=True):
        mark_step_done(db, step.uuid, "2021-06-30" if is_done else None, "")
    progress = plan_progress(_project_2(db))
    prefix = 0
    while prefix < len(done) and done[prefix]:
        prefix += 1
    assert progress == (steps[prefix - 1].cumulative if prefix else 0)
    assert 0 <= progress <= 100


def test_step_7_typo_keeps_the_cumulative_at_55_and_the_office_can_edit_it(db) -> None:
    """Plan, project 2: step 7 repeats floor 5 with cumulative 55 (DOMAIN.md section 4)."""
    steps = _project_2(db)
    for s in steps[:7]:
        mark_step_done(db, s.uuid, "2021-06-30", "")
    assert plan_progress(_project_2(db)) == 55
    edited = edit_step(
        db, steps[6].uuid, title_th="ตรวจซ้ำชั้น 5", title_en="Floor 5, second pass",
        weight=0, cumulative=55, months=[6],
    )  # fmt: skip
    assert edited.title_en == "Floor 5, second pass" and edited.done_date is not None
    with pytest.raises(InvalidInput) as err:
        edit_step(db, steps[6].uuid, title_th="x", title_en="x", weight=10, cumulative=110,
                  months=[6])  # fmt: skip
    assert err.value.field == "cumulative"
    with pytest.raises(InvalidInput):
        edit_step(db, steps[6].uuid, title_th=" ", title_en="", weight=10, cumulative=55,
                  months=[6])  # fmt: skip
    with pytest.raises(InvalidInput):
        edit_step(db, steps[6].uuid, title_th="x", title_en="x", weight=10, cumulative=55,
                  months=[13])  # fmt: skip


def test_a_done_step_can_be_cleared_and_keeps_its_evidence_text(db) -> None:
    first = _project_2(db)[0]
    done = mark_step_done(db, first.uuid, "15/10/2563", "  คำสั่งที่ 1/2564 ")
    assert str(done.done_date) == "2020-10-15" and done.evidence == "คำสั่งที่ 1/2564"
    assert mark_step_done(db, first.uuid, None).done_date is None


def test_a_copied_year_is_independent_of_the_year_it_came_from(db) -> None:
    """A new fiscal year starts from the previous plan; editing it leaves the old one alone."""
    new = [s for s in plan_for_year(db, 2565) if s.project == 2]
    mark_step_done(db, new[0].uuid, "2021-09-30", "")
    assert all(s.done_date is None for s in _project_2(db))
    assert len(plan_for_year(db, 2565)) == len(plan_for_year(db, 2564))  # no second copy


def test_an_edit_keeps_the_cumulative_column_in_step_order(db) -> None:
    """Plan, project 2 step table: step 3 sits between 15 (step 2) and 35 (step 4)."""
    step3 = _project_2(db)[2]
    for bad in (14, 36):
        with pytest.raises(InvalidInput) as err:
            edit_step(db, step3.uuid, title_th="ชั้น 2", title_en="Floor 2", weight=10,
                      cumulative=bad, months=[1])  # fmt: skip
        assert err.value.field == "cumulative" and "15" in str(err.value) + err.value.bilingual()
    assert get_step(db, step3.uuid).cumulative == 25
    ok = edit_step(db, step3.uuid, title_th="ชั้น 2", title_en="Floor 2", weight=10,
                   cumulative=35, months=[2, 1, 1])  # fmt: skip
    assert ok.cumulative == 35 and ok.months == (1, 2)
    last = _project_2(db)[-1]  # step 10: nothing after it, so only 100 bounds it
    with pytest.raises(InvalidInput):
        edit_step(db, last.uuid, title_th="สรุป", title_en="Summary", weight=5, cumulative=94,
                  months=[9])  # fmt: skip


def test_months_are_kept_in_fiscal_order_october_first(db) -> None:
    step = _project_2(db)[0]
    edited = edit_step(db, step.uuid, title_th="เตรียมการ", title_en="Prepare", weight=5,
                       cumulative=5, months=[1, 10, 12])  # fmt: skip
    assert edited.months == (10, 12, 1)


def test_only_section_heads_and_administrators_edit_steps_and_edits_are_audited(db) -> None:
    step = _project_2(db)[0]
    act_as(db, Actor("somchai", "inspector"))
    with pytest.raises(PermissionDenied):
        edit_step(db, step.uuid, title_th="x", title_en="x", weight=5, cumulative=5, months=[10])
    assert get_step(db, step.uuid).title_th == step.title_th
    act_as(db, Actor("head", "section_head"))
    edit_step(db, step.uuid, title_th="เตรียมการใหม่", title_en="Prepare again", weight=5,
              cumulative=5, months=[10])  # fmt: skip
    who, before, after = db.execute(
        "SELECT actor, before, after FROM audit_log WHERE record_uuid = ? ORDER BY id DESC",
        [step.uuid],
    ).fetchone()
    assert who == "head" and step.title_th in before and "เตรียมการใหม่" in after
