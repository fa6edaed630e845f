"""Processes for the tests, forked from a prepared parent (tests/fork_parent.py) instead
of started fresh: the same process, less the second or so of imports.

`Forks.main(args)` is `python main.py ARGS`, `Forks.script(code, args)` is
`python -c CODE ARGS`, `Forks.file(path, args)` is `python PATH ARGS`; each returns a
`Child` that behaves as `subprocess.Popen` does (pipes, wait, kill, communicate), and
`Forks.run_main(args)` is `subprocess.run([python, "main.py", *args], capture_output=True,
text=True)`. The child's environment is the test's at that moment (monkeypatch.setenv
applies) updated with `env`; its working folder is the repository's.

Where there is no fork (Windows) the same calls start fresh interpreters.
A test that is about a fresh interpreter (what a command imports, how it starts) still
starts one with subprocess.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
PIPE, DEVNULL = subprocess.PIPE, subprocess.DEVNULL


class Child:
    """A forked child, used as a `subprocess.Popen`."""

    def __init__(self, args: list[str]) -> None:
        self.args = args
        self.pid = 0
        self.returncode: int | None = None
        self.stdin: IO | None = None
        self.stdout: IO | None = None
        self.stderr: IO | None = None
        self._started = threading.Event()
        self._ended = threading.Event()

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if not self._ended.wait(timeout):
            raise subprocess.TimeoutExpired(self.args, timeout)
        assert self.returncode is not None
        return self.returncode

    def kill(self) -> None:
        """SIGKILL, unless it has been reaped already."""
        if self.returncode is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass  # it ended on its own a moment ago: its exit is on the way

    def communicate(self, input: str | None = None, timeout: float | None = None):  # noqa: A002
        """Write `input`, close stdin, read stdout and stderr to their ends, wait."""
        if self.stdin is not None:
            if input:
                self.stdin.write(input)
            self.stdin.close()
        read: dict[str, object] = {}
        readers = []
        for name in ("stdout", "stderr"):
            stream = getattr(self, name)
            if stream is not None:
                reader = threading.Thread(
                    target=lambda n=name, s=stream: read.__setitem__(n, s.read()), daemon=True
                )
                reader.start()
                readers.append((reader, stream))
        for reader, stream in readers:
            reader.join(timeout)
            if reader.is_alive():
                raise subprocess.TimeoutExpired(self.args, timeout)
            stream.close()
        self.wait(timeout)
        return read.get("stdout"), read.get("stderr")


class Forks:
    """The prepared parent, running; one per test session (the `forks` fixture)."""

    def __init__(self) -> None:
        if not hasattr(os, "fork"):
            return
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock = mine
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self._process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "fork_parent.py"), str(theirs.fileno())],
            cwd=ROOT, env=env, stdin=PIPE, pass_fds=[theirs.fileno()],
        )  # fmt: skip
        theirs.close()
        self._lines = mine.makefile("r", encoding="utf-8")
        assert self._lines.readline().strip() == "ready", "tests/fork_parent.py did not start"
        self._lock = threading.Lock()
        self._ids = iter(range(1, 1 << 62))
        self._asked: dict[int, Child] = {}
        self._children: dict[int, Child] = {}
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # --- the tests' side -------------------------------------------------------------

    def main(self, args: list[str], **kw) -> Child:
        """`python main.py ARGS`."""
        return self._start("main", [str(a) for a in args], **kw)

    def script(self, code: str, args: list[str], **kw) -> Child:
        """`python -c CODE ARGS`."""
        return self._start("script", [code, *map(str, args)], **kw)

    def file(self, path: Path, args: list[str], **kw) -> Child:
        """`python PATH ARGS`."""
        return self._start("file", [str(path), *map(str, args)], **kw)

    def run_main(
        self, args: list[str], *, env: dict[str, str] | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess:
        """`subprocess.run([python, "main.py", *args], capture_output=True, text=True)`."""
        child = self.main(args, stdout=PIPE, stderr=PIPE, env=env)
        out, err = child.communicate(timeout=timeout)
        return subprocess.CompletedProcess(child.args, child.returncode, out, err)

    def close(self) -> None:
        if not hasattr(os, "fork"):
            return
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=60)
        self._sock.close()

    # --- underneath ------------------------------------------------------------------

    def _start(
        self,
        kind: str,
        args: list[str],
        *,
        stdin: int | None = None,
        stdout: int | None = None,
        stderr: int | None = None,
        env: dict[str, str] | None = None,
        text: bool = True,
    ) -> Child:
        if not hasattr(os, "fork"):
            return self._fresh(kind, args, stdin, stdout, stderr, env, text)
        child = Child(args)
        theirs: list[int] = []
        mine: list[int] = []
        for n, how in enumerate((stdin, stdout, stderr)):
            if how == PIPE:
                r, w = os.pipe()
                ours, given = (w, r) if n == 0 else (r, w)
                mode = ("w" if n == 0 else "r") + ("" if text else "b")
                stream = open(ours, mode, encoding="utf-8" if text else None,  # noqa: SIM115
                              buffering=1 if text and n == 0 else -1)  # fmt: skip
                setattr(child, ("stdin", "stdout", "stderr")[n], stream)
                theirs.append(given)
                mine.append(given)
            elif how == DEVNULL or (n == 0 and how is None):
                fd = os.open(os.devnull, os.O_RDWR)
                theirs.append(fd)
                mine.append(fd)
            else:  # None: this process's own stream, as subprocess does
                theirs.append(n)
        request = {
            "kind": kind,
            "args": args,
            "cwd": str(ROOT),
            "env": dict(os.environ, **(env or {})),
        }
        try:
            with self._lock:
                request["id"] = ident = next(self._ids)
                self._asked[ident] = child
                body = json.dumps(request).encode()
                socket.send_fds(self._sock, [struct.pack("!I", len(body))], theirs)
                self._sock.sendall(body)
        finally:
            for fd in mine:
                os.close(fd)  # the child has its own copies now
        assert child._started.wait(60), "tests/fork_parent.py did not fork"
        return child

    @staticmethod
    def _fresh(kind, args, stdin, stdout, stderr, env, text) -> subprocess.Popen:  # noqa: ANN001
        command = {"main": ["main.py"], "script": ["-c"], "file": []}[kind] + args
        return subprocess.Popen(
            [sys.executable, *command], cwd=ROOT, env=dict(os.environ, **(env or {})),
            stdin=stdin, stdout=stdout, stderr=stderr, text=text,
        )  # fmt: skip

    def _read(self) -> None:
        for line in self._lines:
            word, a, b = line.split()
            with self._lock:
                if word == "started":
                    child = self._asked.pop(int(a))
                    child.pid = int(b)
                    self._children[child.pid] = child
                    child._started.set()
                else:  # `exit PID CODE`: always after that child's `started`
                    child = self._children.pop(int(a))
                    child.returncode = int(b)
                    child._ended.set()


@contextmanager
def prepared() -> Iterator[Forks]:
    forks = Forks()
    try:
        yield forks
    finally:
        forks.close()
