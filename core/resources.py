"""Where the data the program ships lives (resources/ beside the packages)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def load_json(name: str) -> Any:
    return json.loads((RESOURCES / name).read_text(encoding="utf-8"))
