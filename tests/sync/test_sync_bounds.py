"""Issue 14, point 4: bounded work on hostile files, measured in a child process.

Each file is signed with a key the receiving database trusts, so nothing stops it
before the bounds do. The child runs `main.py sync import` and reports its own peak
resident memory (VmHWM on Linux; getrusage on macOS): it must stay under 300 MB and
end in exit 2 with a message in Thai and English, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from core.audit import local_device
from core.db import open_db
from core.devices import trust_device
from core.users import act_as
from sync import fileformat
from sync.keys import device_key
from tests.actors import ADMIN

ROOT = Path(__file__).resolve().parents[2]
LIMIT_MB = 300

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="peak RSS read on POSIX")

# The child's own peak, read as it exits (the parent's figures would include pytest's).
CHILD = """
import sys
sys.path.insert(0, {root!r})
from cli import run
code = run(sys.argv[1:])
peak = None
try:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) * 1024
except OSError:
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # bytes on macOS
sys.stderr.write(f"\\nPEAK_BYTES {{peak}}\\n")
sys.exit(code)
"""


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> SimpleNamespace:
    folder = tmp_path_factory.mktemp("bounds")
    a, b = open_db(folder / "a.db"), open_db(folder / "b.db")
    key = device_key(a)
    act_as(b, ADMIN)
    trust_device(b, local_device(a), key.public_key)
    device = local_device(a)
    a.close()
    b.close()
    return SimpleNamespace(folder=folder, db=folder / "b.db", key=key, device=device)


def _manifest(office, content_sha: str, counts: dict | None = None) -> bytes:
    manifest = {
        "format": fileformat.FORMAT, "version": fileformat.VERSION, "device_id": office.device,
        "public_key": office.key.public_key, "created_at": "2021-09-30T00:00:00+00:00",
        "since": None, "content_sha256": content_sha,
        "counts": counts or dict.fromkeys(fileformat.KINDS, 0),
    }  # fmt: skip
    return json.dumps(manifest).encode()


def _signed(office, name: str, write_content, content_sha: str) -> Path:
    """A sync file whose content.json `write_content(zf)` writes, signed by the trusted key."""
    path = office.folder / name
    manifest = _manifest(office, content_sha)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(fileformat.MANIFEST, manifest)
        write_content(zf)
        zf.writestr(fileformat.SIGNATURE, office.key.sign(manifest).hex())
    return path


def _bytes_file(office, name: str, body: bytes) -> Path:
    def write(zf):
        zf.writestr(fileformat.CONTENT, body)

    return _signed(office, name, write, hashlib.sha256(body).hexdigest())


def _bomb(office, name: str) -> Path:
    """903 KB on disk, 900 MiB inflated (issue 14): spaces, which JSON allows."""
    chunk = b" " * (1 << 20)

    def write(zf):
        with zf.open(fileformat.CONTENT, "w", force_zip64=True) as fh:
            for _ in range(900):
                fh.write(chunk)

    return _signed(office, name, write, "0" * 64)


def _declare_size(path: Path, member: str, size: int) -> None:
    """Make the zip lie about `member`'s inflated size (its local and central headers)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[at + offset : at + offset + 4] = size.to_bytes(4, "little")
            at += 4
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def hostile(office) -> dict[str, Path]:
    files = {"bomb": _bomb(office, "bomb.srsync")}
    liar = office.folder / "bomb-declared-small.srsync"
    liar.write_bytes(files["bomb"].read_bytes())
    _declare_size(liar, fileformat.CONTENT, 4096)
    files["bomb_declared_small"] = liar
    files["deep_json"] = _bytes_file(office, "deep.srsync",
                                     b"[" * 200_000 + b"]" * 200_000 + b"\n")  # fmt: skip
    files["huge_numbers"] = _bytes_file(
        office, "huge.srsync", b'["rounds",{"total":99999999999999999999999,"floor":1e30}]\n'
    )
    # A line just under the line limit holding as many distinct keys as fit: the shape
    # that costs the most memory per byte while it is parsed.
    keys = fileformat.MAX_LINE // 12 - 10
    line = b'["audit",{' + b",".join(b'"%07d":0' % i for i in range(keys)) + b"}]\n"
    files["a_line_of_distinct_keys"] = _bytes_file(office, "keys.srsync", line * 3)
    files["a_line_too_long"] = _bytes_file(office, "long.srsync",
                                           b'["audit","' + b"x" * (2 << 20) + b'"]\n')  # fmt: skip
    # Past MAX_LINE a line is read only when nearly all of it is inside strings (an audit
    # row's digests): not one of two million values...
    files["a_long_line_of_many_values"] = _bytes_file(
        office, "values.srsync", b'["audit",{"x":[' + b"0," * (1 << 20) + b"0]}]\n"
    )
    # ... nor one longer than MAX_LONG_LINE, whatever it holds.
    files["a_line_past_the_long_limit"] = _bytes_file(
        office, "past.srsync",
        b'["audit","' + b"x" * (fileformat.MAX_LONG_LINE + 1) + b'"]\n',
    )  # fmt: skip
    # Records of the right shape, as many as it takes to pass what the kept records may
    # cost: refused when they do, before memory does.
    record = {name: "x" for name in fileformat.FIELDS["survey_imports"]}
    record["rows"] = 1000
    one = json.dumps(["survey_imports", record], separators=(",", ":")).encode() + b"\n"
    files["records_past_the_budget"] = _bytes_file(
        office, "many.srsync", one * (fileformat.HOLD_BUDGET // 400)
    )
    return files


CASES = ("bomb", "bomb_declared_small", "deep_json", "huge_numbers", "a_line_of_distinct_keys",
         "a_line_too_long", "a_long_line_of_many_values", "a_line_past_the_long_limit",
         "records_past_the_budget")  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_file_ends_in_exit_2_within_300_mb(office, hostile, case) -> None:
    path = hostile[case]
    if case == "bomb":
        assert path.stat().st_size < 1 << 20  # under a megabyte on disk
    proc = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT)), "--db", str(office.db),
         "sync", "import", str(path)],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT,
    )  # fmt: skip
    err = proc.stderr
    peak = int(err.rsplit("PEAK_BYTES ", 1)[1])
    assert proc.returncode == 2, err
    assert "Traceback" not in err
    assert "ไม่รับไฟล์" in err and "refused" in err and "nothing was changed" in err
    print(f"\n{case}: peak {peak / (1 << 20):.1f} MB; {err.splitlines()[1][:140]}")
    assert peak < LIMIT_MB << 20, f"{case}: peak {peak >> 20} MB"


