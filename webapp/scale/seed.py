"""The scale seed: `seed_scale(households=N)` fills an empty database with a national-scale
data set (for N = 100,000: about 250,000 adults, 150,000 children, 500 areas, a million
requests with their offers, conversations and reports, 30,000 events with 600,000 signups).

It is a list of named steps, one per group of tables, run in order inside one transaction
(all or nothing) on one connection, `Seed.conn`, through a bulk writer (bulk.py). A step is a
function `step(seed)`; adding one is one line in STEPS. Steps read what earlier ones built
from the Seed (world.py), never from the database. Work that needs the ORM session on the
finished data goes in AFTER_COMMIT.

Rows take their values from the builders' `x_values()` functions (webapp/builders.py), the
same code the tests and the demo use. The same seed on the same day builds the same rows
(except the secrets: session tokens and the password hash's salt).
"""

import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date

from sqlalchemy import select

from .. import clock
from ..areas.models import Area, Membership
from ..connections.models import Connection
from ..events.models import Event, Signup
from ..extensions import db
from ..help_requests.models import ActivityReport, HelpOffer, HelpRequest, help_request_children
from ..households.models import Child, Household, Person
from ..offers.models import Offer
from ..reports import tally
from ..supporters.models import TrainingModule, TrainingRecord
from ..threads.models import Message, Thread
from .asking import seed_requests
from .bench import seed_bench_fixtures
from .bulk import BulkWriter
from .community import seed_connections, seed_member_offers, seed_memberships
from .gatherings import seed_events
from .people import seed_areas, seed_households
from .world import Seed

Step = tuple[str, Callable[[Seed], None]]
STEPS: list[Step] = [
    ("areas and staff", seed_areas),
    ("households, adults and children", seed_households),
    ("memberships, supporters and training", seed_memberships),
    ("connections", seed_connections),
    ("offers (できること)", seed_member_offers),
    ("requests, offers to help, conversations, reports", seed_requests),
    ("events and signups", seed_events),
    ("benchmark fixtures", seed_bench_fixtures),
]


def _monthly_figures(_seed: Seed) -> None:
    """The dashboard's monthly tallies, counted from the rows the steps wrote in bulk (bulk
    inserts bypass the session hook that keeps them up to date)."""
    tally.recount()
    db.session.commit()


AFTER_COMMIT: list[Step] = [("monthly figures of each area", _monthly_figures)]

# The tables the steps write (their secondary indexes are rebuilt once, at the end).
MODELS = [
    Area, Person, Household, Child, Membership, TrainingModule, TrainingRecord, Connection,
    Offer, HelpRequest, help_request_children, HelpOffer, Thread, Message, ActivityReport,
    Event, Signup,
]  # fmt: skip


class SeedRefused(Exception):
    """The database already has people: the scale seed only fills an empty one."""


def seed_scale(*, households: int, seed: int = 1, today: date | None = None, report=None) -> Seed:
    """Build the data set and commit it; `report(step, seconds)` hears about each step."""
    if db.session.scalar(select(Person.id).limit(1)) is not None:
        raise SeedRefused()
    db.session.rollback()
    report = report or (lambda _name, _seconds: None)
    with _bulk_transaction() as conn:
        writer = BulkWriter(conn, MODELS)
        state = Seed(
            households=households, seed=seed, today=today or clock.today(), conn=conn, writer=writer
        )
        _timed(report, "dropping indexes for the load", writer.drop_indexes)
        for name, step in STEPS:
            _timed(report, name, lambda step=step: (step(state), writer.flush()))
        _timed(report, "creating indexes", writer.create_indexes)
        writer.advance_sequences()
    for name, step in AFTER_COMMIT:
        _timed(report, name, lambda step=step: step(state))
    _timed(report, "ANALYZE", _analyze)
    return state


def _timed(report, name: str, work) -> None:
    started = time.perf_counter()
    work()
    report(name, time.perf_counter() - started)


@contextmanager
def _bulk_transaction():
    """One connection and one transaction for the whole load, tuned for it.

    SQLite: `synchronous = OFF` for the duration (a crash mid-seed loses the seed, which is
    all or nothing anyway), a large page cache, sorting in memory on both cores for the index
    builds. PostgreSQL: no waiting for the WAL flush at commit, more memory for index builds.
    """
    engine = db.engine
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        if sqlite:
            for pragma in ("synchronous = OFF", "cache_size = -500000", "temp_store = MEMORY"):
                driver.execute(f"PRAGMA {pragma}")
            driver.execute("PRAGMA threads = 2")
        try:
            with conn.begin():
                if not sqlite:
                    conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
                    conn.exec_driver_sql("SET LOCAL maintenance_work_mem TO '512MB'")
                yield conn
        finally:
            if sqlite:
                driver.execute("PRAGMA synchronous = NORMAL")
                driver.execute("PRAGMA cache_size = -2000")


def _analyze() -> None:
    """Statistics for the query planner, now that the tables have their size."""
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
        if conn.dialect.name == "sqlite":
            # The load went through the write-ahead log: fold it into the file and empty it.
            conn.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
