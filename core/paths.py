"""Where the database lives by default: the platform's per-user data folder.

Apart from core.db so that the window can name its file and paint its frame
before anything that opens a database (sqlite-utils among it) is imported.
"""

from __future__ import annotations

from pathlib import Path

APP_NAME = "sala-rounds"


def default_db_path() -> Path:
    """The database in the platform's per-user data folder (AppData on Windows)."""
    import platformdirs  # 5 ms: only when no --db names the file

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "sala-rounds.db"
