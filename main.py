"""Sala Rounds: `uv run main.py` opens the window; sub-commands run without one.

Sub-commands never import Qt, so they start fast and run on a machine with no screen.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from cli import run

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
