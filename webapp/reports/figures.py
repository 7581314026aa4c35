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

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..areas.models import Area, Membership, Role
from ..events.models import Event, EventStatus
from ..extensions import db
from ..help_requests.models import HelpRequest, RequestKind, RequestStatus
from ..i18n import format_month
from ..planner import unindexed
from .models import AreaMonth, AreaMonthKind
from .periods import Period, add_months
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
    # The twelve months up to the period's end, for the targets that are set per year.
    year_events_held: int = 0
    year_requests_completed: int = 0
    kinds: list[KindFigures] = field(default_factory=list)  # over the period
    kinds_by_month: dict[date, list[KindFigures]] = field(default_factory=dict)

    @property
    def kpis(self) -> list[Kpi]:
        """Progress against the area's targets, for the targets that are set. Events and
        completed requests have yearly targets: they count the twelve months to the end of
        the period."""
        if self.area is None:
            return []
        to = format_month(self.period.last)
        candidates = [
            (_("Households registered"), self.households, self.area.kpi_households),
            (_("Members"), self.members, self.area.kpi_members),
            (_("Certified supporters"), self.supporters_certified, self.area.kpi_supporters),
            (
                _("Events held in the 12 months to %(month)s", month=to),
                self.year_events_held,
                self.area.kpi_events,
            ),
            (
                _("Requests completed in the 12 months to %(month)s", month=to),
                self.year_requests_completed,
                self.area.kpi_completed_requests,
            ),
        ]
        return [Kpi(label, value, target) for label, value, target in candidates if target]


def _tallies_up_to_end(area_ids, period: Period, *, by_area: bool):
    """(area or None, month, *MONTH_COLUMNS) sums up to the period's end, by area and month,
    or by month only for areas together (a few dozen rows, summed by the database)."""
    sums = [func.sum(getattr(AreaMonth, c)) for c in MONTH_COLUMNS]
    groups = [AreaMonth.area_id, AreaMonth.month] if by_area else [AreaMonth.month]
    query = select(*groups, *sums).where(AreaMonth.month <= period.last).group_by(*groups)
    if area_ids is not None:
        query = query.where(AreaMonth.area_id.in_(area_ids))
    if by_area:
        return db.session.execute(query).all()
    return [(None, *row) for row in db.session.execute(query)]


def _expired_untouched(area_ids, period: Period, now: datetime):
    """(area, month, kind) -> open requests posted in the period whose start has passed.

    Found by (status, start): the open requests whose start passed are few (housekeeping
    writes their expiry back). Searching by the areas or the period's dates instead, as SQLite
    would by its statistics, walks every request of the areas or of the period."""
    dialect = db.session.get_bind().dialect.name
    month = month_expr(HelpRequest.created_at, dialect)
    created = unindexed(HelpRequest.created_at)
    query = (
        select(HelpRequest.area_id, month, HelpRequest.kind, func.count())
        .where(
            HelpRequest.status == RequestStatus.open,
            HelpRequest.start_at <= now,
            created >= period.start,
            created < period.end,
        )
        .group_by(HelpRequest.area_id, month, HelpRequest.kind)
    )
    if area_ids is not None:
        query = query.where(unindexed(HelpRequest.area_id).in_(area_ids))
    return [(a, parse_month(m), k, n) for a, m, k, n in db.session.execute(query)]


def _events_held(area_ids, period: Period, now: datetime):
    """(area, month, events held) from the period's start, or from twelve months before its
    end when that is earlier (for the yearly target)."""
    dialect = db.session.get_bind().dialect.name
    month = month_expr(Event.starts_at, dialect)
    since = Period(min(period.first, add_months(period.last, -11)), period.last)
    query = (
        select(Event.area_id, month, func.count())
        .where(
            Event.status.in_(HELD),
            Event.starts_at >= since.start,
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
            Membership.certified_until.is_not(None),  # (the partial index of certifications)
            Membership.certified_until >= today,
            Membership.role.in_([Role.supporter, Role.coordinator]),
        )
        .group_by(Membership.area_id)
    )
    if area_ids is not None:
        query = query.where(Membership.area_id.in_(area_ids))
    return dict(db.session.execute(query).all())


KindTable = dict[date, dict[RequestKind, KindFigures]]


