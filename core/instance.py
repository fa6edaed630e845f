"""The instance lock: whether a Sala Rounds window has a database open, read without Qt."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path


def _alive(pid: int) -> bool:
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
    lock = Path(str(db_path) + ".lock")
    try:
        lines = lock.read_text(encoding="utf-8", errors="replace").splitlines()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return None
    if pid == os.getpid():
        return None  # this process's own window is restoring
    host = lines[2] if len(lines) > 2 else ""
    if host and host != socket.gethostname():
        return lock
    return lock if _alive(pid) else None
