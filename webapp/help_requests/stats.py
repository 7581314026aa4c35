"""The resolution rate (解決率): of the requests posted in an area in a month, the share that
were matched and completed. The month is the town's calendar month of posting."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from ..clock import TOWN_TZ
from ..extensions import db
from .models import HelpRequest, RequestKind, RequestStatus


@dataclass(frozen=True)
class ResolutionRate:
    posted: int
    completed: int

    @property
    def rate(self) -> float | None:
        """completed ÷ posted, or None when nothing was posted."""
        return self.completed / self.posted if self.posted else None


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=TOWN_TZ)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=TOWN_TZ)
    return start, end


def resolution_rate(
    *, area_id: int, year: int, month: int, kinds: list[RequestKind] | None = None
) -> ResolutionRate:
    """Posted and completed requests of the area posted in that month (one query).

    `kinds` narrows it, e.g. to pick-ups and childcare as AsMama reports it.
    """
    start, end = month_bounds(year, month)
    query = select(
        func.count(HelpRequest.id),
        func.coalesce(
            func.sum(case((HelpRequest.status == RequestStatus.completed, 1), else_=0)), 0
        ),
    ).where(
        HelpRequest.area_id == area_id,
        HelpRequest.created_at >= start,
        HelpRequest.created_at < end,
    )
    if kinds:
        query = query.where(HelpRequest.kind.in_(list(kinds)))
    posted, completed = db.session.execute(query).one()
    return ResolutionRate(posted=int(posted), completed=int(completed))
