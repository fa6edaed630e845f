"""The bulk helpers leave the interpreter as they found it."""

from __future__ import annotations

import gc

import pytest

from core.bulk import cycle_collector_paused


def test_the_cycle_collector_is_paused_and_restored_even_after_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError), cycle_collector_paused():
        assert not gc.isenabled()
        raise ValueError("a bad row")
    assert gc.isenabled()
    gc.disable()
    try:
        with cycle_collector_paused():
            pass
        assert not gc.isenabled()  # left off by whoever turned it off
    finally:
        gc.enable()


def test_an_import_refused_half_way_leaves_the_collector_on(db, tmp_path) -> None:
    from core.errors import InvalidInput
    from core.users import act_as, os_actor
    from inspection.csv_io import ROUND_COLUMNS, import_rounds

    act_as(db, os_actor("bench"))
    path = tmp_path / "bad.csv"
    path.write_text(",".join(ROUND_COLUMNS) + "\nF1-01,2021-09-01,09:00,x" + ",9" * 20 + ",\n")
    with pytest.raises(InvalidInput):
        import_rounds(db, path)
    assert gc.isenabled()
