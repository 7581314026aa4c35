"""Supporter certification rules (担い手認定).

- Each area has a list of training modules (DEFAULT_MODULES, set up the first time the list is
  needed) and a certification period in months (`Area.certification_months`, 1-120, default
  24). Coordinators add, rename and remove modules; removed modules are retired, so the
  records of people who took them stay.
- A coordinator records that a supporter completed a module on a day (never a future day).
- A completion counts for one certification period: to be certified or renewed on a day, a
  supporter needs every module on the list completed within the period up to that day.
- Certifying sets `Membership.certified_until` to the day plus the period, and is refused
  while modules are missing. Changing the period does not change certifications already given.
- A coordinator makes a member of their area a supporter, and can end that role (which ends
  the certification too).

Error codes (SupporterError.code): `person_not_found`, `person_ambiguous`, `already_supporter`,
`not_a_supporter`, `module_not_found`, `module_name_taken`, `date_in_future`,
`modules_missing` (with `.modules`, the missing ones).
"""

import calendar
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..accounts.services import people_for_identifier
from ..areas.models import Area, Membership, Role
from ..audit import log_action, register_action
from ..db import write_transaction
from ..extensions import db
from ..households.models import Person
from ..i18n import format_date_long
from ..models_base import utcnow
from .models import TrainingModule, TrainingRecord

# (Japanese name, English name): the training the programmes Otagai follows give supporters.
DEFAULT_MODULES = [
    ("オリエンテーション", "Orientation"),
    ("子どもの安全と応急手当", "Child safety and first aid"),
    ("個人情報の取り扱い", "Privacy"),
    ("相談窓口の実習", "Help-desk practice"),
]
MIN_MONTHS, MAX_MONTHS = 1, 120


def _date_param(key: str):
    return lambda data: {key: format_date_long(date.fromisoformat(data[key]))}


register_action(
    "supporter.appointed", _l("Supporter appointed"), _l("Made %(subject)s a supporter")
)
register_action(
    "supporter.role_ended", _l("Supporter role ended"), _l("%(subject)s is no longer a supporter")
)
register_action(
    "supporter.certified",
    _l("Supporter certified"),
    _l("Certified %(subject)s as a supporter until %(until)s"),
    params=_date_param("until"),
)
register_action(
    "training.recorded",
    _l("Training recorded"),
    _l("Recorded that %(subject)s completed %(module)s on %(completed_on)s"),
    params=_date_param("completed_on"),
)
register_action(
    "training.record_removed",
    _l("Training record removed"),
    _l("Removed the record of %(module)s on %(completed_on)s for %(subject)s"),
    params=_date_param("completed_on"),
)
register_action("training.defaults_added", _l("Standard training list set up"))
register_action(
    "training.module_added", _l("Training added to the list"), _l("Added %(name)s to the training")
)
register_action(
    "training.module_changed",
    _l("Training renamed"),
    _l("Renamed the training %(old)s to %(name)s"),
)
register_action(
    "training.module_removed",
    _l("Training taken off the list"),
    _l("Took %(name)s off the training list"),
)
register_action(
    "training.period_changed",
    _l("Certification period changed"),
    _l("A certification now lasts %(months)s months (before: %(old)s)"),
)


class SupporterError(Exception):
    def __init__(self, code: str, *, modules: list[TrainingModule] | None = None):
        super().__init__(code)
        self.code = code
        self.modules = modules or []


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), or the month's last day when it has none."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def counts_since(area: Area, today: date) -> date:
    """Completions on or after this day count towards a certification given `today`."""
    return add_months(today, -area.certification_months)


# Training modules ------------------------------------------------------------------------


def training_modules(area: Area) -> list[TrainingModule]:
    """The area's current modules, in order. Sets up the defaults the first time."""
    query = select(TrainingModule).where(TrainingModule.area_id == area.id)
    if db.session.scalar(query.with_only_columns(TrainingModule.id).limit(1)) is None:
        _add_default_modules(area)
    active = query.where(TrainingModule.retired_at.is_(None))
    return list(db.session.scalars(active.order_by(TrainingModule.position, TrainingModule.id)))


def _add_default_modules(area: Area) -> None:
    try:
        with write_transaction():
            exists = select(TrainingModule.id).where(TrainingModule.area_id == area.id)
            if db.session.scalar(exists.limit(1)) is not None:
                return  # set up by another request while we waited for the lock
            for position, (name, name_en) in enumerate(DEFAULT_MODULES, start=1):
                db.session.add(
                    TrainingModule(area_id=area.id, name=name, name_en=name_en, position=position)
                )
            log_action(None, "training.defaults_added", area, area_id=area.id)
    except IntegrityError:
        pass  # PostgreSQL: another request added them at the same moment


def _module_named(area: Area, name: str) -> TrainingModule | None:
    return db.session.scalar(
        select(TrainingModule).where(TrainingModule.area_id == area.id, TrainingModule.name == name)
    )


def add_module(area: Area, *, name: str, name_en: str | None, actor: Person) -> TrainingModule:
    """A new module at the end of the list (a removed module of the same name comes back)."""
    training_modules(area)
    module = _module_named(area, name)
    if module is not None and module.is_active:
        raise SupporterError("module_name_taken")
    last = db.session.scalar(
        select(func.max(TrainingModule.position)).where(TrainingModule.area_id == area.id)
    )
    if module is None:
        module = TrainingModule(area_id=area.id, name=name)
        db.session.add(module)
    module.name_en, module.retired_at, module.position = name_en, None, (last or 0) + 1
    log_action(actor, "training.module_added", module, area_id=area.id, name=name)
    db.session.commit()
    return module


