"""The people tests act as. A connection nobody signed in on acts as the operating-system
account, which enters data and decides nothing (issue 15): a test of a decision says who
takes it."""

from core.users import Actor

HEAD = Actor("head", "section_head", "หัวหน้ากลุ่มงาน")
ADMIN = Actor("admin", "admin", "ผู้ดูแลระบบ")
INSPECTOR = Actor("somchai", "inspector", "สมชาย ใจดี")
SUPERVISOR = Actor("guard1", "guard_supervisor", "ผู้ควบคุม")

PASSWORD = "correct horse"


def add_accounts(db_path, monkeypatch, **roles: str) -> None:
    """Accounts for command-line tests (`name=role`), after the first administrator
    `admin`; SALA_PASSWORD then signs in any of them (all share PASSWORD)."""
    from core.db import open_db
    from core.users import act_as, create_user, has_users

    db = open_db(db_path)
    try:
        if not has_users(db):
            create_user(db, "admin", "ผู้ดูแลระบบ", "admin", PASSWORD)
        act_as(db, ADMIN)
        for name, role in roles.items():
            create_user(db, name, name, role, PASSWORD)
    finally:
        db.close()
    monkeypatch.setenv("SALA_PASSWORD", PASSWORD)
