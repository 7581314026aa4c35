"""What a dashboard page, a CSV or a monthly report shows, put together from the figures.

Routes decide who may see which areas; these functions only assemble.
"""

from dataclasses import dataclass

from flask_babel import format_percent
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from ..areas.models import Area
from ..events.models import Event, EventStatus, Signup, SignupStatus
from ..extensions import db
from ..i18n import format_number
from .charts import Chart, bar_chart
from .figures import AreaReport
from .periods import Period

AREAS_PER_PAGE = 20


def percent(rate: float | None) -> str:
    return "–" if rate is None else format_percent(rate, "#,##0%")


@dataclass
class ChartBlock:
    id: str
    title: object
    chart: Chart
    columns: list  # table header: month, then one per series
    rows: list[list[str]]  # the same figures, month by month


def members_at_month_end(report: AreaReport) -> list[int]:
    """Members at the end of each month of the period, counted back from its end."""
    standing, values = report.members, []
    for month in reversed(report.months):
        values.append(standing)
        standing -= month.members_joined - month.members_left
    return list(reversed(values))


def charts_for(report: AreaReport, lang: str, prefix: str = "chart") -> list[ChartBlock]:
    months = [m.month for m in report.months]

    def count(value) -> str:
        return format_number(int(value), lang)

    posted = [m.requests_posted for m in report.months]
    completed = [m.requests_completed for m in report.months]
    rates = [None if m.resolution_rate is None else m.resolution_rate * 100 for m in report.months]
    members = members_at_month_end(report)
    blocks = [
        ChartBlock(
            f"{prefix}-requests",
            _l("Requests posted and completed, by month posted"),
            bar_chart(
                months,
                [(str(_l("Posted")), posted), (str(_l("Completed")), completed)],
                lang=lang,
                format_value=count,
            ),
            [_l("Month"), _l("Posted"), _l("Completed")],
            [[m, count(p), count(c)] for m, p, c in zip(months, posted, completed, strict=True)],
        ),
        ChartBlock(
            f"{prefix}-rate",
            _l("Resolution rate by month (completed ÷ posted)"),
            bar_chart(
                months,
                [(str(_l("Resolution rate")), rates)],
                lang=lang,
                format_value=lambda v: percent(v / 100),
                top=100,
            ),
            [_l("Month"), _l("Resolution rate")],
            [[m.month, percent(m.resolution_rate)] for m in report.months],
        ),
        ChartBlock(
            f"{prefix}-members",
            _l("Members at the end of each month"),
            bar_chart(months, [(str(_l("Members")), members)], lang=lang, format_value=count),
            [_l("Month"), _l("Members")],
            [[m, count(v)] for m, v in zip(months, members, strict=True)],
        ),
    ]
    return blocks


@dataclass
class EventLine:
    event: Event
    confirmed: int  # families with a confirmed place
    waiting: int
    attended_people: int
    attended_groups: int


def events_of(area: Area, period: Period) -> list[EventLine]:
    """The area's events (not drafts) that started in the period, with counts only (one
    query): for the monthly report."""
    arrived = Signup.checked_in_at.is_not(None)

    def total(condition, value=1):
        return func.coalesce(func.sum(case((condition, value), else_=0)), 0)

    query = (
        select(
            Event,
            total(Signup.status == SignupStatus.confirmed),
            total(Signup.status == SignupStatus.waitlisted),
            total(arrived, Signup.adults + Signup.children),
            total(arrived),
        )
        .outerjoin(Signup, Signup.event_id == Event.id)
        .where(
            Event.area_id == area.id,
            Event.status != EventStatus.draft,
            Event.starts_at >= period.start,
            Event.starts_at < period.end,
        )
        .group_by(Event.id)
        .order_by(Event.starts_at, Event.id)
    )
    return [EventLine(*row) for row in db.session.execute(query)]


def page_of_areas(area_ids: set[int] | None, page: int) -> tuple[list[Area], int, int]:
    """One page of areas by name (all areas for `None`): (areas, page, number of pages)."""
    query = select(Area)
    total = select(func.count(Area.id))
    if area_ids is not None:
        query = query.where(Area.id.in_(area_ids))
        total = total.where(Area.id.in_(area_ids))
    pages = max(1, -(-db.session.scalar(total) // AREAS_PER_PAGE))
    page = min(max(page, 1), pages)
    areas = db.session.scalars(
        query.order_by(Area.name, Area.id).limit(AREAS_PER_PAGE).offset((page - 1) * AREAS_PER_PAGE)
    )
    return list(areas), page, pages
