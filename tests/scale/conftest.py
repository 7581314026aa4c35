"""A small scale seed on the test database (SQLite or PostgreSQL, like every test).

Seeding takes about a second, so test_seed.py seeds once for all its tests, which only read:
`_app_context` below replaces the one in tests/conftest.py and leaves the tables alone after
a test that uses `seeded`; the module's tables are emptied when the module is done.
"""

from datetime import date

import pytest

from tests.conftest import _empty_all_tables
from webapp.extensions import db, limiter
from webapp.scale.seed import seed_scale

TODAY = date(2026, 6, 10)
HOUSEHOLDS = 300


@pytest.fixture(scope="module")
def seeded(app):
    """The seed of 300 households, as of TODAY; the Seed (its timeline and what it built)."""
    with app.app_context():
        state = seed_scale(households=HOUSEHOLDS, seed=7, today=TODAY)
    yield state
    with app.app_context():
        _empty_all_tables()
        db.session.remove()


@pytest.fixture(autouse=True)
def _app_context(app, request):
    with app.app_context():
        limiter.reset()
        yield
        db.session.rollback()
        db.session.remove()
        if "seeded" not in request.fixturenames:
            _empty_all_tables()
            db.session.remove()
