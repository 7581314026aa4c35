"""Keeping the monthly tallies (AreaMonth, AreaMonthKind) up to date, in the same transaction
as the change they count.

Two ways in:
- Rows added or removed through the ORM (households, memberships, requests, walk-ins, paper
  attendance) are counted by a session hook after each flush, so services, builders and
  the demo all count alike.
- Changes made with a conditional UPDATE (a request's status in help_requests.lifecycle, a
  check-in at the door) call `request_status_changed` and `attendance_changed` themselves.

Every change is an atomic `INSERT ... ON CONFLICT DO UPDATE SET n = n + delta`, so two
transactions counting into the same month never lose one another's count (PostgreSQL takes the
row lock; SQLite writes one transaction at a time).

What is counted, and in which month (town time):
- households and memberships: joined in the month of their creation, left in the month of
  their removal; a tally is never lowered when a row goes, the leaving is counted instead;
- requests: posted in the month they were posted, with their outcome (completed, cancelled,
  expired) counted against that same month, as the resolution rate needs;
- attendance: people (adults and children) and families checked in, in the month of the event.

An open request whose start has passed is expired even before anyone touches it (see
help_requests.lifecycle): the figures add those from the rows (figures.py), and housekeeping
writes the expiry back daily, so that count stays small.

`recount()` rebuilds every tally from the rows: for a database filled by bulk loading (the scale
seed), or to repair. It only knows rows that still exist: requests of deleted accounts and the
leaving of people are not in it.
"""

from datetime import date, datetime

from sqlalchemy import case, delete, event, func, insert, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..areas.models import Membership
from ..clock import TOWN_TZ
from ..clock import now as clock_now
from ..events.models import Event, Signup
from ..extensions import db
from ..help_requests.models import HelpRequest, RequestStatus
from ..households.models import Household
from .models import AreaMonth, AreaMonthKind

# Outcomes a request can reach, and their columns.
OUTCOMES = {
    RequestStatus.completed: "completed",
    RequestStatus.cancelled: "cancelled",
    RequestStatus.expired: "expired",
}


MONTH_COLUMNS = [
    c.name for c in AreaMonth.__table__.columns if c.name not in ("id", "area_id", "month")
]


def month_of(moment: datetime) -> date:
    """The first day of the town's month that `moment` falls in."""
    return moment.astimezone(TOWN_TZ).date().replace(day=1)


def _upsert(connection, model, keys: dict, deltas: dict) -> None:
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas:
        return
    dialect = connection.dialect.name
    insert_ = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert_(model).values(**keys, **deltas)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: getattr(model, name) + statement.excluded[name] for name in deltas},
    )
    connection.execute(statement)


def add(connection, area_id: int, month: date, **deltas: int) -> None:
    """Add to an area's month: `add(conn, 3, date(2026, 11, 1), members_joined=1)`."""
    _upsert(connection, AreaMonth, {"area_id": area_id, "month": month}, deltas)


def add_request(connection, area_id: int, month: date, kind: str, **deltas: int) -> None:
    """Add to the requests of one kind (posted, completed, cancelled, expired) and to the
    month's totals (requests_posted, ...)."""
    add(connection, area_id, month, **{f"requests_{k}": v for k, v in deltas.items()})
    keys = {"area_id": area_id, "month": month, "kind": str(kind)}
    _upsert(connection, AreaMonthKind, keys, deltas)


def _status_deltas(old: RequestStatus | None, new: RequestStatus | None) -> dict[str, int]:
    deltas: dict[str, int] = {}
    if old in OUTCOMES:
        deltas[OUTCOMES[old]] = -1
    if new in OUTCOMES:
        deltas[OUTCOMES[new]] = deltas.get(OUTCOMES[new], 0) + 1
    return deltas


def request_status_changed(help_request: HelpRequest, old: RequestStatus, new: RequestStatus):
    """Count a request's new outcome (called by the lifecycle after its UPDATE)."""
    add_request(
        db.session.connection(),
        help_request.area_id,
        month_of(help_request.created_at),
        help_request.kind,
        **_status_deltas(old, new),
    )


def attendance_changed(connection, event_id: int, *, people: int, groups: int) -> None:
    """Count people arriving at (or, negative, taken back from) an event."""
    area_id, starts_at = connection.execute(
        select(Event.area_id, Event.starts_at).where(Event.id == event_id)
    ).one()
    add(
        connection,
        area_id,
        month_of(starts_at),
        attendance_people=people,
        attendance_groups=groups,
    )


# The session hook ---------------------------------------------------------------------------
def _history_change(obj, attribute: str):
    """(old, new) when the attribute changed in this flush, else None."""
    history = db.inspect(obj).attrs[attribute].history
    if not history.has_changes():
        return None
    old = history.deleted[0] if history.deleted else None
    new = history.added[0] if history.added else None
    return old, new


