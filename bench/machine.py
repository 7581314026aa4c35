"""What the figures were measured on: the machine, the versions, the commit."""

import os
import platform
import sqlite3
import subprocess
from importlib.metadata import version
from pathlib import Path

import psycopg

from .servers import ROOT


def _first(path: str, prefix: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def _command_output(args: list[str]) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError:
        return "not installed"
    return (done.stdout + done.stderr).strip().splitlines()[0] if done.stdout + done.stderr else ""


def machine() -> str:
    cpu = _first("/proc/cpuinfo", "model name") or platform.processor() or "unknown CPU"
    mem_kb = int((_first("/proc/meminfo", "MemTotal") or "0 kB").split()[0])
    return f"{cpu}, {os.cpu_count()} cores, {mem_kb / 1024 / 1024:.1f} GB memory"


def postgresql_version(server: str) -> str:
    try:
        with psycopg.connect(server + "/postgres", connect_timeout=3) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error:
        return "not reachable"


def versions(pg_server: str) -> str:
    wrk = _command_output(["wrk", "-v"]).split(" [")[0]
    nginx = _command_output(["nginx", "-v"]).rsplit("/", 1)[-1]
    parts = [
        f"Python {platform.python_version()}",
        f"SQLite {sqlite3.sqlite_version}",
        f"PostgreSQL {postgresql_version(pg_server)}",
        f"gunicorn {version('gunicorn')}",
        f"WeasyPrint {version('weasyprint')}",
        f"Flask {version('flask')}",
        f"SQLAlchemy {version('sqlalchemy')}",
        wrk,
        f"nginx {nginx}",
    ]
    return ", ".join(parts)


def commit() -> str:
    head = _command_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = _command_output(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"]
    )
    return f"{head} (with uncommitted changes)" if dirty else head
