"""Database connection rules: SQLite pragmas, write transactions that take the lock first,
and no "database is locked" when several workers read then write at the same time."""

import threading

import pytest
from sqlalchemy import event, select, text

from tests.factories import make_area, make_person
from webapp.areas.models import Area
from webapp.db import write_transaction
from webapp.extensions import db

pytestmark = pytest.mark.usefixtures("app")


def _sqlite(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


def test_sqlite_pragmas(app):
    if not _sqlite(app):
        pytest.skip("SQLite-only pragmas; this run uses PostgreSQL")
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 15000


def _begin_statements(app, method):
    seen = []

    def spy(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        with app.test_request_context("/", method=method), app.app_context():
            db.session.execute(select(1))
            db.session.rollback()
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)
    return seen


def test_posts_take_the_write_lock_first_views_do_not(app):
    if not _sqlite(app):
        pytest.skip("BEGIN IMMEDIATE is how SQLite serialises writers; PostgreSQL uses row locks")
    assert _begin_statements(app, "POST") == ["BEGIN IMMEDIATE"]
    assert _begin_statements(app, "GET") == ["BEGIN"]


def test_write_transaction_block(app):
    area = make_area()
    db.session.commit()
    with write_transaction():
        db.session.get(Area, area.id).kpi_members = 7
    db.session.expire_all()
    assert db.session.get(Area, area.id).kpi_members == 7


def test_foreign_keys_are_enforced(app):
    from sqlalchemy.exc import IntegrityError

    from webapp.households.models import Household

    db.session.add(Household(area_id=987654))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_concurrent_read_then_write_never_fails(app, make_client):
    """Eight desks save settings of one area at once, each reading it first, twenty times."""
    area = make_area()
    admins = [make_person(with_household=False, role=None, is_admin=True) for _ in range(8)]
    db.session.commit()
    clients = []
    for admin in admins:
        c = make_client()
        c.sign_in(admin)
        c.csrf_token()
        clients.append(c)
    statuses: list[int] = []
    lock = threading.Lock()

    url, name = f"/areas/{area.id}/edit", area.name

    def desk(c, n):
        for i in range(20):
            r = c.post_form(
                url,
                {
                    "name": name,
                    "thank_you_min_yen": "500",
                    "thank_you_max_yen": str(700 + n * 20 + i),
                    "insured_age_min": "1",
                    "insured_age_max": "18",
                    "request_audience": "connections",
                },
            )
            with lock:
                statuses.append(r.status_code)

    threads = [threading.Thread(target=desk, args=(c, n)) for n, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302] * 160


def _postgresql(app):
    if _sqlite(app):
        pytest.skip("PostgreSQL's transactions; CI runs it in its PostgreSQL pass")


def _prepared_here() -> int:
    return db.session.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()


def test_postgresql_keeps_statements_prepared_across_read_only_transactions(app):
    _postgresql(app)
    make_area(name="Prepared")
    db.session.commit()
    query = select(Area.id).where(Area.name == "Prepared")
    for _ in range(7):  # psycopg prepares on the sixth run of a statement on a connection
        assert db.session.execute(query).scalar() is not None
        db.session.rollback()  # as every page view ends
    assert _prepared_here() >= 1
    db.session.rollback()


def test_postgresql_rolls_back_what_wrote_and_what_failed(app):
    _postgresql(app)
    area = make_area(name="Before")
    db.session.commit()

    db.session.get(Area, area.id).name = "Changed"
    db.session.flush()
    db.session.rollback()
    assert db.session.get(Area, area.id).name == "Before"

    # A write that follows reads in the same transaction is rolled back too.
    assert db.session.execute(select(Area.name).where(Area.id == area.id)).scalar() == "Before"
    db.session.execute(text("UPDATE areas SET name = 'Changed' WHERE id = :id"), {"id": area.id})
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Area, area.id).name == "Before"

    # So is a write that went around the ORM, as the scale seed's COPY does.
    assert db.session.execute(select(Area.name).where(Area.id == area.id)).scalar() == "Before"
    driver = db.session.connection().connection.driver_connection
    driver.execute("UPDATE areas SET name = 'Changed' WHERE id = %s", (area.id,))
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Area, area.id).name == "Before"

    # A failed transaction is rolled back and the session goes on.
    with pytest.raises(Exception, match="no_such_table"):
        db.session.execute(text("SELECT * FROM no_such_table"))
    db.session.rollback()
    assert db.session.execute(select(Area.name).where(Area.id == area.id)).scalar() == "Before"
    db.session.rollback()
