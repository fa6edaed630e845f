"""English names of the guard posts (m019), for English reports (issue 16 point 5).

The posts are the office's own list (Settings, the guard contract); a post's English
name is given there too. A post without one prints in Thai in an English report,
which then says so.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlite_utils import Database

from core.audit import audit
from core.db import transaction
from core.errors import InvalidInput
from core.records import covering
from core.users import require

MAX_NAME = 100


def post_names_en(db: Database) -> dict[str, str]:
    """Every post's English name by its Thai name (empty where none is given)."""
    return dict(db.execute("SELECT name_th, name_en FROM guard_posts ORDER BY id").fetchall())


def post_name(names: Mapping[str, str], name_th: str, lang: str) -> str:
    """A post as a report prints it: its English name in English where there is one."""
    return (names.get(name_th, "") if lang == "en" else "") or name_th


def set_post_names_en(db: Database, names: Mapping[str, str]) -> dict[str, str]:
    """An administrator gives (or clears, with "") the English names of existing posts."""
    require(db, "settings.edit")
    cleaned = {}
    for th, en in names.items():
        en = " ".join((en or "").split())
        if len(en) > MAX_NAME:
            raise InvalidInput(
                "posts.english_name_too_long", field="post_name_en", post=th, limit=MAX_NAME
            )
        cleaned[th] = en
    with transaction(db):
        before = post_names_en(db)
        unknown = sorted(set(cleaned) - set(before))
        if unknown:
            raise InvalidInput("posts.no_post_named", field="post_name_en", join=", ".join(unknown))
        for th, en in cleaned.items():
            db.execute("UPDATE guard_posts SET name_en = ? WHERE name_th = ?", [en, th])
        audit(db, "set_post_names_en", "guard_contract", "posts",
              {k: before[k] for k in cleaned}, cleaned,
              covers=covering(db, guard_posts=list(cleaned)))  # fmt: skip
    return post_names_en(db)
