"""Reading events and signups for pages, sheets and feeds: plain rows, a bounded number of
queries whatever the number of events or signups, keyset pagination (no COUNT per page).
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, bindparam, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from .. import clock
from ..areas.models import Role
from ..connections.models import Connection
from ..extensions import db
from ..households.models import Person
from ..text import nfkc, strip_separators
from .models import Event, EventStaff, EventStatus, Signup, SignupStatus

PUBLIC_STATUSES = (EventStatus.published, EventStatus.closed, EventStatus.cancelled)
PAGE_SIZE = 20
SEARCH_LIMIT = 200


def to_katakana(text: str) -> str:
    """ひらがな → カタカナ, so that a reading typed either way is found."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


@dataclass
class Places:
    """Places of one event: capacity, taken, left, and how many wait."""

    capacity: int
    taken: int
    waiting: int

    @property
    def left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def full(self) -> bool:
        return self.left == 0 or self.waiting > 0


def read_rows(statement, **params) -> list:
    """The rows of a prebuilt read-only statement, run on the session's connection: on the
    busiest pages (the door, the public event page), building a statement and passing its
    rows through the ORM cost more than the query itself. Nothing is flushed first: use it
    where nothing is pending (page loads, after a commit)."""
    return db.session.connection().execute(statement, params).all()


_PLACES = (
    select(
        Signup.event_id,
        Signup.status,
        func.count(Signup.id),
        func.coalesce(func.sum(Signup.adults + Signup.children), 0),
    )
    .where(
        Signup.event_id.in_(bindparam("event_ids", expanding=True)),
        Signup.status.in_([SignupStatus.confirmed, SignupStatus.waitlisted]),
    )
    .group_by(Signup.event_id, Signup.status)
)


def places_for(events: list[Event]) -> dict[int, Places]:
    """Places of many events in one query."""
    ids = [e.id for e in events]
    if not ids:
        return {}
    rows = read_rows(_PLACES, event_ids=ids)
    tally: dict[tuple[int, SignupStatus], tuple[int, int]] = {
        (event_id, status): (groups, people) for event_id, status, groups, people in rows
    }
    result = {}
    for event in events:
        index = 1 if event.counts_people else 0
        taken = tally.get((event.id, SignupStatus.confirmed), (0, 0))[index]
        waiting = tally.get((event.id, SignupStatus.waitlisted), (0, 0))[0]
        result[event.id] = Places(capacity=event.capacity, taken=taken, waiting=waiting)
    return result


_EVENT_WITH_AREA = (
    select(Event).options(joinedload(Event.area)).where(Event.id == bindparam("event_id"))
)


def event_with_area(event_id: int) -> Event | None:
    """The event and its area in one prebuilt query (every event page starts with it)."""
    return db.session.scalars(_EVENT_WITH_AREA, {"event_id": event_id}).one_or_none()


def db_rows(query) -> list:
    return db.session.execute(query).all()


def db_scalars(query) -> list:
    return list(db.session.scalars(query))


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The first moment of the month and of the next, in the town's time zone."""
    first = datetime.combine(date(year, month, 1), time(0), tzinfo=clock.TOWN_TZ)
    days = calendar.monthrange(year, month)[1]
    return first, first + timedelta(days=days)


def _after(cursor: tuple[datetime, int] | None):
    if cursor is None:
        return None
    starts_at, event_id = cursor
    return or_(Event.starts_at > starts_at, and_(Event.starts_at == starts_at, Event.id > event_id))


def public_events(
    *,
    area_id: int | None = None,
    month: tuple[int, int] | None = None,
    after: tuple[datetime, int] | None = None,
    now: datetime | None = None,
    limit: int = PAGE_SIZE,
) -> tuple[list[Event], tuple[datetime, int] | None]:
    """Events the public may see, soonest first: of one month, or from today on. Returns the
    page and the cursor of the next page (None at the end)."""
    query = (
        select(Event)
        .options(selectinload(Event.area))
        .where(Event.status.in_(PUBLIC_STATUSES))
        .order_by(Event.starts_at, Event.id)
    )
    if area_id is not None:
        query = query.where(Event.area_id == area_id)
    if month is not None:
        start, end = month_bounds(*month)
        query = query.where(Event.starts_at >= start, Event.starts_at < end)
    else:
        query = query.where(Event.ends_at >= (now or clock.now()))
    if after is not None:
        query = query.where(_after(after))
    events = db_scalars(query.limit(limit + 1))
    more = len(events) > limit
    events = events[:limit]
    cursor = (events[-1].starts_at, events[-1].id) if more else None
    return events, cursor


