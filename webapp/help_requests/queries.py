"""Lists of requests that stay fast: keyset pagination on (start_at, id), no COUNT(*), one
SQL statement per page whatever the number of rows, and only the columns a card shows.

A cursor names the last row shown (`<microseconds since 1970>_<id>`); the next page starts
after it. Each list narrows on an indexed column first (the viewer's areas, connections or
own requests: indexes on (area_id, start_at, id), (requester_id, start_at, id), ...), so a
page reads the rows meant for its viewer from the cursor on, however deep the page and
however many requests the site holds.

Each statement is built once per shape (which filters, which audiences, first page or a
later one) with bind parameters, and run with the viewer's values: building it anew costs
SQLAlchemy several times what SQLite takes to answer it.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Integer, bindparam, exists, false, select, tuple_, union_all
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..areas.models import Membership, Role
from ..clock import TOWN_TZ
from ..extensions import db
from ..households.models import Child, Person
from .models import HelpOffer, HelpRequest, RequestKind, RequestStatus, help_request_children
from .visibility import helper_areas, open_for_helper

PAGE_SIZE = 20
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class RequestRow(NamedTuple):
    """One request in a list: what its card shows, read with the page's one query."""

    id: int
    title: str
    kind: RequestKind
    status: RequestStatus
    start_at: datetime
    end_at: datetime
    area_id: int
    requester_name: str
    # A certified supporter of the request's area: their name carries the badge.
    requester_certified: bool
    # The viewer has offered to help with it.
    offered: bool

    # The same rule as the request's own: an open request whose start passed has expired.
    status_on = HelpRequest.status_on


@dataclass
class Page:
    items: list[RequestRow]
    next_cursor: str | None


def encode_cursor(at: datetime, row_id: int) -> str:
    return f"{(at - EPOCH) // timedelta(microseconds=1)}_{row_id}"


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """None for a missing or malformed cursor (the list then starts from the beginning)."""
    if not cursor:
        return None
    micros, _sep, row_id = cursor.partition("_")
    try:
        return EPOCH + timedelta(microseconds=int(micros)), int(row_id)
    except (ValueError, OverflowError):
        return None


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=TOWN_TZ)
    return start, start + timedelta(days=1)


# The bind parameters of the prepared statements.
_AT = HelpRequest.start_at.type
ME = bindparam("me", type_=Integer)
NOW = bindparam("now", type_=_AT)
TODAY = bindparam("today", type_=Membership.certified_until.type)
KIND = bindparam("kind", type_=HelpRequest.kind.type)
DAY_START, DAY_END = bindparam("day_start", type_=_AT), bindparam("day_end", type_=_AT)
AFTER_AT, AFTER_ID = bindparam("after_at", type_=_AT), bindparam("after_id", type_=Integer)
AREA_IDS = bindparam("area_ids", expanding=True, type_=Integer)
CERTIFIED_AREA_IDS = bindparam("certified_area_ids", expanding=True, type_=Integer)


CERTIFIED_ROLES = (Role.supporter, Role.coordinator)


def certified_in_area(person_id, area_id, today):
    """SQL: the person is a certified supporter of the area on `today` (Membership.is_certified)."""
    return exists().where(
        Membership.person_id == person_id,
        Membership.area_id == area_id,
        Membership.role.in_(CERTIFIED_ROLES),
        Membership.certified_until >= today,
    )


@lru_cache(maxsize=1)
def _certified_statement():
    return select(Membership.person_id).where(
        Membership.person_id.in_(bindparam("ids", expanding=True, type_=Integer)),
        Membership.area_id == bindparam("area_id", type_=Integer),
        Membership.role.in_(CERTIFIED_ROLES),
        Membership.certified_until >= TODAY,
    )


def certified_supporters(person_ids, area_id: int, today: date) -> set[int]:
    """Which of these people (None ignored) are certified supporters of the area on `today`:
    a page naming several people reads all their badges at once."""
    ids = sorted({i for i in person_ids if i is not None})
    if not ids:
        return set()
    params = {"ids": ids, "area_id": area_id, "today": today}
    return set(db.session.connection().execute(_certified_statement(), params).scalars())


