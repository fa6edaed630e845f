"""Users, roles and permissions, enforced in the domain functions (not only by the UI).

The acting user travels with the database connection (`act_as`), so domain
functions keep their signatures and every action is checked and audited
against the one person who did it. The command line acts as the account named
by `--user`, signed in with its password, with that account's role; without
`--user` it acts as the operating-system account, which may enter data and
decide nothing (DOMAIN.md section 8). There is no role that holds every right.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database

from core.errors import InvalidInput, SalaError
from core.i18n import ByLanguage

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
        raise PermissionDenied(
            "users.user_may_not_do",
            username=actor.username,
            role_name=ByLanguage(lambda lang: role_name(actor.role, lang)),
        )
    return actor


_ROLE_NAMES = {
    "inspector": ("เจ้าหน้าที่ตรวจ", "inspector"),
    "guard_supervisor": ("ผู้ควบคุมเจ้าหน้าที่รักษาความปลอดภัย", "guard supervisor"),
    "section_head": ("หัวหน้ากลุ่มงาน", "section head"),
    "admin": ("ผู้ดูแลระบบ", "administrator"),
    OS_ROLE: ("บัญชีผู้ใช้ของเครื่อง (ไม่ได้ลงชื่อเข้าใช้)", "operating-system account (not signed in)"),
    "system": ("ระบบ Sala Rounds", "Sala Rounds itself"),  # rows a database upgrade writes
}


def role_name(role: str, lang: str) -> str:
    th, en = _ROLE_NAMES.get(role, (role, role))
    return th if lang == "th" else en


# --- the idle lock -------------------------------------------------------------------

IDLE_KEY = "idle_lock_minutes"
IDLE_DEFAULT = 10
IDLE_RANGE = (1, 240)


def idle_lock_minutes(db: Database) -> int:
    """Minutes without a key or click before the window locks (an office setting)."""
    from core.db import get_setting

    value = get_setting(db, IDLE_KEY, "") or ""
    if value.isdecimal() and IDLE_RANGE[0] <= int(value) <= IDLE_RANGE[1]:
        return int(value)
    return IDLE_DEFAULT  # unset, or written by hand outside the app: lock rather than not


def set_idle_lock_minutes(db: Database, minutes: int) -> None:
    """The office sets the idle time: administrators only, checked here, audited as a setting."""
    from core.db import set_setting

    require(db, "settings.edit")
    low, high = IDLE_RANGE
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not low <= minutes <= high:
        raise InvalidInput("users.idle_lock_time_minutes", field="idle", low=low, high=high)
    set_setting(db, IDLE_KEY, str(minutes))


# --- passwords -------------------------------------------------------------------------

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    test = hashlib.scrypt(
        password.encode(), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(test.hex(), digest)


# --- accounts --------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    uuid: str
    username: str
    display_name: str
    role: str
    active: bool

    def actor(self, via: str = "window") -> Actor:
        return Actor(self.username, self.role, self.display_name, via)


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise InvalidInput("users.password_least_8_characters", field="password")


# The longest user name the window's fields take, and so everywhere (DOMAIN.md section 8).
USERNAME_MAX = 40
DISPLAY_NAME_MAX = 100


def check_username(text: str, *, field: str = "username") -> str:
    """A user name as stored: one line of printable characters without spaces, at most
    USERNAME_MAX long, in lower case. Anything else is refused, not cleaned: a newline in
    a name could forge a line of the console or of a report."""
    name = text if isinstance(text, str) else ""
    if not name.strip() or len(name) > USERNAME_MAX or not name.isprintable() or " " in name:
        raise InvalidInput(
            "users.user_name_one_line_printable", field=field, username_max=USERNAME_MAX
        )
    return name.lower()


def check_display_name(text: str, *, field: str = "display_name") -> str:
    """A display name: one line of printable characters, at most DISPLAY_NAME_MAX long."""
    name = (text if isinstance(text, str) else "").strip()
    if len(name) > DISPLAY_NAME_MAX or not name.isprintable():
        raise InvalidInput(
            "users.display_name_one_line_printable", field=field, display_name_max=DISPLAY_NAME_MAX
        )
    return name


def has_users(db: Database) -> bool:
    return db.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None


def list_users(db: Database) -> list[User]:
    return [
        User(r[0], r[1], r[2], r[3], bool(r[4]))
        for r in db.execute(
            "SELECT uuid, username, display_name, role, active FROM users ORDER BY username"
        )
    ]


def create_user(db: Database, username: str, display_name: str, role: str, password: str) -> User:
    """Add an account. The first account of a database must be the administrator."""
    from core.audit import audit
    from core.db import new_id, transaction
    from core.records import covering

    username = check_username((username or "").strip())
    display_name = check_display_name(display_name or "")
    if role not in ROLES:
        raise InvalidInput("users.unknown_role", field="role", role=role)
    _check_password(password)
    uid = new_id()
    user = User(uid, username, (display_name or username).strip(), role, True)
    pw_hash = hash_password(password)  # scrypt: not while holding the write lock
    with transaction(db):
        # Whether this is the first account, asked under the write lock: two first starts
        # at once must not both create an administrator without a sign-in.
        first = not has_users(db)
        if first and role != "admin":
            raise InvalidInput("users.first_account_administrator")
        if not first:
            require(db, "users.manage")
        if db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise InvalidInput("users.user_already_exists", field="username", username=username)
        db.execute(
            "INSERT INTO users(uuid, username, display_name, role, pw_hash, active, created_at)"
            " VALUES (?, ?, ?, ?, ?, 1, ?)",
            [uid, username, user.display_name, role, pw_hash, _stamp()],
        )
        if first:
            act_as(db, user.actor())
        audit(
            db,
            "create",
            "user",
            uid,
            None,
            {"username": username, "role": role},
            covers=covering(db, users=[uid]),
        )
    return user


_DUMMY_HASH = "scrypt$16384$8$1$" + "00" * 16 + "$" + "00" * 32


def authenticate(db: Database, username: str, password: str) -> User:
    row = db.execute(
        "SELECT uuid, username, display_name, role, active, pw_hash FROM users WHERE username = ?",
        [(username or "").strip().lower()],
    ).fetchone()
    # An unknown name costs the same scrypt as a known one, so the time taken does not
    # tell which user names exist.
    stored = row[5] if row is not None else _DUMMY_HASH
    if not verify_password(password or "", stored) or row is None or not row[4]:
        # No field: naming one would tell which of the two was wrong, and reads as noise.
        raise InvalidInput("cli.wrong_user_name_password")
    return User(row[0], row[1], row[2], row[3], True)


def reset_password(db: Database, username: str, new_password: str) -> None:
    """An administrator sets a new password for a user who forgot theirs."""
    from core.audit import audit
    from core.db import transaction
    from core.records import covering

    require(db, "users.manage")
    _check_password(new_password)
    pw_hash = hash_password(new_password)
    with transaction(db):
        row = db.execute("SELECT uuid FROM users WHERE username = ?", [username]).fetchone()
        if row is None:
            raise InvalidInput("users.no_user_2", field="username", username=username)
        db.execute("UPDATE users SET pw_hash = ? WHERE uuid = ?", [pw_hash, row[0]])
        audit(db, "reset_password", "user", row[0], None, {"username": username},
              covers=covering(db, users=[row[0]]))  # fmt: skip


def _account(db: Database, username: str) -> User:
    name = (username or "").strip().lower()
    row = db.execute(
        "SELECT uuid, username, display_name, role, active FROM users WHERE username = ?", [name]
    ).fetchone()
    if row is None:
        raise InvalidInput("users.no_user", field="username", name=name)
    return User(row[0], row[1], row[2], row[3], bool(row[4]))


def _keep_an_administrator(db: Database, user: User) -> None:
    """There is no default account: losing the last active administrator would lock the
    office out of managing users for good, so it is refused."""
    others = db.execute(
        "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1 AND uuid != ?",
        [user.uuid],
    ).fetchone()[0]
    if user.role == "admin" and user.active and others == 0:
        raise InvalidInput("users.least_one_active_administrator_remain", field="username")


def set_user_active(db: Database, username: str, active: bool) -> User:
    """Close the account of someone who left (or open it again); their records stay theirs."""
    from core.audit import audit
    from core.db import transaction
    from core.records import covering

    require(db, "users.manage")
    with transaction(db):
        # Under the write lock: two administrators closing each other's accounts at once
        # must not leave the office with none.
        user = _account(db, username)
        if user.active == active:
            return user
        if not active:
            if user.username == current_actor(db).username:
                raise InvalidInput("users.you_cannot_close_your_own", field="username")
            _keep_an_administrator(db, user)
        db.execute("UPDATE users SET active = ? WHERE uuid = ?", [int(active), user.uuid])
        audit(db, "activate" if active else "deactivate", "user", user.uuid,
              {"username": user.username, "active": user.active},
              {"username": user.username, "active": active},
              covers=covering(db, users=[user.uuid]))  # fmt: skip
    return _account(db, username)


def set_user_role(db: Database, username: str, role: str) -> User:
    """Give a user another role (a promotion, a move to the guard desk)."""
    from core.audit import audit
    from core.db import transaction
    from core.records import covering

    require(db, "users.manage")
    if role not in ROLES:
        raise InvalidInput("users.unknown_role", field="role", role=role)
    with transaction(db):
        user = _account(db, username)
        if user.role == role:
            return user
        _keep_an_administrator(db, user)
        db.execute("UPDATE users SET role = ? WHERE uuid = ?", [role, user.uuid])
        audit(db, "set_role", "user", user.uuid,
              {"username": user.username, "role": user.role},
              {"username": user.username, "role": role},
              covers=covering(db, users=[user.uuid]))  # fmt: skip
    return _account(db, username)


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
