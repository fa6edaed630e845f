"""A prepared parent: it imports the app once, then forks a child for each process a test
starts (tests/forks.py is the tests' side of it).

A fresh `python main.py …` spent most of its life importing sqlite-utils, reportlab and
our modules before its work began, some two hundred times over the suite (issue 19: tests
in minutes). A child forked from here starts with all of that imported and nothing else:
this process opens no database, runs no thread and never runs a command itself, so each
child is what a fresh process would be a moment after its imports. Every child is still
a process of its own (its own pid, connections and POSIX locks; killed with SIGKILL as
any other), its standard streams are the pipes the test made for it, its environment
and working folder are the test's at the moment it asked.

Protocol, over the socket whose descriptor is argv[1]: the test sends a length-prefixed
JSON request with the child's stdin, stdout and stderr descriptors attached; this
process answers `started ID PID` once forked and `exit PID CODE` once it reaped it (a
negative CODE: killed by that signal). Its own stdin closing ends it.
"""

from __future__ import annotations

import atexit
import importlib
import io
import json
import os
import pkgutil
import runpy
import select
import signal
import socket
import struct
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Everything a command may import on its way, imported once before any fork. Not ui/
# (Qt) nor hub/ (psycopg): no test runs those in a child.
PACKAGES = ("core", "inspection", "security", "summary", "reports", "sync")


def _import_the_app() -> None:
    import cli  # noqa: F401

    for name in PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.iter_modules(package.__path__, f"{name}."):
            importlib.import_module(info.name)


def _recv_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _request(sock: socket.socket) -> tuple[dict, list[int]]:
    # The descriptors travel with the length's bytes, the first part of the message.
    head, fds, _, _ = socket.recv_fds(sock, 4, 3)
    if not head:
        raise EOFError
    head += _recv_exactly(sock, 4 - len(head))
    (size,) = struct.unpack("!I", head)
    return json.loads(_recv_exactly(sock, size)), fds


def _fresh_streams() -> None:
    """sys.stdin, stdout and stderr made anew on descriptors 0-2, as at a start-up: the
    parent's were made for its own (a file is seekable, a pipe is not)."""
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        old = getattr(sys, name)
        raw = open(fd, "rb" if fd == 0 else "wb", closefd=False)  # noqa: SIM115 - for life
        new = io.TextIOWrapper(raw, encoding=old.encoding, errors=old.errors,
                               line_buffering=os.isatty(fd) or fd == 2)  # fmt: skip
        setattr(sys, name, new)
        setattr(sys, f"__{name}__", new)


def _child(request: dict, fds: list[int]) -> None:
    """In the forked child: become the process the test asked for, run it, exit."""
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    _fresh_streams()
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    kind, args = request["kind"], request["args"]
    code = 0
    try:
        if kind == "main":  # python main.py ARGS
            sys.argv = ["main.py", *args]
            from cli import run

            code = run(args)
        elif kind == "file":  # python FILE ARGS
            sys.argv = list(args)
            runpy.run_path(args[0], run_name="__main__")
        else:  # python -c SCRIPT ARGS
            sys.argv = ["-c", *args[1:]]
            exec(compile(args[0], "<string>", "exec"), {"__name__": "__main__"})  # noqa: S102
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if not isinstance(stop.code, int | None):
            print(stop.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001 - as the interpreter would: a traceback, exit 1
        traceback.print_exc()
        code = 1
    try:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def _reap(sock: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        sock.sendall(f"exit {pid} {os.waitstatus_to_exitcode(status)}\n".encode())


def main() -> None:
    sock = socket.socket(fileno=int(sys.argv[1]))
    _import_the_app()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # only to wake select
    stdin = sys.stdin.fileno()
    sock.sendall(b"ready\n")
    while True:
        ready, _, _ = select.select([sock, wake_r, stdin], [], [])
        if wake_r in ready:
            os.read(wake_r, 4096)
            _reap(sock)
        if stdin in ready and not os.read(stdin, 4096):
            return  # the test session ended (or died): so does this process
        if sock in ready:
            try:
                request, fds = _request(sock)
            except EOFError:
                return
            pid = os.fork()
            if pid == 0:
                try:
                    _child(request, fds)
                finally:
                    os._exit(70)  # never back into this loop, whatever failed
            for fd in fds:
                os.close(fd)
            sock.sendall(f"started {request['id']} {pid}\n".encode())


if __name__ == "__main__":
    main()
