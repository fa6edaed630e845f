"""The command line (DOMAIN.md section 8): exit codes and messages."""

import hashlib
import subprocess
import sys
from pathlib import Path

from cli import run
from core.db import open_db

ROOT = Path(__file__).resolve().parent.parent


def test_demo_fills_a_year_once(db_path, capsys) -> None:
    assert run(["--db", str(db_path), "demo", "--fy", "2564"]) == 0
    out = capsys.readouterr().out
    assert "รอบ" in out and "rounds" in out
    assert run(["--db", str(db_path), "demo", "--fy", "2564"]) == 0
    assert "already" in capsys.readouterr().out


def test_demo_year_has_rounds_at_every_point_failures_and_actions(db) -> None:
    from inspection.demo import fill_demo_rounds

    result = fill_demo_rounds(db, 2564)
    assert result.rounds > 27 * 12 and result.failed > 0
    points_seen = db.execute("SELECT COUNT(DISTINCT point_id) FROM rounds").fetchone()[0]
    assert points_seen == 27
    assert db.execute("SELECT COUNT(*) FROM corrective_actions").fetchone()[0] > 0
    months = {r[0] for r in db.execute("SELECT DISTINCT substr(inspected_at, 1, 7) FROM rounds")}
    assert len(months) == 12


def test_export_then_import_round_trip_on_the_command_line(tmp_path, capsys) -> None:
    a, b, out = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "rounds.csv"
    assert run(["--db", str(a), "demo", "--fy", "2564"]) == 0
    assert run(["--db", str(a), "export", "rounds", "--fy", "2564", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert run(["--db", str(b), "import-rounds", str(out)]) == 0
    assert run(["--db", str(b), "import-rounds", str(out)]) == 0
    assert "skipped" in capsys.readouterr().out


def test_bad_file_exits_2_with_thai_and_english(db_path, tmp_path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("point,date\nF1-01,2021-01-01\n", encoding="utf-8")
    assert run(["--db", str(db_path), "import-rounds", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "ขาดคอลัมน์" in err and "lacks the column" in err


def test_bad_fiscal_year_and_missing_file_exit_2(db_path, tmp_path, capsys) -> None:
    assert run(["--db", str(db_path), "demo", "--fy", "two"]) == 2
    assert run(["--db", str(db_path), "import-rounds", str(tmp_path / "nope.csv")]) == 2


def test_a_refused_database_exits_2_and_is_untouched(tmp_path, capsys) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(b"hello, not sqlite" * 100)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert run(["--db", str(path), "demo", "--fy", "2564"]) == 2
    assert "SQLite" in capsys.readouterr().err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_sub_commands_never_import_qt(tmp_path) -> None:
    """A sub-command runs on a machine with no screen: PySide6 is never imported."""
    code = (
        "import sys, cli\n"
        "rc = cli.run(['--db', sys.argv[1], 'export', 'rounds', '--fy', '2564',"
        " '--out', sys.argv[2]])\n"
        "assert rc == 0, rc\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt imported'\n"
    )
    open_db(tmp_path / "q.db").close()  # a reading command needs a database that is there
    subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "q.db"), str(tmp_path / "o.csv")],
        cwd=ROOT,
        check=True,
    )


def test_an_out_that_cannot_be_written_exits_2_in_both_languages_and_leaves_nothing(
    tmp_path, capsys
) -> None:
    """DOMAIN.md 8: a message, not a traceback, in Thai and English; an --out that cannot be
    written is bad input naming the field (exit 2), as `sync export` says of it."""
    db = tmp_path / "a.db"
    assert run(["--db", str(db), "demo", "--fy", "2564"]) == 0
    capsys.readouterr()
    missing = tmp_path / "no such folder" / "rounds.csv"
    assert run(["--db", str(db), "export", "rounds", "--fy", "2564", "--out", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "ไม่ได้" in err and "cannot" in err and "Traceback" not in err
    folder = tmp_path / "a folder"
    folder.mkdir()
    assert run(["--db", str(db), "export", "rounds", "--fy", "2564", "--out", str(folder)]) == 2
    assert "cannot" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []


def test_a_folder_given_as_the_database_is_refused_in_both_languages(tmp_path, capsys) -> None:
    # It ended in a Python traceback (IsADirectoryError), exit 1.
    assert run(["--db", str(tmp_path), "score", "--fy", "2564"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "โฟลเดอร์" in err and "folder" in err


def test_an_output_that_cannot_be_written_is_a_message_not_a_traceback(tmp_path, capsys) -> None:
    db, blocker = tmp_path / "a.db", tmp_path / "a-file"
    open_db(db).close()
    blocker.write_text("not a folder", encoding="utf-8")
    out = blocker / "rounds.csv"
    # Bad input, as 'sync export' already says of the same --out (exit 2, field --out).
    assert run(["--db", str(db), "export", "rounds", "--fy", "2564", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(out) in err and "--out" in err
    assert "เขียน" in err and "cannot" in err
    assert run(["--db", str(db), "backup", "--out", str(blocker / "b.db")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "--out" in err and "cannot" in err


def test_a_backup_onto_the_open_database_itself_is_refused(tmp_path, capsys) -> None:
    # It 'backed up' by replacing the live file under its own open connection.
    db = tmp_path / "a.db"
    assert run(["--db", str(db), "demo", "--fy", "2564"]) == 0
    assert run(["--db", str(db), "backup", "--out", str(db)]) == 2
    err = capsys.readouterr().err
    assert "--out" in err and "itself" in err and not (tmp_path / "a.db.partial").exists()
    assert run(["--db", str(db), "check"]) == 0


def test_an_out_that_cannot_be_written_names_the_file_typed_and_why_in_both_languages(
    tmp_path, capsys
) -> None:
    """Seen by a new user: 'cannot read or write .../x.csv.tmp (No such file or directory)',
    the writer's temporary file and the system's English reason on the Thai line too."""
    db = tmp_path / "a.db"
    assert run(["--db", str(db), "demo", "--fy", "2564"]) == 0
    capsys.readouterr()
    folder = tmp_path / "no such folder"
    for command, name in ((["export", "rounds"], "rounds.csv"), (["report", "annual"], "a.pdf")):
        out = folder / name
        assert run(["--db", str(db), *command, "--fy", "2564", "--out", str(out)]) == 2
        th, en = capsys.readouterr().err.strip().splitlines()
        assert th == f"ช่อง ไฟล์ปลายทาง (--out): เขียนไฟล์ {out} ไม่ได้: ไม่มีโฟลเดอร์ {folder}"
        assert en == f"field --out: cannot write {out}: the folder {folder} does not exist"
    assert run(["--db", str(db), "export", "survey", "--fy", "2564", "--out", str(tmp_path)]) == 2
    th, en = capsys.readouterr().err.strip().splitlines()
    assert th.endswith(f"เขียนไฟล์ {tmp_path} ไม่ได้: เป็นโฟลเดอร์ โปรดระบุชื่อไฟล์ที่จะบันทึกในโฟลเดอร์นั้น")
    assert en.endswith(
        f"cannot write {tmp_path}: it is a folder; give the name of a file to write in it"
    )


def test_reading_commands_refuse_a_database_that_is_not_there_and_make_nothing(
    tmp_path, capsys
) -> None:
    """New-user finding 3: `--db /tmp/typo/x.db check` printed "database OK" over a new,
    empty database (and its folder); `score` printed level 0. Only commands that put data
    in make a database."""
    typo = tmp_path / "typo" / "x.db"
    out = tmp_path / "out"
    reading = (
        ["check"],
        ["score", "--fy", "2564"],
        ["score", "--fy", "2564", "--json"],
        ["report", "annual", "--fy", "2564", "--out", str(out / "a.pdf")],
        ["export", "rounds", "--fy", "2564", "--out", str(out / "r.csv")],
        ["sync", "export", "--out", str(out / "s.srsync")],
        ["backup", "--out", str(out / "b.db")],
        ["guard", "missing", "--from", "2021-01-01", "--to", "2021-01-31"],
    )
    for command in reading:
        assert run(["--db", str(typo), *command]) == 2, command
        th, en = capsys.readouterr().err.strip().splitlines()
        assert th == (f"ช่อง ฐานข้อมูล (--db): ไม่มีฐานข้อมูล {typo} (ตรวจชื่อไฟล์ที่ให้กับ --db)"
                      " คำสั่งนี้ไม่สร้างฐานข้อมูลใหม่")  # fmt: skip
        assert en == (f"field --db: there is no database {typo} (check the file name given"
                      " to --db); this command does not create one")  # fmt: skip
    assert list(tmp_path.iterdir()) == []
    # A command that puts data in still makes it, folders and all.
    assert run(["--db", str(typo), "demo", "--fy", "2564"]) == 0
    assert run(["--db", str(typo), "check"]) == 0


def test_every_out_into_a_folder_that_is_not_there_is_refused_and_no_folder_is_made(
    tmp_path, capsys
) -> None:
    """New-user finding 9: `backup` and `sync export` made a missing --out folder while
    `export` and `report` refused it. One rule (README): the folder must be there."""
    db = tmp_path / "a.db"
    assert run(["--db", str(db), "demo", "--fy", "2564"]) == 0
    capsys.readouterr()
    folder = tmp_path / "no such folder"
    for command, name in ((["export", "survey", "--fy", "2564"], "s.csv"),
                          (["report", "annual", "--fy", "2564"], "a.pdf"),
                          (["backup"], "b.db"), (["sync", "export"], "s.srsync")):  # fmt: skip
        out = folder / name
        assert run(["--db", str(db), *command, "--out", str(out)]) == 2, command
        th, en = capsys.readouterr().err.strip().splitlines()
        assert th == f"ช่อง ไฟล์ปลายทาง (--out): เขียนไฟล์ {out} ไม่ได้: ไม่มีโฟลเดอร์ {folder}"
        assert en == f"field --out: cannot write {out}: the folder {folder} does not exist"
        assert not folder.exists()
    folder.mkdir()
    for command, name in ((["backup"], "b.db"), (["sync", "export"], "s.srsync")):
        assert run(["--db", str(db), *command, "--out", str(folder / name)]) == 0
        assert (folder / name).is_file()