def month_events(area_id: int, year: int, month: int) -> list[Event]:
    """The published (and closed) events of an area in one month, for the notice board."""
    start, end = month_bounds(year, month)
    return db_scalars(
        select(Event)
        .where(
            Event.area_id == area_id,
            Event.status.in_([EventStatus.published, EventStatus.closed]),
            Event.starts_at >= start,
            Event.starts_at < end,
        )
        .order_by(Event.starts_at, Event.id)
    )


def staff_events(
    person: Person,
    *,
    past: bool = False,
    after: tuple[datetime, int] | None = None,
    now: datetime | None = None,
    limit: int = PAGE_SIZE,
) -> tuple[list[Event], tuple[datetime, int] | None]:
    """Events the person runs: their coordinator areas' and those they are staff of.
    Upcoming ones soonest first; past ones latest first."""
    now = now or clock.now()
    query = select(Event).options(selectinload(Event.area))
    if not person.is_admin:
        mine = select(EventStaff.event_id).where(EventStaff.person_id == person.id)
        query = query.where(
            or_(Event.area_id.in_(person.area_ids_with(Role.coordinator)), Event.id.in_(mine))
        )
    if past:
        query = query.where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id.desc())
        if after is not None:
            starts_at, event_id = after
            query = query.where(
                or_(
                    Event.starts_at < starts_at,
                    and_(Event.starts_at == starts_at, Event.id < event_id),
                )
            )
    else:
        query = query.where(Event.ends_at >= now).order_by(Event.starts_at, Event.id)
        if after is not None:
            query = query.where(_after(after))
    events = db_scalars(query.limit(limit + 1))
    more = len(events) > limit
    events = events[:limit]
    return events, ((events[-1].starts_at, events[-1].id) if more else None)


def _with_people():
    return (
        selectinload(Signup.entered_by).selectinload(Person.memberships),
        selectinload(Signup.person),
    )


def signups_by_status(event: Event) -> dict[SignupStatus, list[Signup]]:
    """Every signup of the event, in order of arrival, grouped by status (one query, plus
    the people who entered them)."""
    groups: dict[SignupStatus, list[Signup]] = {status: [] for status in SignupStatus}
    rows = db_scalars(
        select(Signup)
        .options(*_with_people())
        .where(Signup.event_id == event.id)
        .order_by(Signup.id)
    )
    for signup in rows:
        groups[signup.status].append(signup)
    return groups


@dataclass
class Counts:
    """Live counts for the door, in groups (families) and people."""

    confirmed_groups: int = 0
    confirmed_people: int = 0
    waiting_groups: int = 0
    walk_in_groups: int = 0
    walk_in_people: int = 0
    arrived_groups: int = 0
    arrived_people: int = 0

    @property
    def expected_groups(self) -> int:
        return self.confirmed_groups + self.walk_in_groups


_ARRIVED = case((Signup.checked_in_at.is_not(None), 1), else_=0)
_COUNTS = (
    select(
        Signup.status,
        _ARRIVED,
        func.count(Signup.id),
        func.coalesce(func.sum(Signup.adults + Signup.children), 0),
    )
    .where(Signup.event_id == bindparam("event_id"), Signup.status != SignupStatus.cancelled)
    .group_by(Signup.status, _ARRIVED)
)


def counts(event: Event) -> Counts:
    rows = read_rows(_COUNTS, event_id=event.id)
    result = Counts()
    for status, has_arrived, groups, people in rows:
        if status is SignupStatus.confirmed:
            result.confirmed_groups += groups
            result.confirmed_people += people
        elif status is SignupStatus.waitlisted:
            result.waiting_groups += groups
        else:
            result.walk_in_groups += groups
            result.walk_in_people += people
        if has_arrived:
            result.arrived_groups += groups
            result.arrived_people += people
    return result


