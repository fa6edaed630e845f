"""Who acts, and what their role allows: below the audit trail, which names the actor.

The acting user travels with the database connection (`act_as`), so domain
functions keep their signatures and every action is checked and audited
against the one person who did it. The command line acts as the account named
by `--user`, signed in with its password, with that account's role; without
`--user` it acts as the operating-system account, which may enter data and
decide nothing (DOMAIN.md section 8). There is no role that holds every right.

This module writes nothing and imports no other module that does: core.audit
asks it who acts, and the accounts (core.users) and settings (core.settings),
which write audited rows, sit above both.
"""

from __future__ import annotations

import getpass
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.errors import SalaError
from core.i18n import ByLanguage, Phrase, joined, tr

if TYPE_CHECKING:
    from sqlite_utils import Database

ROLES = ("inspector", "guard_supervisor", "section_head", "admin")

# Who may do what. A permission missing from a role's set is refused in the domain.
PERMISSIONS: dict[str, frozenset[str]] = {
    "inspector": frozenset({"rounds.record", "actions.edit", "survey.record"}),
    "guard_supervisor": frozenset({"guard.report", "survey.record"}),
    "section_head": frozenset(
        {
            "rounds.record",
            "actions.edit",
            "survey.record",
            "guard.report",
            "incidents.classify",
            "guard.month_check",
            "plan.edit",
            "survey.define",
            "summary.sign",
            "audit.read",
            "sync.import",
        }
    ),
    "admin": frozenset(
        {
            "rounds.record",
            "actions.edit",
            "survey.record",
            "guard.report",
            "users.manage",
            "points.manage",
            "standards.manage",
            "settings.edit",
            "backup.restore",
            "check.acknowledge",
            "audit.read",
            "plan.edit",
            "survey.define",
            "sync.import",
            # Which computers' sync files count here (issue 14): an administrator's call.
            "sync.trust",
        }
    ),
}
# A command-line run without --user acts as the operating-system account: data entry
# only (DOMAIN.md section 8: demo, import-*, sync files, backup). It decides nothing a
# role owns (signing, classifying, correcting, points, restoring, trusting).
OS_ROLE = "os_account"
PERMISSIONS[OS_ROLE] = frozenset(
    {"rounds.record", "actions.edit", "survey.record", "guard.report", "sync.import"}
)
# Correcting a final round is a decision (DOMAIN.md section 8): whoever records rounds in
# the window may, signed in; the operating-system account, which only enters data, not.
for _role in ("inspector", "section_head", "admin"):
    PERMISSIONS[_role] |= {"rounds.correct"}
# Bringing a point into the year's count or taking it out moves the indicator: the
# section head's decision (DOMAIN.md section 8, `point`); administrators kept it.
PERMISSIONS["section_head"] |= {"points.activate"}
PERMISSIONS["admin"] |= {"points.activate"}


class PermissionDenied(SalaError):
    """The acting user's role does not allow the action; nothing was changed."""


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    display_name: str = ""
    via: str = "window"

    def may(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())


_actors: weakref.WeakKeyDictionary[Database, Actor] = weakref.WeakKeyDictionary()


def os_actor(name: str | None = None, *, via: str = "cli") -> Actor:
    """The operating-system account a command-line run without `--user` acts as."""
    try:
        user = name or getpass.getuser()
    except (OSError, KeyError, ImportError):
        # No login name: a container's uid without a passwd entry (KeyError before Python
        # 3.13), a Windows service account without USERNAME (no pwd module: ImportError).
        user = "os-account"
    return Actor(username=user, role=OS_ROLE, display_name=user, via=via)


def act_as(db: Database, actor: Actor) -> None:
    _actors[db] = actor


@contextmanager
def acting_as(db: Database, actor: Actor) -> Iterator[Actor]:
    """Act as `actor` for a block, then as before (the demo's invented section head)."""
    saved = _actors.get(db)
    _actors[db] = actor
    try:
        yield actor
    finally:
        if saved is None:
            _actors.pop(db, None)
        else:
            _actors[db] = saved


def demo_section_head(via: str = "cli") -> Actor:
    """The invented section head whose decisions a demo year carries (classifications,
    plan steps done), named `demo` in the audit trail: never anyone's real decision, and
    not the operating-system account's, which decides nothing."""
    return Actor("demo", "section_head", "หัวหน้ากลุ่มงาน (ข้อมูลตัวอย่าง)", via)


def current_actor(db: Database) -> Actor:
    """Who is acting on `db`; a connection nobody signed in on acts as the OS account."""
    actor = _actors.get(db)
    if actor is None:
        actor = os_actor()
        _actors[db] = actor
    return actor


def require(db: Database, permission: str) -> Actor:
    return require_actor(current_actor(db), permission)


def require_actor(actor: Actor, permission: str) -> Actor:
    """Refuse `actor` what its role does not allow (actions on a file rather than a connection)."""
    if not actor.may(permission):
        # Which roles may: a refusal that says only "may not" leaves the user guessing
        # whom to ask (review, 2026-11-30).
        may = [r for r in ROLES if permission in PERMISSIONS.get(r, frozenset())]
        raise PermissionDenied(
            "users.user_may_not_do_roles" if may else "users.user_may_not_do",
            username=actor.username,
            role_name=ByLanguage(lambda lang: role_name(actor.role, lang)),
            roles=joined([Phrase(f"role.{r}") for r in may], Phrase("users.or")),
        )
    return actor


# Roles a stored row may name besides ROLES: the operating-system account, and the
# rows a database upgrade writes ("system").
_NAMED_ROLES = (*ROLES, OS_ROLE, "system")


def role_name(role: str, lang: str) -> str:
    return tr(f"role.{role}", lang) if role in _NAMED_ROLES else role
