"""Accounts: adding users, their passwords, roles and whether they may still sign in.

Who acts and what each role may do live one floor down, in core.actors, below the
audit trail that names the actor; this module writes audited rows and sits above
core.audit, core.db and core.settings. The actor and permission names are re-exported
here, where the domain and the window have always asked for them.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database

from core.actors import (
    OS_ROLE,
    PERMISSIONS,
    ROLES,
    Actor,
    PermissionDenied,
    act_as,
    acting_as,
    current_actor,
    demo_section_head,
    os_actor,
    require,
    require_actor,
    role_name,
)
from core.audit import audit
from core.db import new_id, transaction
from core.errors import InvalidInput
from core.records import covering
from core.settings import get_setting, set_setting

# The names of core.actors are re-exported: the domain and the window ask core.users for
# who acts and what a role allows.
__all__ = [
    "OS_ROLE", "PERMISSIONS", "ROLES", "Actor", "PermissionDenied", "act_as", "acting_as",
    "current_actor", "demo_section_head", "os_actor", "require", "require_actor", "role_name",
    "DISPLAY_NAME_MAX", "IDLE_DEFAULT", "IDLE_KEY", "IDLE_RANGE", "USERNAME_MAX", "User",
    "authenticate", "check_display_name", "check_username", "create_user", "has_users",
    "hash_password", "idle_lock_minutes", "list_users", "reset_password", "set_idle_lock_minutes",
    "set_user_active", "set_user_role", "verify_password",
]  # fmt: skip


# --- the idle lock -------------------------------------------------------------------

IDLE_KEY = "idle_lock_minutes"
IDLE_DEFAULT = 10
IDLE_RANGE = (1, 240)


def idle_lock_minutes(db: Database) -> int:
    """Minutes without a key or click before the window locks (an office setting)."""
    value = get_setting(db, IDLE_KEY, "") or ""
    if value.isdecimal() and IDLE_RANGE[0] <= int(value) <= IDLE_RANGE[1]:
        return int(value)
    return IDLE_DEFAULT  # unset, or written by hand outside the app: lock rather than not


def set_idle_lock_minutes(db: Database, minutes: int) -> None:
    """The office sets the idle time: administrators only, checked here, audited as a setting."""
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
