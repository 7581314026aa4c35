"""Lists of requests that stay fast: keyset pagination on (start_at, id), no COUNT(*), and a
fixed number of queries per page whatever the number of rows.

A cursor names the last row shown (`<microseconds since 1970>_<id>`); the next page starts
after it, which the indexes on (status, start_at, id) and (requester_id, start_at, id) answer
with a range scan however deep the page.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, tuple_
from sqlalchemy.orm import selectinload

from ..clock import TOWN_TZ
from ..extensions import db
from ..households.models import Person
from .models import HelpOffer, HelpRequest, RequestKind
from .visibility import open_for_helper

PAGE_SIZE = 20
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Page:
    items: list
    next_cursor: str | None
    extra: dict


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


def _filtered(query, *, kind: RequestKind | None, day: date | None):
    if kind is not None:
        query = query.where(HelpRequest.kind == kind)
    if day is not None:
        start, end = _day_bounds(day)
        query = query.where(HelpRequest.start_at >= start, HelpRequest.start_at < end)
    return query


def _page(query, *, after, descending: bool, limit: int) -> Page:
    key = tuple_(HelpRequest.start_at, HelpRequest.id)
    position = decode_cursor(after)
    if position is not None:
        query = query.where(key < tuple_(*position) if descending else key > tuple_(*position))
    if descending:
        query = query.order_by(HelpRequest.start_at.desc(), HelpRequest.id.desc())
    else:
        query = query.order_by(HelpRequest.start_at, HelpRequest.id)
    rows = list(
        db.session.scalars(
            query.options(
                selectinload(HelpRequest.requester).selectinload(Person.memberships),
                selectinload(HelpRequest.area),
            ).limit(limit + 1)
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = encode_cursor(rows[-1].start_at, rows[-1].id) if more else None
    return Page(items=rows, next_cursor=cursor, extra={})


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
    not_before = position[0] if position else None
    query = _filtered(
        select(HelpRequest).where(
            open_for_helper(person, now=now, today=today, not_before=not_before)
        ),
        kind=kind,
        day=day,
    )
    page = _page(query, after=after, descending=False, limit=limit)
    ids = [r.id for r in page.items]
    offered = set(
        db.session.scalars(
            select(HelpOffer.help_request_id).where(
                HelpOffer.helper_id == person.id, HelpOffer.help_request_id.in_(ids)
            )
        )
        if ids
        else []
    )
    page.extra["offered_ids"] = offered
    return page


def my_requests(
    person,
    *,
    role: str = "asked",
    kind: RequestKind | None = None,
    day: date | None = None,
    after: str | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """Requests `person` made ("asked") or offered to help with ("helping"), latest first."""
    if role == "helping":
        mine = select(HelpOffer.help_request_id).where(HelpOffer.helper_id == person.id)
        query = select(HelpRequest).where(HelpRequest.id.in_(mine))
    else:
        query = select(HelpRequest).where(HelpRequest.requester_id == person.id)
    query = _filtered(query, kind=kind, day=day)
    return _page(query, after=after, descending=True, limit=limit)


def area_requests(
    area_id: int,
    *,
    kind: RequestKind | None = None,
    day: date | None = None,
    after: str | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """Every request of an area, latest first: what its coordinators watch over."""
    query = _filtered(select(HelpRequest).where(HelpRequest.area_id == area_id), kind=kind, day=day)
    return _page(query, after=after, descending=True, limit=limit)