def _count_new(connection, obj) -> None:
    if isinstance(obj, HelpRequest):
        add_request(
            connection,
            obj.area_id,
            month_of(obj.created_at),
            obj.kind,
            posted=1,
            **_status_deltas(None, obj.status),
        )
    elif isinstance(obj, Household):
        add(connection, obj.area_id, month_of(obj.created_at), households_joined=1)
    elif isinstance(obj, Membership):
        add(connection, obj.area_id, month_of(obj.created_at), members_joined=1)
    elif isinstance(obj, Signup) and obj.checked_in_at is not None:
        attendance_changed(connection, obj.event_id, people=obj.people, groups=1)


def _count_changed(connection, obj) -> None:
    if isinstance(obj, HelpRequest):
        change = _history_change(obj, "status")
        if change and change[0] != change[1]:
            deltas = _status_deltas(*change)
            add_request(connection, obj.area_id, month_of(obj.created_at), obj.kind, **deltas)
    elif isinstance(obj, Signup):
        change = _history_change(obj, "checked_in_at")
        if change and (change[0] is None) != (change[1] is None):
            sign = 1 if change[1] is not None else -1
            attendance_changed(connection, obj.event_id, people=sign * obj.people, groups=sign)


def _count_removed(connection, obj) -> None:
    month = month_of(clock_now())
    if isinstance(obj, Household):
        add(connection, obj.area_id, month, households_left=1)
    elif isinstance(obj, Membership):
        add(connection, obj.area_id, month, members_left=1)


@event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context) -> None:
    # The lists still hold what this flush wrote (SQLAlchemy keeps them until after it).
    watched = (HelpRequest, Household, Membership, Signup)
    new = [o for o in session.new if isinstance(o, watched)]
    dirty = [o for o in session.dirty if isinstance(o, (HelpRequest, Signup))]
    removed = [o for o in session.deleted if isinstance(o, (Household, Membership))]
    if not (new or dirty or removed):
        return
    connection = session.connection()
    for obj in new:
        _count_new(connection, obj)
    for obj in dirty:
        _count_changed(connection, obj)
    for obj in removed:
        _count_removed(connection, obj)


# Rebuilding from the rows --------------------------------------------------------------------
def month_expr(column, dialect: str):
    """SQL for the first day of the town's month of a UTC timestamp column, as 'YYYY-MM'."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("Asia/Tokyo", column), "YYYY-MM")
    # SQLite keeps UTC as text; Japan has no daylight saving time, so +9 hours is exact.
    return func.strftime("%Y-%m", column, literal_column("'+9 hours'"))


def parse_month(text: str) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def recount() -> None:
    """Rebuild every tally from the rows that exist now (see the module docstring)."""
    session = db.session
    dialect = session.get_bind().dialect.name
    session.execute(delete(AreaMonthKind))
    session.execute(delete(AreaMonth))
    months: dict[tuple[int, date], dict[str, int]] = {}

    def bucket(area_id, text) -> dict[str, int]:
        return months.setdefault((area_id, parse_month(text)), {})

    for model, column in ((Household, "households_joined"), (Membership, "members_joined")):
        month = month_expr(model.created_at, dialect)
        query = select(model.area_id, month, func.count()).group_by(model.area_id, month)
        for area_id, text, n in session.execute(query):
            bucket(area_id, text)[column] = n

    month = month_expr(HelpRequest.created_at, dialect)
    kinds = []
    query = select(
        HelpRequest.area_id,
        month,
        HelpRequest.kind,
        func.count(),
        *(func.sum(case((HelpRequest.status == s, 1), else_=0)) for s in OUTCOMES),
    ).group_by(HelpRequest.area_id, month, HelpRequest.kind)
    for area_id, text, kind, posted, *outcomes in session.execute(query):
        counts = {"posted": posted, **dict(zip(OUTCOMES.values(), outcomes, strict=True))}
        kinds.append({"area_id": area_id, "month": parse_month(text), "kind": str(kind), **counts})
        totals = bucket(area_id, text)
        for name, n in counts.items():
            totals[f"requests_{name}"] = totals.get(f"requests_{name}", 0) + int(n)

    month = month_expr(Event.starts_at, dialect)
    query = (
        select(
            Event.area_id, month, func.sum(Signup.adults + Signup.children), func.count(Signup.id)
        )
        .join(Event, Event.id == Signup.event_id)
        .where(Signup.checked_in_at.is_not(None))
        .group_by(Event.area_id, month)
    )
    for area_id, text, people, groups in session.execute(query):
        bucket(area_id, text).update(attendance_people=people, attendance_groups=groups)

    zero = dict.fromkeys(MONTH_COLUMNS, 0)
    rows = [{"area_id": a, "month": m, **zero, **counts} for (a, m), counts in months.items()]
    for chunk in _chunks(rows):
        session.execute(insert(AreaMonth), chunk)
    for chunk in _chunks(kinds):
        session.execute(insert(AreaMonthKind), chunk)


def _chunks(rows: list[dict], size: int = 5000):
    for i in range(0, len(rows), size):
        yield rows[i : i + size]
