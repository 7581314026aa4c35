"""The figures of areas over a period: the one source of the dashboard, its CSV and the
monthly report PDF.

Most figures are sums of the monthly tallies (tally.py): at most one row per area and month,
whatever the number of people or requests. Three come from the rows, through indexes and only
for the period: events held (an event is held once its start has passed), certified supporters
today, and open requests whose start passed without anyone touching them since (expired; the
daily housekeeping writes those back, so they stay few).

Each function runs a fixed number of queries, whatever the number of areas, months or rows.
"""

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..areas.models import Area, Membership, Role
from ..events.models import Event, EventStatus
from ..extensions import db
from ..help_requests.models import HelpRequest, RequestKind, RequestStatus
from .models import AreaMonth, AreaMonthKind
from .periods import Period
from .tally import MONTH_COLUMNS, month_expr, parse_month

HELD = (EventStatus.published, EventStatus.closed)


@dataclass
class MonthFigures:
    """What happened in one month (or, summed, in a period) in one area or several."""

    month: date | None = None
    households_joined: int = 0
    households_left: int = 0
    members_joined: int = 0
    members_left: int = 0
    requests_posted: int = 0
    requests_completed: int = 0
    requests_cancelled: int = 0
    requests_expired: int = 0
    attendance_people: int = 0
    attendance_groups: int = 0
    events_held: int = 0

    @property
    def resolution_rate(self) -> float | None:
        """Completed ÷ posted (the requests posted in the month); None when none were."""
        return self.requests_completed / self.requests_posted if self.requests_posted else None

    @property
    def requests_in_progress(self) -> int:
        """Posted and still open or matched."""
        return (
            self.requests_posted
            - self.requests_completed
            - self.requests_cancelled
            - self.requests_expired
        )

    def add(self, other: "MonthFigures") -> None:
        for f in COUNTS:
            setattr(self, f, getattr(self, f) + getattr(other, f))


COUNTS = [f.name for f in fields(MonthFigures) if f.name != "month"]


@dataclass
class KindFigures:
    kind: RequestKind
    posted: int = 0
    completed: int = 0
    cancelled: int = 0
    expired: int = 0

    @property
    def resolution_rate(self) -> float | None:
        return self.completed / self.posted if self.posted else None


@dataclass
class Kpi:
    label: object  # lazy string
    value: int
    target: int

    @property
    def ratio(self) -> float:
        return self.value / self.target


@dataclass
class AreaReport:
    """An area's figures over a period (`area` is None for all areas together)."""

    area: Area | None
    period: Period
    months: list[MonthFigures]
    total: MonthFigures
    households: int  # registered at the end of the period
    members: int
    supporters_certified: int  # today
    kinds: list[KindFigures] = field(default_factory=list)

    @property
    def kpis(self) -> list[Kpi]:
        """Progress against the area's targets, for the targets that are set."""
        if self.area is None:
            return []
        candidates = [
            (_l("Households registered"), self.households, self.area.kpi_households),
            (_l("Members"), self.members, self.area.kpi_members),
            (_l("Certified supporters"), self.supporters_certified, self.area.kpi_supporters),
            (_l("Events held in the period"), self.total.events_held, self.area.kpi_events),
            (
                _l("Requests completed in the period"),
                self.total.requests_completed,
                self.area.kpi_completed_requests,
            ),
        ]
        return [Kpi(label, value, target) for label, value, target in candidates if target]


def _months_before_and_during(area_ids, period: Period):
    """Tallies of the areas (None: all areas) up to the period's end: (area, month) rows."""
    query = select(AreaMonth).where(AreaMonth.month <= period.last)
    if area_ids is not None:
        query = query.where(AreaMonth.area_id.in_(area_ids))
    return db.session.scalars(query)


def _expired_untouched(area_ids, period: Period, now: datetime):
    """(area, month, kind) -> open requests posted in the period whose start has passed."""
    dialect = db.session.get_bind().dialect.name
    month = month_expr(HelpRequest.created_at, dialect)
    query = (
        select(HelpRequest.area_id, month, HelpRequest.kind, func.count())
        .where(
            HelpRequest.status == RequestStatus.open,
            HelpRequest.start_at <= now,
            HelpRequest.created_at >= period.start,
            HelpRequest.created_at < period.end,
        )
        .group_by(HelpRequest.area_id, month, HelpRequest.kind)
    )
    if area_ids is not None:
        query = query.where(HelpRequest.area_id.in_(area_ids))
    return [(a, parse_month(m), k, n) for a, m, k, n in db.session.execute(query)]


