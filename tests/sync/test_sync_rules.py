"""The merge decisions as pure functions (sync.rules): what a laptop and the hub both apply."""

from __future__ import annotations

from sync.rules import decide_edit, inspection_key, joins_chain, merged_form_links, point_key

FIELDS = ("what", "who")


def _row(what: str, at: str | None, on: str | None, base: str | None = None) -> dict:
    return {"what": what, "who": "", "changed_at": at, "changed_on": on, "changed_base": base}


def test_the_later_change_wins_and_a_real_clash_keeps_the_loser() -> None:
    local = _row("fix tap", "2021-05-01T10:00:00Z", "dev-a")
    remote = _row("replace tap", "2021-05-02T10:00:00Z", "dev-b")
    d = decide_edit(local, remote, FIELDS)
    assert d.remote_wins and d.clash and d.counts_as == "conflict"
    assert d.kept["what"] == "replace tap" and d.lost["what"] == "fix tap"
    assert d.kept_stamp == ("2021-05-02T10:00:00Z", "dev-b")
    # The other way round, the same content wins: A into B and B into A agree.
    back = decide_edit(remote, local, FIELDS)
    assert not back.remote_wins and back.kept == d.kept


def test_an_edit_made_on_top_of_the_other_is_no_clash() -> None:
    local = _row("fix tap", "2021-05-01T10:00:00Z", "dev-a")
    remote = _row("replace tap", "2021-05-02T10:00:00Z", "dev-b", "2021-05-01T10:00:00Z dev-a")
    d = decide_edit(local, remote, FIELDS)
    assert d.remote_wins and not d.clash and d.counts_as == "updated"


def test_the_same_values_are_skipped_and_ties_go_to_the_larger_device() -> None:
    same = decide_edit(_row("x", "t1", "a"), _row("x", "t1", "a"), FIELDS)
    assert not same.remote_wins and same.counts_as == "skipped"
    tie = decide_edit(_row("x", "t1", "a"), _row("y", "t1", "b"), FIELDS)
    assert tie.remote_wins


def test_a_point_with_a_known_code_and_another_key_is_the_receivers_point() -> None:
    assert point_key("new", "F1-01", {}, {"F1-01": "mine"}) == "mine"
    assert point_key("mine", "F1-01", {"mine": 1}, {"F1-01": "mine"}) == "mine"
    assert point_key("new", "F9-09", {}, {"F1-01": "mine"}) == "new"


def test_the_same_point_time_and_inspector_is_one_round_but_a_correction_never_is() -> None:
    rnd = {"supersedes": None, "inspected_at": "2021-08-01T09:00", "inspector": "สมชาย"}
    assert inspection_key(rnd, 7) == (7, "2021-08-01T09:00", "สมชาย")
    assert inspection_key(dict(rnd, supersedes="u"), 7) is None


def test_form_links_only_move_one_way() -> None:
    local = {"derived_from": None, "replaced_by": "k2", "retired": 1}
    remote = {"derived_from": "k0", "replaced_by": "k1", "retired": 0}
    assert merged_form_links(local, remote) == ("k0", "k1", 1)
    assert merged_form_links(remote, local) == ("k0", "k1", 1)


def test_audit_rows_join_a_chain_only_where_they_continue_it() -> None:
    assert joins_chain("dev-b", "dev-a", "h1", "h1", False)
    assert not joins_chain("dev-a", "dev-a", "h1", "h1", False)  # the receiver's own chain
    assert not joins_chain("dev-b", "dev-a", "h0", "h1", False)  # a gap or a fork
    assert not joins_chain("dev-b", "dev-a", "h1", "h1", True)  # after a gap
    assert joins_chain("dev-b", None, "h1", "h1", False)  # the hub has no chain of its own
