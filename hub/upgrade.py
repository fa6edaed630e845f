"""`hub init`: the schema upgraded and every office's stored score computed again.

Above both hub.schema and hub.score, so that neither imports the other.
"""

from __future__ import annotations

import psycopg

from hub.schema import migrate, office_schemas
from hub.score import store_scores


def init(conn: psycopg.Connection) -> list[str]:
    """Create or upgrade the hub's schema; the names of the migrations applied now."""
    with conn.transaction():
        done = migrate(conn)
        # The rules may have changed with the app: every stored score is computed again,
        # in the upgrade's transaction (its advisory lock held), so no reader sees the old.
        for code in office_schemas(conn):
            store_scores(conn, code)
    return done
