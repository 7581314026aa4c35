"""What needs a coordinator's attention in their areas, each with a way to act:

- requests matched and past their end without an activity report (the liability insurance only
  covers reported activities: the coordinator reminds the helper);
- open requests that start soon without a helper (they will expire unless someone steps in);
- coming events with a long waiting list (a bigger room, or another date).

Three queries, whatever the size of the lists: each returns its first rows and its total.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..events.models import Event, EventStatus, Signup, SignupStatus
from ..extensions import db
from ..help_requests.models import ActivityReport, HelpRequest, RequestStatus

EXPIRING_WITHIN = timedelta(hours=48)
LONG_WAITLIST = 5  # families waiting
SHOWN = 10


@dataclass
class Listed:
    rows: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass
class Attention:
    unreported: Listed
    expiring: Listed
    waitlists: Listed  # rows: (event, families waiting)

    @property
    def anything(self) -> bool:
        return bool(self.unreported.total or self.expiring.total or self.waitlists.total)


def _listed(query, *, whole_rows: bool = False) -> Listed:
    """The first SHOWN results of the query and how many there are in all (one query).
    Results are the first column, or with `whole_rows` the tuple of all the query's columns."""
    rows = db.session.execute(query.add_columns(func.count().over()).limit(SHOWN)).all()
    results = [tuple(row[:-1]) if whole_rows else row[0] for row in rows]
    return Listed(results, rows[0][-1] if rows else 0)


def unreported(area_ids: list[int], now: datetime) -> Listed:
    reported = select(ActivityReport.id).where(ActivityReport.help_request_id == HelpRequest.id)
    query = (
        select(HelpRequest)
        .where(
            HelpRequest.area_id.in_(area_ids),
            HelpRequest.status == RequestStatus.matched,
            HelpRequest.end_at < now,
            ~reported.exists(),
        )
        .order_by(HelpRequest.end_at, HelpRequest.id)
    )
    return _listed(query)


def expiring(area_ids: list[int], now: datetime) -> Listed:
    query = (
        select(HelpRequest)
        .where(
            HelpRequest.area_id.in_(area_ids),
            HelpRequest.status == RequestStatus.open,
            HelpRequest.start_at > now,
            HelpRequest.start_at <= now + EXPIRING_WITHIN,
        )
        .order_by(HelpRequest.start_at, HelpRequest.id)
    )
    return _listed(query)


def waitlists(area_ids: list[int], now: datetime) -> Listed:
    waiting = func.count(Signup.id)
    query = (
        select(Event, waiting)
        .join(Signup, Signup.event_id == Event.id)
        .where(
            Event.area_id.in_(area_ids),
            Event.status.in_((EventStatus.published, EventStatus.closed)),
            Event.starts_at > now,
            Signup.status == SignupStatus.waitlisted,
        )
        .group_by(Event.id)
        .having(waiting >= LONG_WAITLIST)
        .order_by(Event.starts_at, Event.id)
    )
    return _listed(query, whole_rows=True)


def needing_attention(area_ids: list[int], *, now: datetime) -> Attention:
    return Attention(
        unreported=unreported(area_ids, now),
        expiring=expiring(area_ids, now),
        waitlists=waitlists(area_ids, now),
    )
