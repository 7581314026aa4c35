"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL,
and can be undone."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, make_url, text

import webapp.models  # noqa: F401  (every table in the metadata)
from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db


@pytest.fixture
def empty_database_url(app, tmp_path):
    """A brand-new database of the same kind the tests run on."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"{url.database}_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _diff(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_match_models_and_downgrade(empty_database_url):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = empty_database_url
    migrated = create_app(config)
    with migrated.app_context():
        upgrade()
        diff = _diff(db.engine)
        assert diff == [], f"models and migrations disagree: {diff}"
        downgrade(revision="base")
        with db.engine.connect() as conn:
            tables = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        db.engine.dispose()


def test_upgrading_keeps_existing_rows(empty_database_url):
    """Migrations that rebuild a table (SQLite batch mode) must not cascade-delete the rows of
    other tables that point at it."""
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = empty_database_url
    migrated = create_app(config)
    with migrated.app_context():
        upgrade(revision="aa02fad6162f")  # people, areas, memberships, notifications exist
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO areas (id, name, thank_you_min_yen, thank_you_max_yen, "
                    "insured_age_min, insured_age_max, request_audience, created_at) "
                    "VALUES (1, '美園', 500, 700, 1, 18, 'connections', CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO people (id, name, display_name, session_token, is_admin, "
                    "created_at) VALUES (1, '山田 花子', 'はなこ', 't', false, CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO memberships (person_id, area_id, role, created_at) "
                    "VALUES (1, 1, 'member', CURRENT_TIMESTAMP)"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM memberships")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM people")).scalar() == 1
            if db.engine.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()
