"""The parent of the children test_crash_safety kills: it imports the app once, then forks.

Each child used to be a fresh `python -c` that spent most of a second importing the app
before its work began, seventy times over (issue 19: tests in minutes). This process
imports it once and forks a child per request; every child is still a process of its
own, killed with SIGKILL, opening its own connection (none is open here when it forks,
and this process runs no thread).

Protocol, one line each: the test writes a JSON `[script, args]`; the forked
child answers `pid N` and then its own words (`ready`, `held`), then this process,
having reaped the child, writes `exit CODE` (a negative CODE: killed by that signal).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback

# What the children's scripts import, imported once before any fork.
import core.backup  # noqa: F401
import core.calendar  # noqa: F401
import core.db  # noqa: F401
import inspection.csv_io  # noqa: F401
import inspection.rounds  # noqa: F401
import security.csv_io  # noqa: F401


def _tell(word: str) -> None:
    os.write(1, f"{word}\n".encode())  # unbuffered: nothing of the parent's is repeated


def _wait_for_the_kill() -> None:
    while True:
        signal.pause()


def _child(script: str, args: list[str]) -> None:
    _tell(f"pid {os.getpid()}")
    sys.argv = ["crash-child", *args]
    namespace = {"__name__": "__main__", "tell": _tell, "wait_for_the_kill": _wait_for_the_kill}
    code = 0
    try:
        exec(compile(script, "<crash child>", "exec"), namespace)  # noqa: S102 - the tests' own
    except BaseException:  # noqa: BLE001 - reported to the test as the exit code
        traceback.print_exc()
        code = 1
    sys.stderr.flush()
    os._exit(code)  # no cleanup handlers of the parent's run in the child


def main() -> None:
    for line in sys.stdin:
        script, args = json.loads(line)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            _child(script, args)
        _, status = os.waitpid(pid, 0)
        _tell(f"exit {os.waitstatus_to_exitcode(status)}")


if __name__ == "__main__":
    main()
