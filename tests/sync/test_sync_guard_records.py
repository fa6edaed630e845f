"""A guard report or event in a sync file passes the checks the same record passes when
typed in the window or imported from CSV (issue 14 point 2); only theft, damage and loss
can be counted (issue 15 point 2); each event's day follows its report and time (issue 15
point 1). One bad record refuses the whole file, naming the record and the field."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

import core.calendar
from core.errors import InvalidInput
from core.i18n import tr
from security.events import EventInput
from security.indicator import classify_event, events_of_year, incident_indicator
from security.reports import save_report
from sync.receive import import_sync
from sync.send import export_sync
from tests.sync.sync_helpers import file_state, forge, key_of


@pytest.fixture
def sent(laptops, tmp_path):
    """Laptop A signed a night report with a theft at 02:00 and an alarm, and sent it."""
    a, b = laptops
    rep = save_report(a, "2021-03-03", "night", "ประเสริฐ", 8, 7, posts_covered=["ลาน"],
                      patrols=["22:00"], events=[
                          EventInput(time(2, 0), "ลานจอดรถ", "theft", "รถหาย", "2,500"),
                          EventInput(time(23, 0), "โถง", "alarm", "สัญญาณดัง")])  # fmt: skip
    theft = next(e for e in rep.events if e.category == "theft")
    classify_event(a, theft.uuid, True, "ยามไม่อยู่ประจำจุด")
    out = tmp_path / "a.srsync"
    export_sync(a, out)
    return b, out


def _tamper(path, out, edit) -> None:
    """The file with its content edited, its digest recomputed and signed again with the
    sending laptop's key (a careful forger who holds it)."""
    forge(path, out, edit, key=key_of(path.parent / "a.db"))


def test_each_event_is_stored_with_the_day_it_happened(sent) -> None:
    b, path = sent
    import_sync(b, path)
    events = {e.category: e.day for e in events_of_year(b, 2564)}
    assert events == {"theft": date(2021, 3, 4), "alarm": date(2021, 3, 3)}
    assert incident_indicator(b, 2564).counted == 1


@pytest.mark.parametrize(
    ("where", "field", "value"),
    [
        ("report", "required", -5),
        ("report", "present", 501),
        ("report", "supervisor", ""),
        ("report", "supervisor", "ก" * 101),
        ("report", "patrols", '["25:00"]'),
        ("report", "posts", "not json"),
        ("report", "day", "2030-01-01"),
        ("event", "category", "robbery"),
        ("event", "place", "ล" * 201),
        ("event", "at", "02:00:99"),
        ("event", "loss_value", -1),
        ("event", "loss_value", 1e30),
        ("event", "counts", 2),
        ("event", "reason", ""),
    ],
)  # fmt: skip
def test_a_record_the_window_would_refuse_refuses_the_file(sent, tmp_path, where, field, value):
    b, path = sent

    def edit(content):
        rep = content["guard_reports"][0]
        target = rep if where == "report" else rep["events"][0]  # the counted theft
        target[field] = value
        if field == "day":
            rep["fiscal_year"] = 2573

    bad = tmp_path / "bad.srsync"
    _tamper(path, bad, edit)
    state = file_state(b)
    with pytest.raises(InvalidInput) as err:
        import_sync(b, bad)
    assert file_state(b) == state
    assert "nothing was changed" in err.value.en
    if field not in ("day", "at"):  # those two fail the file's own date checks first
        # Named as every refused record is: its kind in words and its key (sync.validate),
        # or, for a number out of any range, the kind and record as the file reads
        # (sync.fileformat, before the records are read).
        kind = "guard_reports" if where == "report" else "guard_events"
        named = (kind, tr(f"sync.kind.{kind}", "en"))
        assert any(n in err.value.en for n in named) and err.value.field == field


def test_an_alarm_marked_as_counted_refuses_the_file(sent, tmp_path) -> None:
    b, path = sent

    def edit(content):
        alarm = next(e for e in content["guard_reports"][0]["events"] if e["category"] == "alarm")
        alarm.update(counts=1, reason="นับ", classified_by="head")

    bad = tmp_path / "alarm.srsync"
    _tamper(path, bad, edit)
    state = file_state(b)
    with pytest.raises(InvalidInput) as err:
        import_sync(b, bad)
    assert err.value.field == "counts" and "guard events" in err.value.en
    assert file_state(b) == state


def test_an_event_still_to_come_refuses_the_file(laptops, tmp_path, monkeypatch) -> None:
    """Made on a laptop whose clock ran a day ahead: the theft is tomorrow here."""
    a, b = laptops
    monkeypatch.setattr(core.calendar, "clock", lambda: datetime(2021, 10, 2, 9, 0))
    save_report(a, "2021-09-30", "night", "ประเสริฐ", 8, 8,
                events=[EventInput(time(2, 0), "ลาน", "theft", "รถหาย")])  # fmt: skip
    out = tmp_path / "ahead.srsync"
    export_sync(a, out)
    monkeypatch.setattr(core.calendar, "clock", lambda: datetime(2021, 9, 30, 23, 0))
    with pytest.raises(InvalidInput) as err:
        import_sync(b, out)
    assert err.value.field == "event_time"
