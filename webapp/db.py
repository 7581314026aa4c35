"""Database connection rules that SQLAlchemy does not set for us.

SQLite: WAL (readers never block the writer), foreign keys on, a busy timeout, and -- the part
that matters with several gunicorn workers -- write transactions begin with BEGIN IMMEDIATE.
A deferred transaction that reads and then writes fails at once with "database is locked"
when another worker committed in between (SQLite cannot wait for a stale snapshot), whereas
BEGIN IMMEDIATE takes the write lock first and waits politely for the busy timeout.

A transaction is a write transaction when it runs inside a request that may change data
(POST, PUT, PATCH, DELETE) or inside `write_transaction()`. Plain page views stay deferred so
that readers never queue behind one another.

PostgreSQL: psycopg prepares a statement on the server once a connection has run it five
times, so that PostgreSQL stops planning it again (planning a page's joins costs more than
running them). But psycopg forgets every prepared statement whenever a transaction is rolled
back, and every page view ends with a rollback (the session's, then the pool's), so nothing
stayed prepared from one request to the next. A transaction that has only read ends the same
way whether it commits or rolls back; so such a transaction (PostgreSQL has given it no
transaction id) is committed instead, and the rollback that follows finds nothing to do. A
transaction that wrote anything is rolled back as asked.
"""

import contextvars
from contextlib import contextmanager

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)


def wants_write_lock() -> bool:
    if _write_intent.get():
        return True
    return has_request_context() and request.method not in SAFE_METHODS


@contextmanager
def write_transaction():
    """Run the block in a transaction that holds the write lock from its first statement.

    Ends the current transaction first (commit), so that the block starts a fresh one. Commits
    at the end of the block, rolls back on error.
    """
    db.session.commit()
    token = _write_intent.set(True)
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _write_intent.reset(token)


def configure_engine(engine: Engine, *, busy_timeout_ms: int) -> None:
    if engine.dialect.name == "postgresql":
        _keep_prepared_statements(engine)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (the pysqlite driver would
        # otherwise start deferred transactions on its own schedule).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if wants_write_lock() else "BEGIN")


def _keep_prepared_statements(engine: Engine) -> None:
    from psycopg.pq import TransactionStatus

    @event.listens_for(engine, "rollback")
    def _commit_what_only_read(connection):
        driver = connection.connection.driver_connection
        if driver.info.transaction_status != TransactionStatus.INTRANS:
            return  # nothing open, or a failed transaction, which must really be rolled back
        # PostgreSQL gives a transaction an id at its first write, whichever way it came
        # (the ORM, a raw cursor, COPY): without one, it has only read.
        if driver.execute("SELECT pg_current_xact_id_if_assigned()").fetchone()[0] is None:
            driver.commit()


def init_app(app) -> None:
    with app.app_context():
        configure_engine(db.engine, busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"])
