"""The anchor of annual_pdf_ratio writes its table (nothing is timed here)."""

import subprocess
import sys
from pathlib import Path

from bench.annual_ratio import summary_lines

ROOT = Path(__file__).resolve().parents[2]


def test_the_anchor_lays_out_the_lines_it_is_given_as_one_shaped_table(tmp_path) -> None:
    lines = ["สรุปผลการดำเนินงานตามตัวชี้วัด ปีงบประมาณ พ.ศ. 2564", "ห้องน้ำชาย ชั้น 1", "F1-01 75/80"]
    text = tmp_path / "lines.txt"
    text.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "anchor.pdf"
    subprocess.run([sys.executable, "-m", "bench.anchor_pdf", str(text), str(out)], cwd=ROOT,
                   check=True, capture_output=True)  # fmt: skip
    assert out.read_bytes().startswith(b"%PDF")
    got = summary_lines(out)
    # One row per line; bare reportlab reads Thai marks back as private codes (the app's
    # thai_text is what fixes that), so only the Latin line compares exactly.
    assert len(got) == len(lines) and got[-1] == "F1-01 75/80"
