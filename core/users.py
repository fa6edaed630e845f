"""Users, roles and permissions, enforced in the domain functions (not only by the UI).

The acting user travels with the database connection (`act_as`), so domain
functions keep their signatures and every action is checked and audited
against the one person who did it. The command line is for the office's own
scripts: it acts as `--user NAME` or the operating-system account, with the
`script` role, which may do what a section head and an administrator may.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import os
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database

from core.errors import InvalidInput, SalaError

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
PERMISSIONS["script"] = frozenset().union(*PERMISSIONS.values())


class PermissionDenied(SalaError):
    """The acting user's role does not allow the action; nothing was changed."""


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    display_name: str = ""

    def may(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())


_actors: weakref.WeakKeyDictionary[Database, Actor] = weakref.WeakKeyDictionary()


def script_actor(name: str | None = None) -> Actor:
    """The actor of a command-line run: `--user NAME`, else the operating-system account."""
    try:
        user = name or getpass.getuser()
    except (OSError, KeyError, ImportError):
        # No login name: a container's uid without a passwd entry (KeyError before Python
        # 3.13), a Windows service account without USERNAME (no pwd module: ImportError).
        user = "script"
    return Actor(username=user, role="script", display_name=user)


def act_as(db: Database, actor: Actor) -> None:
    _actors[db] = actor


def current_actor(db: Database) -> Actor:
    """Who is acting on `db`; a connection nobody signed in on acts as a script."""
    actor = _actors.get(db)
    if actor is None:
        actor = script_actor()
        _actors[db] = actor
    return actor


def require(db: Database, permission: str) -> Actor:
    return require_actor(current_actor(db), permission)


def require_actor(actor: Actor, permission: str) -> Actor:
    """Refuse `actor` what its role does not allow (actions on a file rather than a connection)."""
    if not actor.may(permission):
        raise PermissionDenied(
            f"ผู้ใช้ {actor.username} ({role_name(actor.role, 'th')}) ไม่มีสิทธิ์ทำรายการนี้",
            f"user {actor.username} ({role_name(actor.role, 'en')}) may not do this",
        )
    return actor


_ROLE_NAMES = {
    "inspector": ("เจ้าหน้าที่ตรวจ", "inspector"),
    "guard_supervisor": ("ผู้ควบคุมเจ้าหน้าที่รักษาความปลอดภัย", "guard supervisor"),
    "section_head": ("หัวหน้ากลุ่มงาน", "section head"),
    "admin": ("ผู้ดูแลระบบ", "administrator"),
    "script": ("สคริปต์ของสำนักงาน", "office script"),
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
        raise InvalidInput(
            f"เวลาล็อกหน้าจอต้องเป็น {low} ถึง {high} นาที",
            f"the idle lock time must be {low} to {high} minutes",
            field="idle",
        )
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

    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.display_name)


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise InvalidInput(
            "รหัสผ่านต้องยาวอย่างน้อย 8 ตัวอักษร",
            "the password must be at least 8 characters",
            field="password",
        )


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

    first = not has_users(db)
    if first and role != "admin":
        raise InvalidInput("บัญชีแรกต้องเป็นผู้ดูแลระบบ", "the first account must be the administrator")
    if not first:
        require(db, "users.manage")
    username = (username or "").strip().lower()
    if not username or len(username) > 40 or any(c.isspace() for c in username):
        raise InvalidInput(
            "ชื่อผู้ใช้ต้องไม่ว่างและไม่มีช่องว่าง",
            "the user name must not be empty or contain spaces",
            field="username",
        )
    if role not in ROLES:
        raise InvalidInput(f"ไม่รู้จักบทบาท {role}", f"unknown role {role}", field="role")
    _check_password(password)
    if db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
        raise InvalidInput(
            f"มีผู้ใช้ชื่อ {username} แล้ว", f"user {username} already exists", field="username"
        )
    uid = new_id()
    user = User(uid, username, (display_name or username).strip(), role, True)
    with transaction(db):
        db.execute(
            "INSERT INTO users(uuid, username, display_name, role, pw_hash, active, created_at)"
            " VALUES (?, ?, ?, ?, ?, 1, ?)",
            [uid, username, user.display_name, role, hash_password(password), _stamp()],
        )
        if first:
            act_as(db, user.actor())
        audit(db, "create", "user", uid, None, {"username": username, "role": role})
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
        raise InvalidInput("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "wrong user name or password")
    return User(row[0], row[1], row[2], row[3], True)


def reset_password(db: Database, username: str, new_password: str) -> None:
    """An administrator sets a new password for a user who forgot theirs."""
    from core.audit import audit
    from core.db import transaction

    require(db, "users.manage")
    _check_password(new_password)
    row = db.execute("SELECT uuid FROM users WHERE username = ?", [username]).fetchone()
    if row is None:
        raise InvalidInput(f"ไม่พบผู้ใช้ {username}", f"no user {username}", field="username")
    with transaction(db):
        db.execute(
            "UPDATE users SET pw_hash = ? WHERE uuid = ?", [hash_password(new_password), row[0]]
        )
        audit(db, "reset_password", "user", row[0], None, {"username": username})


def _account(db: Database, username: str) -> User:
    name = (username or "").strip().lower()
    row = db.execute(
        "SELECT uuid, username, display_name, role, active FROM users WHERE username = ?", [name]
    ).fetchone()
    if row is None:
        raise InvalidInput(f"ไม่พบผู้ใช้ {name}", f"no user {name}", field="username")
    return User(row[0], row[1], row[2], row[3], bool(row[4]))


def _keep_an_administrator(db: Database, user: User) -> None:
    """There is no default account: losing the last active administrator would lock the
    office out of managing users for good, so it is refused."""
    others = db.execute(
        "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1 AND uuid != ?",
        [user.uuid],
    ).fetchone()[0]
    if user.role == "admin" and user.active and others == 0:
        raise InvalidInput(
            "ต้องมีผู้ดูแลระบบที่ใช้งานได้อย่างน้อยหนึ่งคน",
            "at least one active administrator must remain",
            field="username",
        )


def set_user_active(db: Database, username: str, active: bool) -> User:
    """Close the account of someone who left (or open it again); their records stay theirs."""
    from core.audit import audit
    from core.db import transaction

    require(db, "users.manage")
    user = _account(db, username)
    if user.active == active:
        return user
    if not active:
        if user.username == current_actor(db).username:
            raise InvalidInput(
                "ปิดบัญชีของตัวเองไม่ได้", "you cannot close your own account", field="username"
            )
        _keep_an_administrator(db, user)
    with transaction(db):
        db.execute("UPDATE users SET active = ? WHERE uuid = ?", [int(active), user.uuid])
        audit(db, "activate" if active else "deactivate", "user", user.uuid,
              {"username": user.username, "active": user.active},
              {"username": user.username, "active": active})  # fmt: skip
    return _account(db, username)


def set_user_role(db: Database, username: str, role: str) -> User:
    """Give a user another role (a promotion, a move to the guard desk)."""
    from core.audit import audit
    from core.db import transaction

    require(db, "users.manage")
    if role not in ROLES:
        raise InvalidInput(f"ไม่รู้จักบทบาท {role}", f"unknown role {role}", field="role")
    user = _account(db, username)
    if user.role == role:
        return user
    _keep_an_administrator(db, user)
    with transaction(db):
        db.execute("UPDATE users SET role = ? WHERE uuid = ?", [role, user.uuid])
        audit(db, "set_role", "user", user.uuid,
              {"username": user.username, "role": user.role},
              {"username": user.username, "role": role})  # fmt: skip
    return _account(db, username)


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
