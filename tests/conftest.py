"""Shared fixtures: the app on a fresh database, clients that sign in and post forms with
their CSRF token, query counting, and a live server for browser and concurrency tests.

Tests run on SQLite by default. With DATABASE_URL pointing at PostgreSQL, the same tests run
there (the CI does both).
"""

import os
import re
import threading
from contextlib import contextmanager

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, make_url, text
from werkzeug.serving import make_server

from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import cache, db, limiter

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _database_url(tmp_path_factory) -> str:
    """SQLite in a temporary folder, or DATABASE_URL. Parallel workers (pytest-xdist) each get
    a database of their own: `<name>_gw0`, `<name>_gw1`, ... created next to the given one."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    if url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def _drop_worker_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One app and one schema for the whole run; each test starts from empty tables."""
    app = create_app(
        {**_config_dict(TestConfig), "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory)}
    )
    with app.app_context():
        import webapp.models  # noqa: F401  (every table)

        db.drop_all()
        db.create_all()
    app.test_client_class = FormClient
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    _drop_worker_database(app.config["SQLALCHEMY_DATABASE_URI"])


def _config_dict(cls) -> dict:
    return {k: getattr(cls, k) for k in dir(cls) if k.isupper()}


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        db.session.execute(text("PRAGMA foreign_keys = OFF"))
        for table in tables:
            db.session.execute(table.delete())
        db.session.execute(text("PRAGMA foreign_keys = ON"))
    db.session.commit()


@pytest.fixture(autouse=True)
def _app_context(app):
    """Every test runs inside an app context, on empty tables, with fresh rate limits."""
    with app.app_context():
        limiter.reset()
        cache.clear()
        yield
        db.session.rollback()
        db.session.remove()
        _empty_all_tables()
        db.session.remove()


class FormClient(FlaskClient):
    """A test client that knows its CSRF token: `client.post_form(url, data)`.

    Each request runs in its own app context, as in production: a fresh `g` and a fresh
    database session. The test's own session is committed first, so the request sees what the
    test built, and the test sees the request's changes afterwards.
    """

    _csrf_token: str | None = None

    def open(self, *args, **kwargs):
        if has_app_context():  # not in worker threads of concurrency tests
            db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        if self._csrf_token is None:
            page = self.get("/")
            match = CSRF_RE.search(page.get_data(as_text=True))
            assert match, "no CSRF token on the home page"
            self._csrf_token = match.group(1)
        return self._csrf_token

    def post_form(self, url, data=None, *, htmx=False, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        headers = kwargs.pop("headers", {})
        if htmx:
            headers = {"HX-Request": "true", **headers}
        return self.post(url, data=data, headers=headers, **kwargs)

    def sign_in(self, person, password="password123"):
        response = self.post_form(
            "/sign-in", {"identifier": person.member_number, "password": password}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        self._csrf_token = None  # the session changed; fetch a fresh token next time
        return response


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_client(app):
    """More clients (several people at once)."""
    return app.test_client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@contextmanager
def count_queries():
    """Count the SQL statements run inside the block: `with count_queries() as queries:`."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if (
            not statement.lstrip()
            .upper()
            .startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA"))
        ):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture(scope="session")
def live_server(app):
    """The app served on a free local port in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
