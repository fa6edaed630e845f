"""Reaching the hub's PostgreSQL: a connection string checked, never printed with its
password, and every way of failing to connect turned into a message (exit 2)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from core.errors import InvalidInput

# Where the connection string may come from instead of --pg, so that a password never
# has to be typed on a command line (which other users of the server can read).
ENV_URL = "SALA_HUB_PG"


class HubUnavailable(InvalidInput):
    """The hub's database cannot be reached or is not a hub (yet): exit 2 with a message."""


def resolve_url(given: str | None) -> str:
    url = given or os.environ.get(ENV_URL, "")
    if not url.strip():
        raise HubUnavailable("hub.no_url", field="--pg", env=ENV_URL)
    return url


def _parts(url: str) -> dict[str, str]:
    try:
        return {k: str(v) for k, v in conninfo_to_dict(url).items()}
    except psycopg.ProgrammingError:
        raise HubUnavailable("hub.bad_url", field="--pg") from None


def redact(url: str) -> str:
    """The connection string as it may be shown: everything but the password."""
    try:
        parts = {k: v for k, v in _parts(url).items() if k != "password"}
    except HubUnavailable:
        return "?"
    return make_conninfo(**parts)


def _scrub(text: str, url: str) -> str:
    """A driver's message without the password, should a message ever quote it."""
    try:
        password = _parts(url).get("password")
    except HubUnavailable:
        password = None
    text = text.replace(url, redact(url))
    return text.replace(password, "********") if password else text


def unavailable(exc: Exception, url: str) -> HubUnavailable:
    reason = _scrub(
        str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__, url
    )
    where = redact(url)
    return HubUnavailable("hub.unreachable", field="--pg", where=where, reason=reason)


def connect(url: str) -> psycopg.Connection:
    """A connection in autocommit mode: every write opens its own transaction."""
    parts = _parts(url)
    parts.setdefault("connect_timeout", "10")
    parts.setdefault("application_name", "sala-rounds-hub")
    try:
        return psycopg.connect(make_conninfo(**parts), autocommit=True)
    except psycopg.Error as exc:
        raise unavailable(exc, url) from None


@contextmanager
def connected(given: str | None) -> Iterator[psycopg.Connection]:
    url = resolve_url(given)
    conn = connect(url)
    try:
        yield conn
    except psycopg.OperationalError as exc:
        # The server went away mid-way (restarted, network lost): nothing half-written
        # stays, since every write is one transaction.
        raise unavailable(exc, url) from None
    finally:
        conn.close()
