"""The one error type for bad input, and the one for a database we refuse to open."""

from __future__ import annotations


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
            parts.append(f"ช่อง {self.field}" if lang == "th" else f"field {self.field}")
        return (", ".join(parts) + ": ") if parts else ""

    def message(self, lang: str = "th") -> str:
        text = self.th if lang == "th" else self.en
        return self._where(lang) + text

    def bilingual(self) -> str:
        return f"{self.message('th')}\n{self.message('en')}"

    def at_row(self, row: int) -> SalaError:
        """The same error, naming the file row it came from (imports add it)."""
        return type(self)(self.th, self.en, field=self.field, row=row)


class InvalidInput(SalaError):
    """Input a person gave (a form, a CSV row, a command argument) breaks a rule."""


class DatabaseRefused(SalaError):
    """A database file we will not open: not SQLite, corrupt, or from a newer app."""


class NotFound(SalaError):
    """A record named by the user does not exist."""
