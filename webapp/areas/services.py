"""Area rules: creating areas, changing their settings, appointing coordinators.

Error codes (AreaError.code): `name_taken`, `person_not_found`, `person_ambiguous`,
`not_a_coordinator`, `email_taken`.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..accounts.services import new_member_number, people_for_identifier
from ..audit import log_action, register_action
from ..extensions import db
from ..households.models import Household, Person
from .models import Area, Membership, Role

register_action("area.created", _l("Area created"), _l("Created the area %(name)s"))
register_action("area.updated", _l("Area settings changed"))
register_action(
    "area.coordinator_appointed",
    _l("Coordinator appointed"),
    _l("Appointed %(subject)s as a coordinator"),
)
register_action(
    "area.coordinator_removed",
    _l("Coordinator removed"),
    _l("%(subject)s is no longer a coordinator"),
)
register_action(
    "area.coordinator_created",
    _l("Staff account created"),
    _l("Created a staff account for %(subject)s as a coordinator"),
)


class AreaError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _name_taken(name: str, *, except_id: int | None = None) -> bool:
    query = select(Area.id).where(Area.name == name)
    if except_id is not None:
        query = query.where(Area.id != except_id)
    return db.session.scalar(query) is not None


def create_area(*, actor: Person, **settings) -> Area:
    if _name_taken(settings["name"]):
        raise AreaError("name_taken")
    area = Area(created_by_id=actor.id, **settings)
    db.session.add(area)
    log_action(actor, "area.created", area, area_id=None, name=area.name)
    db.session.commit()
    return area


def update_area(area: Area, *, actor: Person, **settings) -> Area:
    if "name" in settings and _name_taken(settings["name"], except_id=area.id):
        raise AreaError("name_taken")
    changed = {}
    for key, value in settings.items():
        if getattr(area, key) != value:
            changed[key] = str(value)
            setattr(area, key, value)
    if changed:
        log_action(actor, "area.updated", area, area_id=area.id, changed=sorted(changed))
    db.session.commit()
    return area


def set_role(area: Area, person: Person, role: Role, *, actor: Person) -> Membership:
    membership = db.session.scalar(
        select(Membership).where(Membership.area_id == area.id, Membership.person_id == person.id)
    )
    if membership is None:
        membership = Membership(area_id=area.id, person_id=person.id, created_by_id=actor.id)
        db.session.add(membership)
    membership.role = role
    return membership


def appoint_coordinator(area: Area, identifier: str, *, actor: Person) -> Person:
    people = people_for_identifier(identifier)
    if not people:
        raise AreaError("person_not_found")
    if len(people) > 1:
        raise AreaError("person_ambiguous")
    person = people[0]
    set_role(area, person, Role.coordinator, actor=actor)
    log_action(actor, "area.coordinator_appointed", person, area_id=area.id)
    db.session.commit()
    return person


def remove_coordinator(area: Area, person: Person, *, actor: Person) -> None:
    """Residents of the area stay members; outside staff lose their place in the area."""
    membership = db.session.scalar(
        select(Membership).where(Membership.area_id == area.id, Membership.person_id == person.id)
    )
    if membership is None or membership.role != Role.coordinator:
        raise AreaError("not_a_coordinator")
    lives_here = person.household is not None and person.household.area_id == area.id
    if lives_here:
        membership.role = Role.member
    else:
        db.session.delete(membership)
    log_action(actor, "area.coordinator_removed", person, area_id=area.id)
    db.session.commit()


def create_coordinator(area: Area, *, actor: Person, password_hash: str, **fields) -> Person:
    if fields.get("email") and db.session.scalar(
        select(Person.id).where(Person.email == fields["email"])
    ):
        raise AreaError("email_taken")
    person = Person(
        member_number=new_member_number(),
        password_hash=password_hash,
        created_by_id=actor.id,
        **fields,
    )
    db.session.add(person)
    db.session.flush()
    set_role(area, person, Role.coordinator, actor=actor)
    log_action(actor, "area.coordinator_created", person, area_id=area.id)
    db.session.commit()
    return person


def coordinators_of(area: Area) -> list[Person]:
    return list(
        db.session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.area_id == area.id, Membership.role == Role.coordinator)
            .order_by(Person.display_name)
        )
    )


def area_overview(area_ids: set[int] | None = None) -> list[dict]:
    """Each area with its household and member counts, in two queries whatever the size."""
    query = select(Area).order_by(Area.name)
    if area_ids is not None:
        query = query.where(Area.id.in_(area_ids))
    areas = list(db.session.scalars(query))
    ids = [a.id for a in areas]
    households = dict(
        db.session.execute(
            select(Household.area_id, func.count(Household.id))
            .where(Household.area_id.in_(ids))
            .group_by(Household.area_id)
        ).all()
    )
    members = dict(
        db.session.execute(
            select(Membership.area_id, func.count(Membership.id))
            .where(Membership.area_id.in_(ids))
            .group_by(Membership.area_id)
        ).all()
    )
    return [
        {"area": a, "households": households.get(a.id, 0), "members": members.get(a.id, 0)}
        for a in areas
    ]