def update_module(module: TrainingModule, *, name: str, name_en: str | None, actor: Person):
    other = _module_named(db.session.get(Area, module.area_id), name)
    if other is not None and other.id != module.id:
        raise SupporterError("module_name_taken")
    old = module.name
    module.name, module.name_en = name, name_en
    log_action(actor, "training.module_changed", module, area_id=module.area_id, old=old, name=name)
    db.session.commit()


def remove_module(module: TrainingModule, *, actor: Person) -> None:
    """Take a module off the list; records of it stay in people's training history."""
    if not module.is_active:
        raise SupporterError("module_not_found")
    module.retired_at = utcnow()
    log_action(actor, "training.module_removed", module, area_id=module.area_id, name=module.name)
    db.session.commit()


def set_certification_period(area: Area, *, months: int, actor: Person) -> None:
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise ValueError("months out of range")  # the form checks this first
    if months != area.certification_months:
        old, area.certification_months = area.certification_months, months
        log_action(actor, "training.period_changed", area, area_id=area.id, old=old, months=months)
    db.session.commit()


# Supporters ------------------------------------------------------------------------------


def membership_in(area: Area, person: Person) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(Membership.area_id == area.id, Membership.person_id == person.id)
    )


def _supporter_membership(area: Area, person: Person) -> Membership:
    membership = membership_in(area, person)
    if membership is None or membership.role != Role.supporter:
        raise SupporterError("not_a_supporter")
    return membership


def appoint_supporter(area: Area, identifier: str, *, actor: Person) -> Person:
    """Make a member of the area (found by member number, phone or e-mail) a supporter.

    People who are not members of the area are "not found", like people without an account:
    a coordinator learns nothing about other areas' members.
    """
    people = people_for_identifier(identifier)
    if len(people) > 1:
        raise SupporterError("person_ambiguous")
    membership = membership_in(area, people[0]) if people else None
    if membership is None:
        raise SupporterError("person_not_found")
    if membership.role >= Role.supporter:
        raise SupporterError("already_supporter")
    membership.role = Role.supporter
    log_action(actor, "supporter.appointed", people[0], area_id=area.id)
    db.session.commit()
    return people[0]


def end_supporter_role(area: Area, person: Person, *, actor: Person) -> None:
    """Back to member; the certification ends with the role."""
    membership = _supporter_membership(area, person)
    membership.role, membership.certified_until = Role.member, None
    log_action(actor, "supporter.role_ended", person, area_id=area.id)
    db.session.commit()


def record_training(
    area: Area, person: Person, *, module_id: int, completed_on: date, actor: Person, today: date
) -> TrainingRecord:
    """Record a completed module. Recording the same module and day twice keeps one record."""
    _supporter_membership(area, person)
    module = db.session.get(TrainingModule, module_id)
    if module is None or module.area_id != area.id or not module.is_active:
        raise SupporterError("module_not_found")
    if completed_on > today:
        raise SupporterError("date_in_future")
    key = {"person_id": person.id, "module_id": module.id, "completed_on": completed_on}
    record = db.session.scalar(select(TrainingRecord).filter_by(**key))
    if record is not None:
        return record
    record = TrainingRecord(**key, recorded_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:  # the same form sent twice at once (PostgreSQL)
        return db.session.scalar(select(TrainingRecord).filter_by(**key))
    log_action(
        actor,
        "training.recorded",
        person,
        area_id=area.id,
        module=module.name,
        completed_on=completed_on.isoformat(),
    )
    db.session.commit()
    return record


def remove_training_record(area: Area, record: TrainingRecord, *, actor: Person) -> None:
    """Undo a record keyed in by mistake (the audit log keeps what it said)."""
    person = db.session.get(Person, record.person_id)
    log_action(
        actor,
        "training.record_removed",
        person,
        area_id=area.id,
        module=record.module.name,
        completed_on=record.completed_on.isoformat(),
    )
    db.session.delete(record)
    db.session.commit()


def missing_modules(area: Area, person: Person, *, today: date) -> list[TrainingModule]:
    """Modules on the list without a completion that still counts on `today`."""
    modules = training_modules(area)
    done = set(
        db.session.scalars(
            select(TrainingRecord.module_id).where(
                TrainingRecord.person_id == person.id,
                TrainingRecord.module_id.in_([m.id for m in modules]),
                TrainingRecord.completed_on >= counts_since(area, today),
            )
        )
    )
    return [m for m in modules if m.id not in done]


def certify(area: Area, person: Person, *, actor: Person, today: date) -> Membership:
    """Certify (or renew) a supporter from `today` for the area's period."""
    membership = _supporter_membership(area, person)
    missing = missing_modules(area, person, today=today)
    if missing:
        raise SupporterError("modules_missing", modules=missing)
    previous = membership.certified_until
    membership.certified_until = add_months(today, area.certification_months)
    log_action(
        actor,
        "supporter.certified",
        person,
        area_id=area.id,
        until=membership.certified_until.isoformat(),
        renewal=previous is not None,
    )
    db.session.commit()
    return membership