# What a row of the door list shows: plain rows, not Signup objects (loading hundreds of
# objects with every column costs more than rendering them).
DOOR_COLUMNS = (
    Signup.id,
    Signup.name,
    Signup.kana,
    Signup.code,
    Signup.status,
    Signup.phone,
    Signup.adults,
    Signup.children,
    Signup.children_ages,
    Signup.childcare_needed,
    Signup.allergies,
    Signup.wants_membership,
    Signup.checked_in_at,
)


_ACTIVE_SIGNUPS = select(*DOOR_COLUMNS).where(
    Signup.event_id == bindparam("event_id"), Signup.status != SignupStatus.cancelled
)
_BY_READING = (func.coalesce(Signup.kana, Signup.name), Signup.id)
_EVERYONE_AT_THE_DOOR = _ACTIVE_SIGNUPS.order_by(*_BY_READING).limit(SEARCH_LIMIT + 1)


def search_signups(event: Event, q: str | None) -> tuple[list, bool]:
    """Active signups whose name, reading (kana), code or phone matches `q` (all of them
    without `q`), by reading, as rows of DOOR_COLUMNS. Returns the rows and whether there
    were more than SEARCH_LIMIT."""
    query = _EVERYONE_AT_THE_DOOR
    text = nfkc(q)
    if text:
        compact = to_katakana(text.replace(" ", ""))
        digits = strip_separators(text)
        matches = [
            func.replace(Signup.name, " ", "").icontains(compact, autoescape=True),
            func.replace(Signup.kana, " ", "").icontains(compact, autoescape=True),
            Signup.code == compact.upper(),
        ]
        if digits.isdigit() and len(digits) >= 4:
            matches.append(Signup.phone.contains(digits, autoescape=True))
        query = _ACTIVE_SIGNUPS.where(or_(*matches)).order_by(*_BY_READING)
        query = query.limit(SEARCH_LIMIT + 1)
    rows = read_rows(query, event_id=event.id)
    return rows[:SEARCH_LIMIT], len(rows) > SEARCH_LIMIT


def door_row(signup: Signup) -> tuple:
    """One signup as a row of DOOR_COLUMNS (after it changed at the door)."""
    return tuple(getattr(signup, column.key) for column in DOOR_COLUMNS)


def sheet_rows(event: Event, *, with_walk_ins: bool = False) -> dict[str, list[Signup]]:
    """The signup sheet's order, one query: confirmed by reading, then the waitlist in order
    of arrival (then the walk-ins already entered, for keying in attendance)."""
    statuses = [SignupStatus.confirmed, SignupStatus.waitlisted]
    if with_walk_ins:
        statuses.append(SignupStatus.walk_in)
    rows = db_scalars(
        select(Signup)
        .where(Signup.event_id == event.id, Signup.status.in_(statuses))
        .order_by(func.coalesce(Signup.kana, Signup.name), Signup.id)
    )
    by_arrival = sorted(rows, key=lambda s: s.id)
    result = {
        "confirmed": [s for s in rows if s.status is SignupStatus.confirmed],
        "waiting": [s for s in by_arrival if s.status is SignupStatus.waitlisted],
    }
    if with_walk_ins:
        result["walk_ins"] = [s for s in by_arrival if s.status is SignupStatus.walk_in]
    return result


@dataclass
class AfterEvent:
    """What happened: who came, and the walk-ins who would like to become members."""

    counts: Counts
    no_shows: int
    membership_wanted: list[Signup]
    new_members: int  # registered at the help desk as walk-ins of this event
    connections: int  # connections staff made between people present at the event


def after_event(event: Event) -> AfterEvent:
    tally = counts(event)
    no_shows = db_rows(
        select(func.count(Signup.id)).where(
            Signup.event_id == event.id,
            Signup.status == SignupStatus.confirmed,
            Signup.checked_in_at.is_(None),
        )
    )[0][0]
    wanted = db_scalars(
        select(Signup)
        .where(
            Signup.event_id == event.id,
            Signup.status == SignupStatus.walk_in,
            Signup.wants_membership.is_(True),
        )
        .order_by(Signup.id)
    )
    new_members = db_rows(
        select(func.count(Person.id)).where(Person.registration_event_id == event.id)
    )[0][0]
    connections = db_rows(select(func.count(Connection.id)).where(Connection.event_id == event.id))[
        0
    ][0]
    return AfterEvent(
        counts=tally,
        no_shows=no_shows,
        membership_wanted=wanted,
        new_members=new_members,
        connections=connections,
    )
