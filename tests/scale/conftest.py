"""A small scale seed on a database of the kind the tests run on (SQLite or PostgreSQL).

Seeding takes about a second, so the read-only tests of test_seed.py share one seed, kept in
a database of its own: the usual test database is emptied after every test.
"""

from datetime import date

import pytest
from sqlalchemy import create_engine, make_url, text

from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.scale.seed import seed_scale

TODAY = date(2026, 6, 10)
HOUSEHOLDS = 300


@pytest.fixture(scope="module")
def scale_app(app, tmp_path_factory):
    """The app on a database of its own, seeded once: (app, the Seed)."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    admin = name = None
    if url.get_backend_name() == "sqlite":
        own = f"sqlite:///{tmp_path_factory.mktemp('scale') / 'scale.sqlite3'}"
    else:
        name = f"{url.database}_scale"  # the database's name is already one per worker
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        own = url.set(database=name).render_as_string(hide_password=False)
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    scale = create_app({**config, "SQLALCHEMY_DATABASE_URI": own})
    with scale.app_context():
        db.create_all()
        state = seed_scale(households=HOUSEHOLDS, seed=7, today=TODAY)
        db.session.remove()
    yield scale, state
    with scale.app_context():
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def seeded(scale_app):
    """The seed of 300 households as of TODAY (the Seed: its timeline and what it built),
    with its database as the test's database."""
    scale, state = scale_app
    with scale.app_context():
        yield state
        db.session.remove()
