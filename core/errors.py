"""The one error type for bad input, and the one for a database we refuse to open.

An error is built from a catalogue key and the values its message names, e.g.
`InvalidInput("rounds.score_range", field="i3", score=raw)`: the Thai and English text
come from the catalogue (resources/i18n/), never from the raise itself.
"""

from __future__ import annotations

from core.i18n import Localised, tr


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


class SalaError(Localised, Exception):
    """Base of the errors a person is meant to read, carrying Thai and English text.

    `key` names the message in the catalogue; `values` fill its {placeholders} (a value
    that is itself Localised, e.g. another SalaError, reads in the message's language).
    """

    def __init__(
        self, key: str, /, *, field: str | None = None, row: int | None = None, **values: object
    ) -> None:
        self.key = key
        self.values = values
        self.field = field
        self.row = row
        self.th = tr(key, "th", **values)
        self.en = tr(key, "en", **values)
        super().__init__(self.bilingual())

    def _where(self, lang: str) -> str:
        parts = []
        if self.row is not None:
            parts.append(tr("error.row", lang, row=self.row))
        if self.field is not None:
            parts.append(tr("error.field", lang, field=_field_name(self.field, lang)))
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
        # A copy, not type(self)(...): subclasses build themselves from other arguments.
        clone = type(self).__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.row = row
        Exception.__init__(clone, clone.bilingual())
        return clone

    def __reduce__(self) -> tuple[object, ...]:
        # Exception's own pickling calls __init__(*args) with the bilingual text as the key.
        return (_rebuilt, (type(self), dict(self.__dict__)))


def _rebuilt(kind: type[SalaError], state: dict[str, object]) -> SalaError:
    error = kind.__new__(kind)
    error.__dict__.update(state)
    Exception.__init__(error, error.bilingual())
    return error


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
