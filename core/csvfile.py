"""Reading and writing the CSV files of DOMAIN.md section 8.

UTF-8 (a BOM is accepted on reading and written on writing), comma-separated,
a header row. Row numbers in messages count the header as row 1, as a
spreadsheet shows them.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from core.errors import InvalidInput
from core.i18n import Phrase
from core.instance import refuse_database_path

# A cell beginning with one of these runs as a formula in Excel; the guard
# apostrophe is what Excel itself shows for text, and importers strip it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Every character str.strip removes (str.isspace), but the line breaks; a test checks it.
SPACES = (
    "\t\x0b\x0c\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def may_need_strip(text: str) -> bool:
    """Whether a cell of this CSV text may start or end with a space (str.strip's sense).

    Such a space touches a comma, a quote, a line break or an end of the text; so does
    a line break at the edge of a quoted cell. Plain substring searches (C, a few ms on
    a 100,000-row file) where stripping every cell cost 2.5 million calls; a harmless
    match only takes the careful path. A regular expression was slower than the strip.
    """
    if '"\r' in text or '"\n' in text or '\r"' in text or '\n"' in text:
        return True
    for space in SPACES:
        if space in text and (
            text.startswith(space)
            or text.endswith(space)
            or any(space + edge in text or edge + space in text for edge in ',"\r\n')
        ):
            return True
    return False


def _not_csv(path: Path, why: str, **values: object) -> InvalidInput:
    return InvalidInput("csvfile.not_csv", field="file", name=path.name, why=Phrase(why, **values))


def read_rows(path: Path, required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) for each data row; checks encoding and columns first."""
    header, rows = read_table(path, required)
    return [(number, dict(zip(header, cells, strict=True))) for number, cells in rows]


def read_table(
    path: Path, required: Sequence[str]
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (lower case) and (row number, cells as many as the header) for each data
    row, with read_rows' checks: for an importer of 100,000 rows, which reads cells by
    position (a dict per row cost a tenth of the import)."""
    refuse_database_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            "csvfile.cannot_open", field="file", path=path, strerror=exc.strerror
        ) from None
    if b"\x00" in raw[:4096]:
        raise _not_csv(path, "csvfile.why.binary")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_csv(path, "csvfile.why.not_utf8") from None
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        rows = list(reader)
    except csv.Error as exc:
        raise _not_csv(path, "csvfile.why.malformed", exc=exc) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise _not_csv(path, "csvfile.why.no_header")
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in required if c not in header]
    if missing:
        cols = ", ".join(missing)
        raise InvalidInput(
            "csvfile.lacks_column_s", field=missing[0], row=1, name=path.name, cols=cols
        )
    out = []
    width = len(header)
    guarded = "'" in text  # only a file with an apostrophe can hold a guarded cell
    spaced = may_need_strip(text)
    # This loop runs once per row of a 100,000-row import: whole-row work in C, and
    # unguard only for the rare cell that starts with an apostrophe.
    for number, cells in enumerate(rows[1:], start=2):
        if spaced:
            cells = list(map(str.strip, cells))
        if not any(cells):
            continue  # a blank line is not a record
        if len(cells) > width:
            raise InvalidInput(
                "csvfile.cells_but_header", row=number, n_cells=len(cells), width=width
            )
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        if guarded and any(c[:1] == "'" for c in cells):
            cells = [unguard(c) for c in cells]
        out.append((number, cells))
    return header, out


def guard_cell(value: object) -> str:
    """Make a cell safe to open in Excel: text that would run as a formula gets an apostrophe."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def unguard(text: str) -> str:
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_rows(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write UTF-8 with BOM (so Excel reads Thai), every cell formula-safe; returns row count.

    Written to a temporary file and renamed, so a failure never leaves half a file.
    `progress(rows written, 0)` is called every 1,000 rows; an exception from it (Cancel
    in the window) stops the export and leaves no file.
    """
    path = Path(path)
    refuse_database_path(path, field="--out")
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    try:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow(header)
            for row in rows:
                writer.writerow([guard_cell(v) for v in row])
                count += 1
                if progress is not None and count % 1000 == 0:
                    progress(count, 0)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
