"""The office a database belongs to, and the people who sign for it.

One database, one office (issue 18): its code travels in sync files and keys its
records on the city hub; its names head every report. The section head's name and
position print under the signature line of the summaries (issue 16): a report never
prints a login where a person's name belongs. All of it is an office setting, kept in
`settings` (audited like every setting), edited by an administrator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

from core.errors import InvalidInput
from core.i18n import tr

if TYPE_CHECKING:
    from sqlite_utils import Database

# The City Hall building office is the default: a database made before offices existed
# belongs to it, and nothing changes for it.
DEFAULT_CODE = "CH"
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,15}$")
MAX_TEXT = 200


@dataclass(frozen=True)
class Office:
    code: str
    name_th: str
    name_en: str
    head_name_th: str = ""
    head_name_en: str = ""
    head_position_th: str = ""
    head_position_en: str = ""

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en

    def head_name(self, lang: str) -> str:
        """The section head as printed; the Thai name stands in when no English one is given."""
        return (self.head_name_en if lang == "en" else "") or self.head_name_th

    def head_position(self, lang: str) -> str:
        return (self.head_position_en if lang == "en" else "") or self.head_position_th


def _key(field: str) -> str:
    return f"office.{field}"


def default_office() -> Office:
    return Office(DEFAULT_CODE, tr("rp.office", "th"), tr("rp.office", "en"))


def office(db: Database) -> Office:
    """The office of this database, defaults filled in for what was never set."""
    from core.settings import get_setting

    base = default_office()
    values = {f.name: get_setting(db, _key(f.name)) for f in fields(Office)}
    return replace(base, **{k: v for k, v in values.items() if v})


def _check(field: str, value: str) -> str:
    value = (value or "").strip()
    if field == "code":
        value = value.upper()
        if not CODE_PATTERN.match(value):
            raise InvalidInput("office.bad_code", field="office_code")
        return value
    if "\n" in value or "\r" in value or len(value) > MAX_TEXT:
        raise InvalidInput("office.bad_text", field=f"office_{field}", limit=MAX_TEXT)
    if field in ("name_th", "name_en") and not value:
        raise InvalidInput("office.name_required", field=f"office_{field}")
    return value


def set_office(db: Database, **changes: str) -> Office:
    """An administrator sets the office's code, names, and its section head's name and
    position; every value is checked before any is written, all in one transaction."""
    from core.actors import require
    from core.db import transaction
    from core.settings import set_setting

    require(db, "settings.edit")
    known = {f.name for f in fields(Office)}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise ValueError(f"unknown office fields: {unknown}")
    checked = {name: _check(name, value) for name, value in changes.items()}
    with transaction(db):
        for name, value in checked.items():
            set_setting(db, _key(name), value)
    return office(db)


def office_from(code: object, name_th: object, name_en: object) -> Office:
    """An office as another computer describes it (a sync file's manifest), checked as
    Settings checks what an administrator types; raises InvalidInput."""
    if not all(isinstance(v, str) for v in (code, name_th, name_en)):
        raise InvalidInput("office.bad_code", field="office_code")
    checked = {f: _check(f, v) for f, v in (("code", code), ("name_th", name_th),
                                            ("name_en", name_en))}  # fmt: skip
    if checked["code"] != code:
        # Settings would upper-case or trim it; a file must carry it as stored.
        raise InvalidInput("office.bad_code", field="office_code")
    return Office(**checked)
