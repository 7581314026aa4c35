"""unindexed(): a filter term that SQLite must not search by, and nothing else changes."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from webapp.extensions import db
from webapp.help_requests.models import HelpRequest
from webapp.planner import unindexed


def sql(query, dialect) -> str:
    return str(query.compile(dialect=dialect)).replace("\n", " ")


def test_sqlite_gets_the_unary_plus_and_postgresql_the_plain_column():
    query = select(func.count()).where(unindexed(HelpRequest.area_id).in_([1, 2]))
    assert "+help_requests.area_id IN" in sql(query, sqlite.dialect())
    assert "WHERE help_requests.area_id IN" in sql(query, postgresql.dialect())


def test_values_are_bound_as_the_columns_type(app):
    # SQLite keeps datetimes as text: a comparison only works if the value is written the
    # way the column writes it.
    when = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
    compared = unindexed(HelpRequest.created_at) >= when
    assert compared.right.type._type_affinity is HelpRequest.created_at.type._type_affinity


def test_sqlite_then_plans_through_another_index(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query planner; CI runs it in its SQLite pass")
    query = select(HelpRequest.id).where(
        HelpRequest.status == "open",
        unindexed(HelpRequest.area_id) == 1,
    )
    compiled = query.compile(db.engine)
    with db.engine.connect() as connection:
        plan = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + str(compiled), tuple(compiled.params.values())
        ).all()
    detail = " ".join(row[-1] for row in plan)
    assert "ix_help_requests_status" in detail
    assert "area" not in detail