def _conditions(*, kind: bool, day: bool, after: bool, descending: bool) -> list:
    conditions = []
    if kind:
        conditions.append(HelpRequest.kind == KIND)
    if day:
        conditions += [HelpRequest.start_at >= DAY_START, HelpRequest.start_at < DAY_END]
    if after:
        key, position = tuple_(HelpRequest.start_at, HelpRequest.id), tuple_(AFTER_AT, AFTER_ID)
        conditions.append(key < position if descending else key > position)
    return conditions


def _statement(branches: list, *, descending: bool, limit: int, offered: bool):
    """The rows of one page (one more than `limit`, to know whether a next page exists) of
    the requests matching any of `branches` (lists of conditions, each answered by one index
    range), with the requester's name and badge and, if `offered`, whether the viewer
    (`me`) offered to help."""

    def in_order(*columns):
        return [column.desc() for column in columns] if descending else list(columns)

    # Each branch stops at a page's worth of rows in its index's order (an area with
    # hundreds of open requests reads twenty-one), then the branches' rows are merged.
    pages = [
        select(HelpRequest.id, HelpRequest.start_at)
        .where(*b)
        .order_by(*in_order(HelpRequest.start_at, HelpRequest.id))
        .limit(limit + 1)
        .subquery()
        for b in branches
    ]
    if len(pages) == 1:
        keys = pages[0]
    else:
        merged = union_all(*(select(p.c.id, p.c.start_at) for p in pages)).subquery()
        keys = (
            select(merged.c.id)
            .order_by(*in_order(merged.c.start_at, merged.c.id))
            .limit(limit + 1)
            .subquery()
        )
    return (
        select(
            HelpRequest.id,
            HelpRequest.title,
            HelpRequest.kind,
            HelpRequest.status,
            HelpRequest.start_at,
            HelpRequest.end_at,
            HelpRequest.area_id,
            Person.display_name,
            certified_in_area(HelpRequest.requester_id, HelpRequest.area_id, TODAY),
            exists().where(HelpOffer.help_request_id == HelpRequest.id, HelpOffer.helper_id == ME)
            if offered
            else false(),
        )
        .join(keys, keys.c.id == HelpRequest.id)
        .join(Person, Person.id == HelpRequest.requester_id)
        .order_by(*in_order(HelpRequest.start_at, HelpRequest.id))
    )


def _page(statement, params: dict, *, limit: int) -> Page:
    # Core execution: plain rows, without the ORM's work for entities there are none of.
    result = db.session.connection().execute(statement, params)
    rows = [RequestRow(*row) for row in result]
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = encode_cursor(rows[-1].start_at, rows[-1].id) if more else None
    return Page(items=rows, next_cursor=cursor)


def _params(*, today: date, kind, day, position, **values) -> dict:
    params = {"today": today, **values}
    if kind is not None:
        params["kind"] = kind
    if day is not None:
        params["day_start"], params["day_end"] = _day_bounds(day)
    if position is not None:
        params["after_at"], params["after_id"] = position
    return params


@lru_cache(maxsize=64)
def _help_with_statement(areas, certified, kind, day, after, starts_at_cursor, limit):
    # A later page starts its index ranges at the cursor's start (a deep page costs what
    # the first one does); one whose cursor has passed starts them now.
    starts = HelpRequest.start_at >= AFTER_AT if starts_at_cursor else HelpRequest.start_at > NOW
    audiences = open_for_helper(
        ME,
        area_ids=AREA_IDS if areas else None,
        certified_area_ids=CERTIFIED_AREA_IDS if certified else None,
        starts=starts,
    )
    rest = _conditions(kind=kind, day=day, after=after, descending=False)
    return _statement([[a, *rest] for a in audiences], descending=False, limit=limit, offered=True)


