"""Who has a database open: a window's instance lock, a command's note of its work, and
the database files this process itself opened (no other handle may touch them).

Read without Qt and without opening the database: a writer that has waited too long
for the write lock uses them to say which kind of work holds it.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.errors import InvalidInput, SalaError
from core.i18n import ByLanguage, tr


def alive(pid: int) -> bool:
    """Whether a process of this computer is running (Windows and POSIX alike)."""
    if sys.platform == "win32":
        import ctypes

        # os.kill(pid, 0) would end the process on Windows: ask for a handle instead.
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
        if not handle:
            return False
        try:
            return kernel32.WaitForSingleObject(handle, 0) == 0x102  # WAIT_TIMEOUT: running
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def window_open_on(db_path: Path) -> Path | None:
    """The lock file of a Sala Rounds window open on `db_path` in another process, if any.

    The window holds a QLockFile `<db>.lock` (ui.app) whose lines are its pid, the
    application name and the host name. The command line may not import Qt, so it
    reads that file: a lock left by a process that is gone (a crash) does not count,
    and one from another computer (a shared folder) counts, since it cannot be asked.
    """
    window = _window(Path(db_path))
    return None if window is None else Path(str(db_path) + ".lock")


def _window(db_path: Path) -> Work | None:
    lock = Path(str(db_path) + ".lock")
    try:
        lines = lock.read_text(encoding="utf-8", errors="replace").splitlines()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return None
    if pid == os.getpid():
        return None  # this process's own window
    host = lines[2] if len(lines) > 2 else ""
    if host and host != socket.gethostname() or alive(pid):
        return Work("window", pid, host, "", "")
    return None


@dataclass(frozen=True)
class Work:
    """Work another process announced on a database (or a window open on it)."""

    kind: str  # "window", or the command: "import-rounds", "restore", "sync import", ...
    pid: int
    host: str
    user: str
    since: str  # local time, ISO, "" for a window

    def describe(self, lang: str) -> str:
        if self.kind == "window":
            return tr("conc.work_window", lang, pid=self.pid)
        since = self.since[11:16] if len(self.since) >= 16 else self.since
        return tr("conc.work_command", lang, kind=self.kind, pid=self.pid, since=since,
                  user=self.user)  # fmt: skip


def work_folder(db_path: Path) -> Path:
    """Where commands note their work on `db_path`: `<database>.work/` beside it."""
    return Path(db_path).with_name(Path(db_path).name + ".work")


@contextmanager
def announce(db_path: Path, kind: str, user: str = "") -> Iterator[None]:
    """Note, for as long as the block runs, that this process does `kind` of work on the
    database: a writer left waiting for the lock can then say who holds it.

    Best effort: a folder the note cannot be written in (read-only, full) costs only the
    name in that message. A note left by a killed process is ignored (its pid is gone).
    """
    folder = work_folder(db_path)
    note = folder / f"{socket.gethostname()}-{os.getpid()}.json"
    record = {"kind": kind, "pid": os.getpid(), "host": socket.gethostname(), "user": user,
              "since": datetime.now().isoformat(timespec="seconds")}  # fmt: skip
    written = False
    try:
        folder.mkdir(exist_ok=True)
        note.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        written = True
    except OSError:
        pass
    try:
        yield
    finally:
        if written:
            try:
                note.unlink(missing_ok=True)
                folder.rmdir()  # only when no other note is left in it
            except OSError:
                pass


def at_work(db_path: Path) -> list[Work]:
    """Work announced on `db_path` by other live processes, then a window open on it."""
    found = []
    folder = work_folder(db_path)
    for note in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            data = json.loads(note.read_text(encoding="utf-8"))
            work = Work(str(data["kind"]), int(data["pid"]), str(data["host"]),
                        str(data.get("user", "")), str(data.get("since", "")))  # fmt: skip
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if work.pid == os.getpid() and work.host == socket.gethostname():
            continue
        if work.host == socket.gethostname() and not alive(work.pid):
            continue
        found.append(work)
    window = _window(Path(db_path))
    return [*found, *([window] if window else [])]


class DatabaseBusy(SalaError):
    """Another writer held the database's write lock longer than this one would wait.

    Nothing was written; the work can simply be run again.
    """

    @classmethod
    def of(cls, db_path: Path | None, wait: float) -> DatabaseBusy:
        seconds = round(wait)
        holders = at_work(db_path) if db_path is not None else []

        def who(lang: str) -> str:
            return "; ".join(w.describe(lang) for w in holders) or tr("conc.work_unknown", lang)

        return cls("conc.busy", who=ByLanguage(who), seconds=seconds)


# Every database file this process has opened: no code of the app may open one of them
# (or its -wal, -shm, -journal) with anything but SQLite, since closing any other
# descriptor of the file drops every lock SQLite holds on it (Linux, macOS).
_opened: set[Path] = set()
SIDE_FILES = ("", "-wal", "-shm", "-journal")


def note_opened(path: Path) -> None:
    """Called by core.db.open_db for every database file it opens."""
    _opened.add(Path(path).resolve())


def refuse_database_path(
    path: Path | str, *, field: str = "file", database: Path | None = None
) -> None:
    """Refuse a path given for a file the app reads or writes itself (a CSV, a report,
    a sync file, a backup to restore) when it names an open database, or `database`, or
    one of their side files.

    Writing a report over the database would destroy it, and even reading it with an
    ordinary file handle drops this process's SQLite locks when the handle closes.
    """
    databases = set(_opened) | ({Path(database).resolve()} if database is not None else set())
    if any(_names(Path(path), db_file) for db_file in databases):
        raise InvalidInput("conc.path_is_database", field=field, path=path)


def _names(path: Path, db_file: Path) -> bool:
    try:
        target = path.resolve()
    except OSError:
        return False
    for suffix in SIDE_FILES:
        side = db_file.with_name(db_file.name + suffix)
        if target == side:
            return True
        if target.exists() and side.exists():
            try:
                if os.path.samefile(target, side):  # a hard link or another spelling
                    return True
            except OSError:
                pass
    return False
