"""`annual_pdf_ratio`: the annual summary against a bare reportlab table of its size (issue 16).

Both are fresh processes, timed in turn on the same machine at the same moment, so a
busy machine slows both alike: the app's `main.py report annual` on the office year,
and `bench.anchor_pdf` laying out the same text (the summary's own lines, read back
from its PDF) as one table in Sarabun with shaping. The figure is the median of the
pairs' ratios; the goal is at most 1.5.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

GOAL = (1.5, "x", "annual summary PDF / bare reportlab table of the same text, fresh processes")


def summary_lines(pdf: Path) -> list[str]:
    """The text lines of a PDF as PDFium reads them (the anchor lays out the same text)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    return [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]


def annual_pdf_ratio(
    office: Path,
    work: Path,
    runs: int,
    timed: Callable[[list[str]], tuple[float, float | None]],
) -> tuple[float, str]:
    """Median ratio of `report annual` to the anchor over `runs` pairs, with a note."""
    out = work / "annual-ratio.pdf"
    report = [sys.executable, "main.py", "--db", str(office), "report",
              "annual", "--fy", "2564", "--out", str(out)]  # fmt: skip
    timed(report)  # warm-up: the operating system's file cache, and the PDF to read back
    lines = summary_lines(out)
    text = work / "annual-lines.txt"
    text.write_text("\n".join(lines), encoding="utf-8")
    anchor = [sys.executable, "-m", "bench.anchor_pdf", str(text), str(work / "anchor.pdf")]
    timed(anchor)
    ratios, ours, theirs, cpu = [], [], [], []
    for _ in range(runs):
        a, a_cpu = timed(report)
        b, b_cpu = timed(anchor)
        ratios.append(a / b)
        ours.append(a)
        theirs.append(b)
        if a_cpu is not None and b_cpu:
            cpu.append(a_cpu / b_cpu)
    cpu_note = f"; CPU-time ratio {statistics.median(cpu):.2f}" if cpu else ""
    note = (
        f"median of {runs} pairs: {statistics.median(ours):.2f} s vs"
        f" {statistics.median(theirs):.2f} s for {len(lines)} lines as a bare table{cpu_note}"
    )
    return statistics.median(ratios), note


def bare_table(run: Any) -> tuple[float, str]:
    """The anchor of `annual_pdf_s` (bench/__main__.py ANCHORS): the bare reportlab process
    laying out the text of the summary that figure just wrote, median wall seconds of as
    many fresh runs as the figure had."""
    from bench.__main__ import _cpu_note, _timed

    pdf: Path = run.made["annual_pdf"]
    text = run.work / "annual-lines.txt"
    lines = summary_lines(pdf)
    text.write_text("\n".join(lines), encoding="utf-8")
    anchor = [sys.executable, "-m", "bench.anchor_pdf", str(text), str(run.work / "anchor.pdf")]
    _timed(anchor)  # warm-up, as the figure had
    runs = [_timed(anchor) for _ in range(run.repeat_pdf)]
    wall = statistics.median(w for w, _ in runs)
    cpu = _cpu_note([c for _, c in runs])
    return wall, f"bare reportlab table of the summary's {len(lines)} lines{cpu}"


def main() -> None:
    """`python -m bench.annual_ratio DB [RUNS]`: the figure alone, for a quick look."""
    import os
    import tempfile

    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root))

    def timed(cmd: list[str]) -> tuple[float, float | None]:
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=root, env=env, check=True, capture_output=True)
        return time.perf_counter() - t0, None

    with tempfile.TemporaryDirectory() as tmp:
        runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
        ratio, note = annual_pdf_ratio(Path(sys.argv[1]), Path(tmp), runs, timed)
    print(f"annual_pdf_ratio = {ratio:.2f} ({note})")


if __name__ == "__main__":
    main()
