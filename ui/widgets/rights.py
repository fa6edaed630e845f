"""Rights shown before the work: a control the signed-in role may not use is disabled
from the start, and its tooltip says which roles may (the domain refuses anyway)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from sqlite_utils import Database

from core.i18n import language, tr
from core.users import PERMISSIONS, ROLES, current_actor, role_name


def roles_that_may(permission: str) -> str:
    """ "หัวหน้าฝ่าย, ผู้ดูแลระบบ": the roles of the office that hold `permission`."""
    names = [role_name(r, language()) for r in ROLES if permission in PERMISSIONS.get(r, ())]
    return ", ".join(names)


def only_for(permission: str) -> str:
    """Why a control is disabled: which roles may use it."""
    return tr("win.rights.only", roles=roles_that_may(permission))


def permit(
    widget: QWidget, db: Database, permission: str, *, ready: bool = True, hint: str = ""
) -> bool:
    """Enable `widget` when the signed-in user may and it has something to act on
    (`ready`); the tooltip says why not (the roles that may, or `hint`). True if enabled."""
    may = current_actor(db).may(permission)
    widget.setEnabled(may and ready)
    if not may:
        widget.setToolTip(only_for(permission))
    elif not ready:
        widget.setToolTip(hint)
    else:
        widget.setToolTip("")
    return may and ready
