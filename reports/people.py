"""Who signs a report: display names and positions, never a login (issue 16 point 3).

A record names its people two ways. A round's inspector and a guard report's
supervisor are names typed on the record; a signature, a classification or a month's
check is a login. A login prints as its account's display name, and its position
by its role: the section head's is the one the office sets in Settings
(core.office). An account with no display name of its own, or one this database
does not know (a sync from elsewhere, an office script), prints as a dotted line to
fill in by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from core.i18n import tr
from core.office import office
from core.users import current_actor, list_users, role_name


@dataclass(frozen=True)
class Person:
    name: str = ""
    position: str = ""


def role_position(db: Database, role: str, lang: str) -> str:
    """What a signer of `role` is, as a form says it: the office's section head position."""
    if role == "section_head":
        return office(db).head_position(lang) or role_name(role, lang)
    if role == "inspector":
        return tr("rp.pos.inspector", lang)
    return role_name(role, lang)


def account(db: Database, username: str | None, lang: str) -> Person:
    """The person behind a login, as far as this database knows them."""
    name = (username or "").strip()
    for user in list_users(db):
        if user.username == name:
            shown = user.display_name.strip()
            if not shown or shown == user.username:
                shown = ""
            return Person(shown, role_position(db, user.role, lang))
    return Person()


def section_head(db: Database, lang: str) -> Person:
    """The section head the office names in Settings (empty lines until it does)."""
    o = office(db)
    return Person(o.head_name(lang), o.head_position(lang))


def preparer(db: Database, lang: str) -> Person:
    """Who prepares the report: the signed-in user; the operating-system account of a
    command-line run (no account here) prints empty lines."""
    from core.users import OS_ROLE

    actor = current_actor(db)
    if actor.role == OS_ROLE:
        return Person()
    return account(db, actor.username, lang)


def inspector(name: str, lang: str) -> Person:
    """A round's inspector, by the name typed on the round."""
    return Person(name.strip(), tr("rp.pos.inspector", lang))


def supervisor(name: str, lang: str) -> Person:
    """A guard report's supervisor, by the name typed on the report."""
    return Person(name.strip(), tr("rp.pos.supervisor", lang))
