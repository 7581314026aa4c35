"""SQLite backups and restores that are safe while the site is running.

Backup: SQLite's online backup API copies the database page by page inside one read
transaction, so the copy is the database exactly as it was at one moment, while the site goes
on reading and writing (WAL lets the writer continue). The copy is written next to its target
under a temporary name, switched to a single self-contained file (no -wal/-shm companions),
checked with `PRAGMA integrity_check` and only then renamed into place.

Restore: the candidate file is checked first (an SQLite file, `PRAGMA integrity_check` ok, an
Alembic revision this code knows). The current database is then backed up beside itself
(`<name>.before-restore-<time>`), and the candidate is copied *into* the live database with
the same backup API. That goes through SQLite's own locking, so workers that are running at
that moment simply see the restored content on their next transaction; replacing the file on
disk instead would corrupt the database under them.

PostgreSQL has its own tools (`pg_dump`, `pg_restore`): see the README.

Error codes (BackupError.code): `not_sqlite`, `target_exists`, `missing`, `not_a_database`,
`integrity`, `no_revision`, `unknown_revision`, `page_size`.
"""

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

SQLITE_HEADER = b"SQLite format 3\x00"
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class BackupError(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Checked:
    """What `check_backup` found in a file."""

    path: Path
    revision: str
    is_head: bool
    size: int


def sqlite_path(database_uri: str) -> Path:
    """The file of an SQLite URL; BackupError('not_sqlite') for any other database."""
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError("not_sqlite", url.get_backend_name())
    return Path(url.database)


def known_revisions() -> tuple[set[str], set[str]]:
    """(every revision in this code's migrations, the head revisions)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    return {s.revision for s in script.walk_revisions()}, set(script.get_heads())


def _connect_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _integrity(conn: sqlite3.Connection) -> str:
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(r[0]) for r in rows[:5])


def backup_sqlite(database: Path, target: Path) -> Path:
    """Copy the live database `database` to the new file `target`; returns `target`."""
    target = Path(target)
    if target.exists():
        raise BackupError("target_exists", str(target))
    if not database.is_file():
        raise BackupError("missing", str(database))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(database, timeout=30)
    try:
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest)  # all pages in one step: one consistent snapshot
            dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            result = _integrity(dest)
        finally:
            dest.close()
    finally:
        source.close()
    if result != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError("integrity", result)
    os.replace(partial, target)
    return target


def check_backup(path: Path) -> Checked:
    """Everything that must hold before a file may replace the database."""
    path = Path(path)
    if not path.is_file():
        raise BackupError("missing", str(path))
    with path.open("rb") as f:
        if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError("not_a_database", str(path))
    try:
        conn = _connect_readonly(path)
        try:
            result = _integrity(conn)
            if result != "ok":
                raise BackupError("integrity", result)
            try:
                rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
            except sqlite3.DatabaseError:
                rows = []
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise BackupError("not_a_database", str(error)) from error
    if len(rows) != 1:
        raise BackupError("no_revision", str(path))
    revision = rows[0][0]
    revisions, heads = known_revisions()
    if revision not in revisions:
        raise BackupError("unknown_revision", revision)
    return Checked(
        path=path, revision=revision, is_head=revision in heads, size=path.stat().st_size
    )


def restore_sqlite(backup: Path, database: Path, *, now: datetime) -> tuple[Checked, Path | None]:
    """Put `backup` in place of the live `database` after checking it.

    Returns what was checked and where the previous database was saved (None when there was
    no previous database).
    """
    checked = check_backup(backup)
    saved = None
    if database.exists():
        saved = database.with_name(f"{database.name}.before-restore-{now:%Y%m%d-%H%M%S}")
        backup_sqlite(database, saved)
    source = _connect_readonly(checked.path)
    try:
        dest = sqlite3.connect(database, timeout=30)
        try:
            if database.exists() and saved is not None:
                _check_page_sizes(source, dest)
            source.backup(dest)
            result = _integrity(dest)
        finally:
            dest.close()
    finally:
        source.close()
    if result != "ok":  # pragma: no cover - the source was checked just before
        raise BackupError("integrity", result)
    return checked, saved


def _check_page_sizes(source: sqlite3.Connection, dest: sqlite3.Connection) -> None:
    """A WAL database can only receive pages of its own size."""
    (src_size,) = source.execute("PRAGMA page_size").fetchone()
    (dest_size,) = dest.execute("PRAGMA page_size").fetchone()
    (mode,) = dest.execute("PRAGMA journal_mode").fetchone()
    if src_size != dest_size and mode == "wal":
        raise BackupError("page_size", f"{src_size} != {dest_size}")