def test_what_a_kept_record_is_counted_at_is_above_what_it_takes() -> None:
    """fileformat._record_cost over-estimates CPython's memory for records of every kind
    as a real file holds them, and for the shapes that cost the most per byte."""
    import tracemalloc
    from datetime import datetime

    from sync.send import collect
    from tests.sync.sync_helpers import add_rounds

    db = open_db(":memory:")
    add_rounds(db, [("F1-01", datetime(2021, 3, 1, 9, 0), "สมชาย", [1] + [4] * 19)])
    body = fileformat.encode_content(collect(db))
    lines = body.splitlines()
    lines.append(b'["rounds",{"notes":[' + b",".join([b'[1,"ab"]'] * 2_000) + b"]}]")
    lines.append(b'["audit",{"x":[' + b",".join([b"1000"] * 2_000) + b"]}]")
    lines.append(b'["audit",{"x":[' + b",".join(['"ก"'.encode()] * 2_000) + b"]}]")
    lines.append(b'["audit",{"x":[' + b",".join([b"[]"] * 2_000) + b"]}]")
    for line in lines:
        text = line.decode("utf-8")
        copies = 50 if len(line) > 5_000 else 200
        tracemalloc.start()
        kept = [json.loads(text, object_pairs_hook=fileformat._record_pairs)[1]
                for _ in range(copies)]  # fmt: skip
        size = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        assert copies * fileformat._record_cost(kept[0]) > size, line[:60]


def test_an_audit_row_longer_than_a_line_is_read_when_it_is_one_string(tmp_path, monkeypatch):
    """A bulk import's audit row holds every round's digest in one string (`covers`: 8 MB
    for 100,000 rounds): a line past MAX_LINE that is nearly all string is read, and the
    rounds it vouches for are received and covered. MAX_LINE is lowered here so a file
    of a few hundred rounds has such a line."""
    from core.integrity import check
    from core.users import act_as
    from inspection.csv_io import ROUND_COLUMNS, import_rounds
    from sync.receive import import_sync
    from sync.send import export_sync
    from tests.actors import HEAD
    from tests.sync.sync_helpers import trust_each_other

    monkeypatch.setattr(fileformat, "MAX_LINE", 16 << 10)
    a, b = open_db(tmp_path / "a.db"), open_db(tmp_path / "b.db")
    act_as(a, HEAD)
    act_as(b, HEAD)
    trust_each_other(a, b)
    rows = [
        ",".join(["F1-01", f"2021-0{1 + n // 200}-{1 + n % 28:02d}", f"{8 + n % 9}:{n % 60:02d}",
                  f"ผู้ตรวจ {n}", *["4"] * 20, ""])
        for n in range(400)
    ]  # fmt: skip
    csv = tmp_path / "rounds.csv"
    csv.write_text(",".join(ROUND_COLUMNS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert import_rounds(a, csv).added == 400
    export_sync(a, tmp_path / "a.srsync")
    longest = max(len(line) for line in _content_lines(tmp_path / "a.srsync"))
    assert longest > fileformat.MAX_LINE  # the import's row, with its 400 digests
    result = import_sync(b, tmp_path / "a.srsync")
    assert result.added["rounds"] == 400 and not result.held_back_records
    assert check(b).ok
    a.close()
    b.close()


def _content_lines(path: Path) -> list[bytes]:
    with zipfile.ZipFile(path) as zf:
        return zf.read(fileformat.CONTENT).splitlines()
