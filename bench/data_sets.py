"""The scale data set: seeded once per size, kept, and copied afresh for every run.

Seeding 100,000 households takes minutes, so the seeded database is kept (SQLite: a file in
`bench/data/`; PostgreSQL: a database of its own) with the accounts file `flask seed-scale`
writes. The accounts file is moved into place last: its presence means the seed finished.
Every run then measures a fresh copy, so that the signups one run posts never weigh on the
next run's figures.
"""

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
from psycopg import sql

from .servers import ROOT

DATA = ROOT / "bench" / "data"
FLASK = [str(Path(sys.executable).parent / "flask"), "--app", "webapp"]


@dataclass(frozen=True)
class DataSet:
    db: str  # sqlite or postgresql
    households: int
    seed: int
    pg_server: str  # postgresql://user@host:port, without a database name

    @property
    def stem(self) -> str:
        return f"{self.db}-{self.households}-seed{self.seed}"

    @property
    def accounts_file(self) -> Path:
        return DATA / f"{self.stem}-accounts.json"

    @property
    def seeded_sqlite(self) -> Path:
        return DATA / f"{self.stem}.sqlite3"

    @property
    def run_sqlite(self) -> Path:
        return DATA / "run.sqlite3"

    @property
    def seeded_pg_name(self) -> str:
        return f"otagai_bench_{self.households}_seed{self.seed}"

    run_pg_name = "otagai_bench_run"

    def url(self, *, run: bool) -> str:
        """DATABASE_URL of the seeded database, or of the run's copy."""
        if self.db == "sqlite":
            return f"sqlite:///{self.run_sqlite if run else self.seeded_sqlite}"
        name = self.run_pg_name if run else self.seeded_pg_name
        return self.pg_server.replace("postgresql://", "postgresql+psycopg://", 1) + "/" + name


def _pg_admin(data: DataSet):
    return psycopg.connect(data.pg_server + "/postgres", autocommit=True)


def _pg_exists(data: DataSet, name: str) -> bool:
    with _pg_admin(data) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


def _pg_recreate(data: DataSet, name: str, *, template: str | None = None) -> None:
    with _pg_admin(data) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        conn.execute(create)


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# The data set is built around its seeding day (events three and four weeks ahead, open
# requests in the coming days): older than this, the pages would measure a past town.
MAX_AGE_DAYS = 7


def is_fresh(accounts_file: Path, *, today: date) -> bool:
    seeded = json.loads(accounts_file.read_text()).get("today")
    return seeded is not None and (today - date.fromisoformat(seeded)).days <= MAX_AGE_DAYS


def is_seeded(data: DataSet, *, today: date) -> bool:
    """The seeded database exists, finished, and is recent enough to reuse."""
    if not data.accounts_file.exists() or not is_fresh(data.accounts_file, today=today):
        return False
    if data.db == "sqlite":
        return data.seeded_sqlite.exists()
    return _pg_exists(data, data.seeded_pg_name)


def flask(args: list[str], *, env: dict[str, str]) -> None:
    subprocess.run([*FLASK, *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def seed(data: DataSet, env: dict[str, str]) -> None:
    """An empty database, migrated, then `flask seed-scale`; the accounts file last."""
    DATA.mkdir(parents=True, exist_ok=True)
    data.accounts_file.unlink(missing_ok=True)
    if data.db == "sqlite":
        _remove_sqlite(data.seeded_sqlite)
    else:
        _pg_recreate(data, data.seeded_pg_name)
    env = {**env, "DATABASE_URL": data.url(run=False)}
    flask(["db", "upgrade"], env=env)
    partial = data.accounts_file.with_suffix(".partial")
    flask(
        ["seed-scale", "--households", str(data.households), "--seed", str(data.seed),
         "--accounts-file", str(partial)],
        env=env,
    )  # fmt: skip
    if data.db == "postgresql":
        # What autovacuum does on its own in a settled database: planner statistics and the
        # visibility map (index-only scans). Copies made from this template keep both.
        with psycopg.connect(f"{data.pg_server}/{data.seeded_pg_name}", autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")
    partial.rename(data.accounts_file)


def fresh_copy(data: DataSet, env: dict[str, str]) -> str:
    """A copy of the seeded database for this run, brought to the current schema; its URL."""
    if data.db == "sqlite":
        _remove_sqlite(data.run_sqlite)
        # SQLite's backup API copies a consistent database, whatever state its WAL is in.
        with (
            sqlite3.connect(data.seeded_sqlite) as source,
            sqlite3.connect(data.run_sqlite) as copy,
        ):
            source.backup(copy)
        source.close()
        copy.close()
    else:
        _pg_recreate(data, data.run_pg_name, template=data.seeded_pg_name)
    url = data.url(run=True)
    flask(["db", "upgrade"], env={**env, "DATABASE_URL": url})
    # Statistics for indexes a migration added since the seed (the seed ends with ANALYZE too).
    if data.db == "sqlite":
        with sqlite3.connect(data.run_sqlite) as copy:
            copy.execute("ANALYZE")
        copy.close()
    else:
        with psycopg.connect(f"{data.pg_server}/{data.run_pg_name}", autocommit=True) as conn:
            conn.execute("ANALYZE")
    return url


@dataclass(frozen=True)
class Accounts:
    """What `flask seed-scale --accounts-file` tells the benchmark."""

    password: str
    admin: str  # member numbers
    coordinator: str
    member: str
    request_id: int  # a request of the member's, with a conversation
    thread_id: int | None
    full_event_id: int  # the event with 200 signups
    open_event_id: int  # an event taking signups
    area_id: int  # the coordinator's area
    month: str  # YYYY-MM, a month of that area with events


def load_accounts(path: Path) -> Accounts:
    raw = json.loads(path.read_text())
    return Accounts(
        password=raw["password"],
        admin=str(raw["admin"]),
        coordinator=str(raw["coordinator"]),
        member=str(raw["member"]),
        request_id=int(raw["request_id"]),
        thread_id=int(raw["thread_id"]) if raw.get("thread_id") else None,
        full_event_id=int(raw["full_event_id"]),
        open_event_id=int(raw["open_event_id"]),
        area_id=int(raw["area_id"]),
        month=str(raw["month"]),
    )


def clean_environment() -> dict[str, str]:
    """The caller's environment without what would change the app's behaviour under test."""
    dropped = ("DATABASE_URL", "FLASK_DEBUG", "OTAGAI_DEMO", "SITE_URL")
    return {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("MAIL_")}
