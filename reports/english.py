"""English reports of records kept in Thai (issue 16 point 5).

Points, standard items and plan steps have English names; guard posts and plan
evidence have them where the office gives one. What the office typed only in Thai
(an event's description, a place, a reason, a note) prints as written, and the
English report says which fields those are, so nobody takes them for an error.
"""

from __future__ import annotations

import re

from core.i18n import tr

_THAI = re.compile(r"[\u0e00-\u0e7f]")


class ThaiOnly:
    """Collects the fields an English report prints in Thai, for one note at its end."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.fields: list[str] = []

    def value(self, field: str, text: str | None) -> str:
        """`text` as printed; an English report remembers `field` if the text is Thai."""
        text = text or ""
        if self.lang == "en" and _THAI.search(text) and field not in self.fields:
            self.fields.append(field)
        return text

    def note(self) -> str | None:
        """ "Printed in Thai as recorded (no English text given): ..." or None."""
        if not self.fields:
            return None
        names = ", ".join(tr(f"rp.field.{f}", "en") for f in self.fields)
        return tr("rp.thai_only", "en", fields=names)
