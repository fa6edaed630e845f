"""`hub score`, `hub report city`, `hub check`, `hub trust` and bad connections (issue 18)."""

from __future__ import annotations

import json
import os
import socket

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from cli import run
from tests.hub.hub_helpers import export, laptop
from tests.reports.pdfcheck import needs_poppler, norm, pdf_text


@pytest.fixture(scope="module")
def offices(tmp_path_factory):
    """Two offices with a demo year each, one office with nothing, and their sync files."""
    import core.calendar
    from tests.conftest import PINNED_NOW

    saved = core.calendar.clock
    core.calendar.clock = lambda: PINNED_NOW
    try:
        folder = tmp_path_factory.mktemp("offices")
        dbs = {code: laptop(folder, code, demo=code != "D13") for code in ("D04", "D07", "D13")}
        # D07 classifies less: a different year from D04's.
        files = {code: export(db, folder / f"{code}.srsync") for code, db in dbs.items()}
        yield dbs, files
    finally:
        core.calendar.clock = saved


@pytest.fixture(scope="module")
def city_once(pg_cluster, offices) -> str:
    """A hub that trusts the three offices and received their files, made once."""
    _, files = offices
    name = pg_cluster.new_database()
    url = pg_cluster.url(name)
    assert run(["hub", "init", "--pg", url]) == 0
    for path in files.values():
        assert run(["hub", "trust", "--pg", url, str(path)]) == 0
    assert run(["hub", "receive", "--pg", url, *map(str, files.values())]) == 0
    yield name
    pg_cluster.drop_database(name)


@pytest.fixture
def city(city_once, copy_of) -> str:
    """A copy of that hub for this test to read or tamper with."""
    return copy_of(city_once)


def test_each_office_s_score_is_exactly_its_laptop_s_score_json(city, offices, capsys) -> None:
    """DOMAIN.md section 8's object, by the same code on both engines (issue 18 point 2)."""
    dbs, _ = offices
    for code, db in dbs.items():
        capsys.readouterr()
        assert run(["--db", str(db), "score", "--fy", "2564", "--json"]) == 0
        on_laptop = capsys.readouterr().out
        assert run(["hub", "score", "--pg", city, "--fy", "2564", "--office", code, "--json"]) == 0
        assert capsys.readouterr().out == on_laptop, code
    assert run(["hub", "score", "--pg", city, "--fy", "2564", "--json"]) == 0
    whole = json.loads(capsys.readouterr().out)
    # What was stored at each merge is what the office's tables give now.
    assert run(["hub", "score", "--pg", city, "--fy", "2564", "--json", "--live"]) == 0
    assert json.loads(capsys.readouterr().out) == whole
    # A year the offices hold nothing of: each office's empty year, as its laptop gives it.
    assert run(["hub", "score", "--pg", city, "--fy", "2563", "--json"]) == 0
    empty = json.loads(capsys.readouterr().out)
    assert empty["city"]["sent_nothing"] == ["D04", "D07", "D13"]
    assert set(whole["offices"]) == {"D04", "D07", "D13"}
    c = whole["city"]
    assert c["offices"] == 3 and c["sent_nothing"] == ["D13"]
    assert sum(c["restroom_levels"].values()) == 3 == sum(c["incident_levels"].values())
    assert c["points_total"] == sum(
        o["restrooms"]["points_total"] for o in whole["offices"].values()
    )
    assert c["points_passing"] == sum(
        o["restrooms"]["points_passing"] for o in whole["offices"].values()
    )