def _kinds(area_ids, period: Period, expired: list, key) -> dict[int | None, KindTable]:
    """Requests by area (or all areas together), month and kind over the period."""
    tables: dict[int | None, KindTable] = {}

    def cell(area_id, month, kind) -> KindFigures:
        table = tables.setdefault(
            key(area_id), {m: {k: KindFigures(k) for k in RequestKind} for m in period.months}
        )
        return table[month][RequestKind(kind)]

    columns = ("posted", "completed", "cancelled", "expired")
    query = (
        select(
            AreaMonthKind.area_id,
            AreaMonthKind.month,
            AreaMonthKind.kind,
            *(func.sum(getattr(AreaMonthKind, c)) for c in columns),
        )
        .where(AreaMonthKind.month >= period.first, AreaMonthKind.month <= period.last)
        .group_by(AreaMonthKind.area_id, AreaMonthKind.month, AreaMonthKind.kind)
    )
    if area_ids is not None:
        query = query.where(AreaMonthKind.area_id.in_(area_ids))
    for area_id, month, kind, *counts in db.session.execute(query):
        figures = cell(area_id, month, kind)
        for name, value in zip(columns, counts, strict=True):
            setattr(figures, name, getattr(figures, name) + int(value or 0))
    for area_id, month, kind, n in expired:
        cell(area_id, month, kind).expired += n
    return tables


def _sum_kinds(table: KindTable) -> list[KindFigures]:
    totals = {kind: KindFigures(kind) for kind in RequestKind}
    for by_kind in table.values():
        for kind, figures in by_kind.items():
            for name in ("posted", "completed", "cancelled", "expired"):
                setattr(totals[kind], name, getattr(totals[kind], name) + getattr(figures, name))
    return list(totals.values())


def reports_for(
    areas: list[Area] | None,
    period: Period,
    *,
    now: datetime,
    today: date,
    by_kind: bool = False,
    together: bool = False,
) -> list[AreaReport]:
    """One report per area (in the order given), or with `together` one report for the areas
    as a whole; `areas=None` is every area together. Four queries; five with `by_kind`
    (requests by kind and month, for the CSV and the area page)."""
    if areas == []:
        return []
    area_ids = None if areas is None else [a.id for a in areas]
    together = together or areas is None
    keys = [None] if together else area_ids
    key = (lambda area_id: None) if together else (lambda area_id: area_id)

    months = {k: {m: MonthFigures(m) for m in period.months} for k in keys}
    standing = {k: {"households": 0, "members": 0} for k in keys}
    year_first = add_months(period.last, -11)
    year = {k: {"events_held": 0, "requests_completed": 0} for k in keys}
    for area_id, month, *counts in _tallies_up_to_end(area_ids, period, by_area=not together):
        k = key(area_id)
        row = dict(zip(MONTH_COLUMNS, (int(c or 0) for c in counts), strict=True))
        standing[k]["households"] += row["households_joined"] - row["households_left"]
        standing[k]["members"] += row["members_joined"] - row["members_left"]
        if month >= period.first:
            target = months[k][month]
            for name, value in row.items():
                setattr(target, name, getattr(target, name) + value)
        if month >= year_first:
            year[k]["requests_completed"] += row["requests_completed"]
    expired = _expired_untouched(area_ids, period, now)
    for area_id, month, _kind, n in expired:
        months[key(area_id)][month].requests_expired += n
    for area_id, month, n in _events_held(area_ids, period, now):
        if month >= period.first:
            months[key(area_id)][month].events_held += n
        if month >= year_first:
            year[key(area_id)]["events_held"] += n
    certified: dict = defaultdict(int)
    for area_id, n in _certified(area_ids, today).items():
        certified[key(area_id)] += n

    reports = []
    for k, area in zip(keys, [None] if together else areas, strict=True):
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
                year_events_held=year[k]["events_held"],
                year_requests_completed=year[k]["requests_completed"],
            )
        )
    if by_kind:
        tables = _kinds(area_ids, period, expired, key)
        empty = {m: {k: KindFigures(k) for k in RequestKind} for m in period.months}
        for k, report in zip(keys, reports, strict=True):
            table = tables.get(k, empty)
            report.kinds_by_month = {m: list(by_kind.values()) for m, by_kind in table.items()}
            report.kinds = _sum_kinds(table)
    return reports


def area_report(area: Area, period: Period, *, now: datetime, today: date) -> AreaReport:
    """One area's figures, with the requests by kind."""
    return reports_for([area], period, now=now, today=today, by_kind=True)[0]
