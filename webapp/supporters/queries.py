"""What the supporter pages show. Each function runs a fixed number of queries, whatever the
number of supporters, records or registrations."""

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from ..areas.models import Area, Membership, Role
from ..clock import TOWN_TZ
from ..events.models import Event, EventStaff, EventStatus
from ..extensions import db
from ..help_requests.models import HelpRequest, RequestStatus
from ..households.models import Household, Person
from .models import CertificationStatus, TrainingModule, TrainingRecord, certification_status
from .services import counts_since, training_modules


@dataclass
class SupporterRow:
    person: Person
    certified_until: date | None
    status: CertificationStatus
    modules_done: int


def supporters_of(area: Area, *, today: date) -> tuple[list[SupporterRow], int]:
    """The area's supporters with their certification and how many modules count today;
    and the number of modules on the list."""
    modules = training_modules(area)
    memberships = list(
        db.session.scalars(
            select(Membership)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.area_id == area.id, Membership.role == Role.supporter)
            .options(selectinload(Membership.person).selectinload(Person.memberships))
            .order_by(Person.kana, Person.display_name, Person.id)
        )
    )
    done = dict(
        db.session.execute(
            select(TrainingRecord.person_id, func.count(func.distinct(TrainingRecord.module_id)))
            .where(
                TrainingRecord.person_id.in_([m.person_id for m in memberships]),
                TrainingRecord.module_id.in_([m.id for m in modules]),
                TrainingRecord.completed_on >= counts_since(area, today),
            )
            .group_by(TrainingRecord.person_id)
        ).all()
    )
    rows = [
        SupporterRow(
            person=m.person,
            certified_until=m.certified_until,
            status=certification_status(m.certified_until, today),
            modules_done=done.get(m.person_id, 0),
        )
        for m in memberships
    ]
    return rows, len(modules)


def areas_summary(area_ids: set[int] | None, *, today: date) -> list[dict]:
    """Each area with its number of supporters in each certification status (two queries)."""
    query = select(Area).order_by(Area.name)
    if area_ids is not None:
        query = query.where(Area.id.in_(area_ids))
    areas = list(db.session.scalars(query))
    counts = {a.id: dict.fromkeys(CertificationStatus, 0) for a in areas}
    rows = db.session.execute(
        select(Membership.area_id, Membership.certified_until).where(
            Membership.area_id.in_(list(counts)), Membership.role == Role.supporter
        )
    )
    for area_id, until in rows:
        counts[area_id][certification_status(until, today)] += 1
    return [{"area": a, "counts": counts[a.id], "total": sum(counts[a.id].values())} for a in areas]


@dataclass
class ModuleLine:
    module: TrainingModule
    latest: TrainingRecord | None
    counts: bool  # completed within the period, so it counts towards certification today


def training_record(
    area: Area, person: Person, *, today: date
) -> tuple[list[ModuleLine], list[TrainingRecord]]:
    """Each module on the list with its latest completion, and the whole history (newest first)."""
    modules = training_modules(area)
    history = list(
        db.session.scalars(
            select(TrainingRecord)
            .join(TrainingModule, TrainingModule.id == TrainingRecord.module_id)
            .where(TrainingRecord.person_id == person.id, TrainingModule.area_id == area.id)
            .options(
                selectinload(TrainingRecord.module),
                selectinload(TrainingRecord.recorded_by).selectinload(Person.memberships),
            )
            .order_by(TrainingRecord.completed_on.desc(), TrainingRecord.id.desc())
        )
    )
    since = counts_since(area, today)
    lines = []
    for module in modules:
        latest = next((r for r in history if r.module_id == module.id), None)
        lines.append(
            ModuleLine(module, latest, latest is not None and latest.completed_on >= since)
        )
    return lines, history


@dataclass
class DeskRegistrations:
    total: int
    this_month: int
    shown: list[Person]  # the newest ones the viewer may see
    hidden: int  # registered in areas whose people the viewer may not see


def desk_registrations(
    supporter: Person, *, viewer: Person, today: date, limit: int = 20
) -> DeskRegistrations:
    """People the supporter registered at a help desk (`created_by`).

    The viewer sees the names of those living in areas where they help at the desk themselves
    (the rule for seeing a household); for the others only how many there are.
    """
    visible = (
        Household.area_id.is_not(None)
        if viewer.is_admin
        else Household.area_id.in_(viewer.area_ids_with(Role.supporter))
    )
    month_start = datetime.combine(today.replace(day=1), time(), TOWN_TZ)  # in Japan's time
    base = select(Person).outerjoin(Household, Household.id == Person.household_id)
    base = base.where(Person.created_by_id == supporter.id)
    total, this_month, seen = db.session.execute(
        base.with_only_columns(
            func.count(Person.id),
            func.count(case((Person.created_at >= month_start, Person.id))),
            func.count(case((visible, Person.id))),
        )
    ).one()
    shown = list(
        db.session.scalars(
            base.where(visible)
            .options(
                selectinload(Person.memberships),
                selectinload(Person.household).selectinload(Household.area),
            )
            .order_by(Person.id.desc())
            .limit(limit)
        )
    )
    return DeskRegistrations(total=total, this_month=this_month, shown=shown, hidden=total - seen)


@dataclass
class HelpsAndEvents:
    helps_done: int  # completed requests where they were the chosen helper
    helps_this_month: int
    events_run: int  # events that took place with them as staff or organiser
    recent_events: list  # the latest few of those events (public information)


def helps_and_events(supporter: Person, *, now: datetime, limit: int = 5) -> HelpsAndEvents:
    """What a supporter did besides the desk: helps completed, exchange events run."""
    month_start = datetime.combine(now.astimezone(TOWN_TZ).date().replace(day=1), time(), TOWN_TZ)
    done, this_month = db.session.execute(
        select(
            func.count(HelpRequest.id),
            func.count(case((HelpRequest.completed_at >= month_start, HelpRequest.id))),
        ).where(
            HelpRequest.helper_id == supporter.id,
            HelpRequest.status == RequestStatus.completed,
        )
    ).one()
    ran = select(Event).where(
        Event.status.in_([EventStatus.published, EventStatus.closed]),
        Event.starts_at < now,
        (Event.created_by_id == supporter.id)
        | Event.id.in_(select(EventStaff.event_id).where(EventStaff.person_id == supporter.id)),
    )
    events_run = db.session.scalar(ran.with_only_columns(func.count(Event.id)))
    recent = list(db.session.scalars(ran.order_by(Event.starts_at.desc()).limit(limit)))
    return HelpsAndEvents(
        helps_done=done, helps_this_month=this_month, events_run=events_run, recent_events=recent
    )