def requests_i_can_help_with(
    person,
    *,
    now: datetime,
    today: date,
    kind: RequestKind | None = None,
    day: date | None = None,
    after: str | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """Open requests whose audience includes `person`, the soonest first."""
    position = decode_cursor(after)
    area_ids, certified = helper_areas(person, today=today)
    starts_at_cursor = position is not None and position[0] > now
    statement = _help_with_statement(
        bool(area_ids), bool(certified), kind is not None, day is not None,
        position is not None, starts_at_cursor, limit,
    )  # fmt: skip
    params = _params(
        today=today, kind=kind, day=day, position=position, me=person.id,
        area_ids=area_ids, certified_area_ids=certified,
    )  # fmt: skip
    if not starts_at_cursor:
        params["now"] = now
    return _page(statement, params, limit=limit)


@lru_cache(maxsize=32)
def _mine_statement(helping, kind, day, after, limit):
    if helping:
        condition = HelpRequest.id.in_(
            select(HelpOffer.help_request_id).where(HelpOffer.helper_id == ME)
        )
    else:
        condition = HelpRequest.requester_id == ME
    rest = _conditions(kind=kind, day=day, after=after, descending=True)
    return _statement([[condition, *rest]], descending=True, limit=limit, offered=False)


def my_requests(
    person,
    *,
    today: date,
    role: str = "asked",
    kind: RequestKind | None = None,
    day: date | None = None,
    after: str | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """Requests `person` made ("asked") or offered to help with ("helping"), latest first."""
    position = decode_cursor(after)
    statement = _mine_statement(
        role == "helping", kind is not None, day is not None, position is not None, limit
    )
    params = _params(today=today, kind=kind, day=day, position=position, me=person.id)
    return _page(statement, params, limit=limit)


@lru_cache(maxsize=32)
def _area_statement(kind, day, after, limit):
    area = HelpRequest.area_id == bindparam("area_id", type_=Integer)
    rest = _conditions(kind=kind, day=day, after=after, descending=True)
    return _statement([[area, *rest]], descending=True, limit=limit, offered=False)


def area_requests(
    area_id: int,
    *,
    today: date,
    kind: RequestKind | None = None,
    day: date | None = None,
    after: str | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """Every request of an area, latest first: what its coordinators watch over."""
    position = decode_cursor(after)
    statement = _area_statement(kind is not None, day is not None, position is not None, limit)
    params = _params(today=today, kind=kind, day=day, position=position, area_id=area_id)
    return _page(statement, params, limit=limit)


# The request page -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _request_statements():
    """The request with the people it names, its offers with their helpers, its children.

    Built once: eager loading options (selectinload) build their own statements again on
    every load, which costs several times the queries themselves.
    """
    request_id = bindparam("id", type_=Integer)
    return (
        select(HelpRequest)
        .where(HelpRequest.id == request_id)
        .options(
            joinedload(HelpRequest.requester),
            joinedload(HelpRequest.helper),
            # A join costs a tenth of loading them later; the page shows them to the two
            # people of a matched request.
            joinedload(HelpRequest.household),
            joinedload(HelpRequest.report),
        ),
        select(HelpOffer)
        .where(HelpOffer.help_request_id == request_id)
        .options(joinedload(HelpOffer.helper))
        .order_by(HelpOffer.id),
        select(Child)
        .join(help_request_children, help_request_children.c.child_id == Child.id)
        .where(help_request_children.c.help_request_id == request_id)
        .order_by(Child.id),
    )


def request_with_offers(request_id: int) -> HelpRequest | None:
    """The request, its requester, helper, household and report, its offers (with who
    offered) and children in three queries; its other relationships load when used."""
    request_query, offers_query, children_query = _request_statements()
    params = {"id": request_id}
    help_request = db.session.execute(request_query, params).unique().scalar_one_or_none()
    if help_request is not None:
        # Put in place as if eagerly loaded (no query when the page or a rule reads them).
        set_committed_value(help_request, "offers", list(db.session.scalars(offers_query, params)))
        set_committed_value(
            help_request, "children", list(db.session.scalars(children_query, params))
        )
    return help_request