def test_the_text_score_names_each_office_and_the_city(city, capsys) -> None:
    assert run(["hub", "score", "--pg", city, "--fy", "2564"]) == 0
    out = capsys.readouterr().out
    assert "D04 สำนักงานเขตบางรัก: ห้องน้ำ ระดับ" in out and "ไม่ได้ส่งข้อมูลของปีนี้" in out
    assert "ทั้งเมือง: 3 หน่วยงาน" in out
    assert run(["hub", "score", "--pg", city, "--fy", "2564", "--office", "d04"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("== D04 สำนักงานเขตบางรัก\nปีงบประมาณ 2564\nตัวชี้วัดเหตุร้าย")


def test_an_unknown_office_is_bad_input(city, capsys) -> None:
    assert run(["hub", "score", "--pg", city, "--fy", "2564", "--office", "D99"]) == 2
    err = capsys.readouterr().err
    assert "D99" in err and "D04" in err


@needs_poppler
def test_the_city_report_ranks_the_offices_and_names_those_that_sent_nothing(city, tmp_path):
    out = tmp_path / "city.pdf"
    assert run(["hub", "report", "city", "--pg", city, "--fy", "2564", "--out", str(out)]) == 0
    text = norm(pdf_text(out))
    for name in ("สำนักงานเขตบางรัก", "สำนักงานเขตปทุมวัน", "สำนักงานเขตสัมพันธวงศ์",
                 "หน่วยงานที่ไม่ได้ส่งข้อมูลของปีนี้", "ปีงบประมาณพ.ศ.2564"):  # fmt: skip
        assert norm(name) in text, name
    # The office that sent nothing ranks last and is named again under its own heading.
    assert text.rindex(norm("สำนักงานเขตสัมพันธวงศ์")) > text.index(norm("หน่วยงานที่ไม่ได้ส่ง"))
    en = tmp_path / "city-en.pdf"
    assert run(["hub", "report", "city", "--pg", city, "--fy", "2564", "--out", str(en),
                "--lang", "en"]) == 0  # fmt: skip
    assert "Offices that sent nothing this year" in pdf_text(en)
    # English reports write years in C.E. (README), as the header beside it does.
    assert "indicators of fiscal year 2021 (B.E. 2564)" in pdf_text(en)


def test_check_verifies_every_device_chain_and_names_a_tampered_row(city, capsys) -> None:
    assert run(["hub", "check", "--pg", city]) == 0
    out = capsys.readouterr().out
    assert "D04" in out and "intact" in out
    with psycopg.connect(city, autocommit=True) as conn:
        row = conn.execute("SELECT id FROM office_d07.audit_log ORDER BY id LIMIT 1 OFFSET 5")
        bad = row.fetchone()[0]
        conn.execute("UPDATE office_d07.audit_log SET actor = 'forger' WHERE id = %s", [bad])
    assert run(["hub", "check", "--pg", city]) == 1
    out = capsys.readouterr().out
    assert f"row {bad}" in out and "D07" in out and f"แถว {bad}" in out


def test_check_reads_the_role_source_and_digests_a_rows_hash_covers(city, capsys) -> None:
    """Rows of the second format (issue 14) arrive whole (hub h003) and verify as on a
    laptop; a changed role, which only that format's hash covers, is named."""
    with psycopg.connect(city, autocommit=True) as conn:
        row = conn.execute(
            "SELECT id, role, via, covers FROM office_d04.audit_log WHERE format = 2"
            " AND covers IS NOT NULL ORDER BY id LIMIT 1"
        ).fetchone()
        assert row is not None and row[1] and row[2] and row[3].startswith("{")
        conn.execute("UPDATE office_d04.audit_log SET role = 'admin' WHERE id = %s", [row[0]])
    assert run(["hub", "check", "--pg", city]) == 1
    out = capsys.readouterr().out
    assert f"row {row[0]}" in out and "D04" in out


def test_only_a_hub_administrator_trusts_a_computer(pg_url, offices, pg_cluster, capsys) -> None:
    _, files = offices
    assert run(["hub", "init", "--pg", pg_url]) == 0
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS clerk")
        conn.execute("CREATE ROLE clerk LOGIN IN ROLE sala_hub_receiver")
    dbname = conninfo_to_dict(pg_url)["dbname"]
    clerk = pg_cluster.url(dbname, user="clerk")
    capsys.readouterr()
    assert run(["hub", "trust", "--pg", clerk, str(files["D04"])]) == 2
    err = capsys.readouterr().err
    assert "sala_hub_admin" in err and "Traceback" not in err
    # A receiver receives, and may not rewrite a final record.
    assert run(["hub", "trust", "--pg", pg_url, str(files["D04"])]) == 0
    assert run(["hub", "receive", "--pg", clerk, str(files["D04"])]) == 0
    with (
        psycopg.connect(clerk, autocommit=True) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("UPDATE office_d04.rounds SET total = 80")


def test_init_twice_is_harmless_and_commands_need_an_initialised_hub(pg_url, capsys) -> None:
    assert run(["hub", "score", "--pg", pg_url, "--fy", "2564"]) == 2
    assert "hub init" in capsys.readouterr().err
    assert run(["hub", "init", "--pg", pg_url]) == 0
    assert run(["hub", "init", "--pg", pg_url]) == 0
    assert run(["hub", "check", "--pg", pg_url]) == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://clerk:S3cret-pw@127.0.0.1:{port}/hub",  # nobody listens there
        "postgresql://clerk:S3cret-pw@/nohub?host={folder}",  # no such database
        "host={folder} dbname=hub password=S3cret-pw bogus=1",  # not a connection string
        "postgresql://clerk:S3cret-pw@[::1/hub",
    ],
)
def test_a_wrong_or_unreachable_server_is_exit_2_without_the_password(
    pg_cluster, url, capsys
) -> None:
    url = url.format(port=_free_port(), folder=pg_cluster.folder)
    assert run(["hub", "score", "--pg", url, "--fy", "2564"]) == 2
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "S3cret-pw" not in text and "Traceback" not in text
    assert "ฐานข้อมูลกลาง" in text and "hub" in text


def test_the_connection_string_may_come_from_the_environment(city, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SALA_HUB_PG", city)
    assert run(["hub", "check"]) == 0
    monkeypatch.delenv("SALA_HUB_PG")
    assert run(["hub", "check"]) == 2
    assert "SALA_HUB_PG" in capsys.readouterr().err
    assert os.environ.get("SALA_HUB_PG") is None


def test_check_proves_every_record_covered_by_its_latest_audit_row(city, capsys) -> None:
    """Issue 14 point 1 at the hub: records changed, deleted or added by hand in an office's
    tables (outside `hub receive`) are named by table and record, per office, as `check`
    names them on a laptop."""
    assert run(["hub", "check", "--pg", city]) == 0
    out = capsys.readouterr().out
    assert "every record of 3 offices" in out and "ข้อมูลทุกรายการของ 3 หน่วยงาน" in out
    with psycopg.connect(city, autocommit=True) as conn:
        (failing,) = conn.execute(
            "SELECT uuid FROM office_d04.rounds WHERE passed = 0 ORDER BY id LIMIT 1"
        ).fetchone()
        # A failing round made to pass, as issue 14 saw it done on a laptop.
        conn.execute(
            "UPDATE office_d04.rounds SET scores = %s, total = 80, passed = 1 WHERE uuid = %s",
            ["4" * 20, failing],
        )
        (gone,) = conn.execute(
            "SELECT uuid FROM office_d07.guard_reports ORDER BY id LIMIT 1"
        ).fetchone()
        conn.execute(
            "DELETE FROM office_d07.guard_events WHERE report_id ="
            " (SELECT id FROM office_d07.guard_reports WHERE uuid = %s)",
            [gone],
        )
        conn.execute("DELETE FROM office_d07.guard_reports WHERE uuid = %s", [gone])
    assert run(["hub", "check", "--pg", city]) == 1
    out = capsys.readouterr().out
    assert f"table rounds, record {failing}: changed outside the app" in out
    assert f"ตาราง rounds รายการ {failing}" in out
    assert f"table guard_reports, record {gone}: missing" in out
    assert (
        "office D04: 1 record is not covered by its latest audit row" in out and "office D07" in out
    )
    assert "Traceback" not in out
