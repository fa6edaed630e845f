"""The one error type for bad input, and the one for a database we refuse to open."""

from __future__ import annotations


def _field_name(field: str, lang: str) -> str:
    """A field as a Thai reader reads it: its Thai label, the key in brackets (a CSV file
    names its columns in English, so the key must stay findable). English keeps the key,
    which is the column's or the option's own name."""
    from core.i18n import catalogue

    if lang != "th":
        return field
    entry = catalogue().get(f"field.{field}")
    if entry is None and field[:1] == "i" and field[1:].isdigit():
        # A round's items i1..i20 (CSV columns): "ข้อ 3 (i3)".
        return f"{catalogue()['field.item_n']['th'].format(n=field[1:])} ({field})"
    if entry is None:
        return field
    return f"{entry['th']} ({field})"


class SalaError(Exception):
    """Base of the errors a person is meant to read, carrying Thai and English text."""

    def __init__(self, th: str, en: str, *, field: str | None = None, row: int | None = None):
        self.th = th
        self.en = en
        self.field = field
        self.row = row
        super().__init__(self.bilingual())

    def _where(self, lang: str) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"แถว {self.row}" if lang == "th" else f"row {self.row}")
        if self.field is not None:
            parts.append(("ช่อง " if lang == "th" else "field ") + _field_name(self.field, lang))
        return (", ".join(parts) + ": ") if parts else ""

    def message(self, lang: str = "th") -> str:
        text = self.th if lang == "th" else self.en
        return self._where(lang) + text

    def text(self, lang: str = "th") -> str:
        """The message without the row and field it names: shown beside that field."""
        return self.th if lang == "th" else self.en

    def bilingual(self) -> str:
        return f"{self.message('th')}\n{self.message('en')}"

    def at_row(self, row: int) -> SalaError:
        """The same error, naming the file row it came from (imports add it)."""
        return type(self)(self.th, self.en, field=self.field, row=row)


class InvalidInput(SalaError):
    """Input a person gave (a form, a CSV row, a command argument) breaks a rule."""


class DatabaseRefused(SalaError):
    """A database file we will not open: not SQLite, corrupt, or from a newer app."""


class DatabaseDamaged(DatabaseRefused):
    """A database file SQLite cannot read as a healthy database (damaged pages, a smashed
    header): what a backup is for. Its accounts are gone with it, so a restore over it is
    decided by an administrator of the backup (core.restore.accounts_for_restore)."""


class NotFound(SalaError):
    """A record named by the user does not exist."""


class Cancelled(Exception):  # noqa: N818 (a request, not a failure)
    """The person stopped long work (Cancel); raised from a progress callback.

    Not a SalaError: nothing was wrong with the input, and a domain function that
    turns refusals into other refusals must let it through.
    """