def _events_held(area_ids, period: Period, now: datetime):
    dialect = db.session.get_bind().dialect.name
    month = month_expr(Event.starts_at, dialect)
    query = (
        select(Event.area_id, month, func.count())
        .where(
            Event.status.in_(HELD),
            Event.starts_at >= period.start,
            Event.starts_at < min(period.end, now),
        )
        .group_by(Event.area_id, month)
    )
    if area_ids is not None:
        query = query.where(Event.area_id.in_(area_ids))
    return [(a, parse_month(m), n) for a, m, n in db.session.execute(query)]


def _certified(area_ids, today: date) -> dict[int, int]:
    query = (
        select(Membership.area_id, func.count())
        .where(
            Membership.role.in_([Role.supporter, Role.coordinator]),
            Membership.certified_until >= today,
        )
        .group_by(Membership.area_id)
    )
    if area_ids is not None:
        query = query.where(Membership.area_id.in_(area_ids))
    return dict(db.session.execute(query).all())


def _kinds(area_ids, period: Period, expired: list) -> list[KindFigures]:
    by_kind = {kind: KindFigures(kind) for kind in RequestKind}
    query = (
        select(
            AreaMonthKind.kind,
            func.sum(AreaMonthKind.posted),
            func.sum(AreaMonthKind.completed),
            func.sum(AreaMonthKind.cancelled),
            func.sum(AreaMonthKind.expired),
        )
        .where(AreaMonthKind.month >= period.first, AreaMonthKind.month <= period.last)
        .group_by(AreaMonthKind.kind)
    )
    if area_ids is not None:
        query = query.where(AreaMonthKind.area_id.in_(area_ids))
    for kind, posted, completed, cancelled, stored_expired in db.session.execute(query):
        figures = by_kind[RequestKind(kind)]
        figures.posted, figures.completed = int(posted), int(completed)
        figures.cancelled, figures.expired = int(cancelled), int(stored_expired)
    for _area, _month, kind, n in expired:
        by_kind[RequestKind(kind)].expired += n
    return list(by_kind.values())


def reports_for(
    areas: list[Area] | None, period: Period, *, now: datetime, today: date, by_kind=False
) -> list[AreaReport]:
    """One report per area (in the order given); `areas=None`: one report for all areas
    together. Five queries (six with `by_kind`)."""
    area_ids = None if areas is None else [a.id for a in areas]
    keys = [None] if areas is None else area_ids
    key = (lambda area_id: None) if areas is None else (lambda area_id: area_id)

    months = {k: {m: MonthFigures(m) for m in period.months} for k in keys}
    standing = {k: {"households": 0, "members": 0} for k in keys}
    for row in _months_before_and_during(area_ids, period):
        k = key(row.area_id)
        standing[k]["households"] += row.households_joined - row.households_left
        standing[k]["members"] += row.members_joined - row.members_left
        if row.month >= period.first:
            target = months[k][row.month]
            for name in MONTH_COLUMNS:
                setattr(target, name, getattr(target, name) + getattr(row, name))
    expired = _expired_untouched(area_ids, period, now)
    for area_id, month, _kind, n in expired:
        months[key(area_id)][month].requests_expired += n
    for area_id, month, n in _events_held(area_ids, period, now):
        months[key(area_id)][month].events_held += n
    certified: dict = defaultdict(int)
    for area_id, n in _certified(area_ids, today).items():
        certified[key(area_id)] += n

    reports = []
    for k, area in zip(keys, areas or [None], strict=True):
        total = MonthFigures()
        for figures in months[k].values():
            total.add(figures)
        reports.append(
            AreaReport(
                area=area,
                period=period,
                months=list(months[k].values()),
                total=total,
                households=standing[k]["households"],
                members=standing[k]["members"],
                supporters_certified=certified[k],
            )
        )
    if by_kind:
        kinds = _kinds(area_ids, period, expired)
        for report in reports:  # by_kind is for one area, or for all areas together
            report.kinds = kinds
    return reports


def area_report(area: Area, period: Period, *, now: datetime, today: date) -> AreaReport:
    """One area's figures, with the requests by kind."""
    return reports_for([area], period, now=now, today=today, by_kind=True)[0]
