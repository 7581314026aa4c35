"""Posting a request: what is allowed, what is recommended, what needs a warning.

Error codes (HelpRequestError.code): `no_household` (staff accounts cannot ask),
`start_passed`, `end_before_start`, `children_required` (pick-ups and childcare name the
children), `unknown_child`, `audience_not_allowed`, `offer_not_available`, `own_offer`.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import select

from ..areas.models import Area, Membership, RequestAudience, Role
from ..audit import log_action
from ..clock import TOWN_TZ
from ..connections.services import are_connected, connected_ids_query
from ..extensions import db
from ..households.models import Child, Person
from .errors import HelpRequestError
from .models import Audience, HelpRequest, RequestKind
from .notices import tell

MAX_NEW_REQUEST_NOTICES = 200  # a request never floods more inboxes than this


def town_datetime(day: date, at: time) -> datetime:
    """A date and a wall-clock time in the town, as an aware datetime."""
    return datetime.combine(day, at, tzinfo=TOWN_TZ)


def allowed_audiences(area: Area, kind: RequestKind) -> list[Audience]:
    """Who may be asked. Where the area keeps pick-ups and childcare among acquaintances, those
    go to connections or to the area's certified supporters only."""
    if kind.is_care and area.request_audience is RequestAudience.connections:
        return [Audience.connections, Audience.supporters]
    return [Audience.connections, Audience.area, Audience.supporters]


def default_audience(area: Area, kind: RequestKind) -> Audience:
    if kind.is_care:
        return Audience(area.request_audience.value)
    return Audience.area


def recommended_thank_you(area: Area, hours: float) -> tuple[int, int]:
    """The area's hourly range (e.g. 500–700 yen) times the hours, rounded to 10 yen."""
    return (
        int(round(area.thank_you_min_yen * hours, -1)),
        int(round(area.thank_you_max_yen * hours, -1)),
    )


def uninsured_children(area: Area, children: list[Child], day: date) -> list[tuple[Child, int]]:
    """Children outside the area's insured age range on `day`, with their age then."""
    out = []
    for child in children:
        age = child.age_on(day)
        if not area.insured_age_min <= age <= area.insured_age_max:
            out.append((child, age))
    return out


@dataclass
class Draft:
    """A request as typed, before it is posted."""

    kind: RequestKind
    title: str
    day: date
    start: time
    end: time
    children: list[Child] = field(default_factory=list)
    audience: Audience | None = None
    details: str | None = None
    place_from: str | None = None
    place_to: str | None = None
    thank_you_yen: int | None = None
    thank_you_note: str | None = None
    first_offer_wins: bool = False
    offer: object | None = None  # an Offer (できること): the request goes to its owner only

    @property
    def start_at(self) -> datetime:
        return town_datetime(self.day, self.start)

    @property
    def end_at(self) -> datetime:
        return town_datetime(self.day, self.end)

    @property
    def hours(self) -> float:
        return max((self.end_at - self.start_at).total_seconds() / 3600, 0)


def _addressee_allowed(area: Area, kind: RequestKind, requester: Person, person: Person, today):
    if not kind.is_care or area.request_audience is RequestAudience.area:
        return True
    return are_connected(requester.id, person.id) or person.is_certified_supporter(today, area.id)


def check_draft(draft: Draft, *, requester: Person, now: datetime) -> Area:
    """Raise HelpRequestError when the draft breaks a rule; return the request's area."""
    if requester.household is None:
        raise HelpRequestError("no_household")
    area = db.session.get(Area, requester.household.area_id)
    if draft.end_at <= draft.start_at:
        raise HelpRequestError("end_before_start")
    if draft.start_at <= now:
        raise HelpRequestError("start_passed")
    if any(child.household_id != requester.household_id for child in draft.children):
        raise HelpRequestError("unknown_child")
    if draft.kind.is_care and not draft.children:
        raise HelpRequestError("children_required")
    today = now.astimezone(TOWN_TZ).date()
    if draft.offer is not None:
        offer = draft.offer
        my_areas = {m.area_id for m in requester.memberships}
        if not offer.active or offer.area_id not in my_areas:
            raise HelpRequestError("offer_not_available")
        if offer.person_id == requester.id:
            raise HelpRequestError("own_offer")
        if not _addressee_allowed(area, draft.kind, requester, offer.person, today):
            raise HelpRequestError("audience_not_allowed")
    elif draft.audience not in allowed_audiences(area, draft.kind):
        raise HelpRequestError("audience_not_allowed")
    return area


def post_request(draft: Draft, *, requester: Person, actor: Person, now: datetime) -> HelpRequest:
    """Post the request and tell the people it is meant for. Commits.

    `actor` is the requester, or a supporter typing it in for them (both are recorded).
    """
    area = check_draft(draft, requester=requester, now=now)
    offer = draft.offer
    help_request = HelpRequest(
        area_id=area.id,
        requester_id=requester.id,
        household_id=requester.household_id,
        kind=draft.kind,
        title=draft.title,
        details=draft.details or None,
        place_from=draft.place_from or None,
        place_to=draft.place_to or None,
        start_at=draft.start_at,
        end_at=draft.end_at,
        audience=Audience.person if offer is not None else draft.audience,
        addressed_to_id=offer.person_id if offer is not None else None,
        offer_id=offer.id if offer is not None else None,
        thank_you_yen=draft.thank_you_yen,
        thank_you_note=draft.thank_you_note or None,
        first_offer_wins=draft.first_offer_wins,
        created_by_id=actor.id,
        children=list(draft.children),
    )
    db.session.add(help_request)
    uninsured = uninsured_children(area, draft.children, draft.day)
    log_action(
        actor,
        "help_request.posted",
        help_request,
        on_behalf_of=requester if actor.id != requester.id else None,
        area_id=area.id,
        kind=draft.kind.value,
        audience=help_request.audience.value,
        uninsured_child_ids=[child.id for child, _age in uninsured],
    )
    for person in _people_to_tell(help_request, now=now):
        tell(person, "help_request.new", help_request, name=requester.display_name)
    db.session.commit()
    return help_request


def _people_to_tell(help_request: HelpRequest, *, now: datetime) -> list[Person]:
    """Whom a new request is announced to: the addressee; the requester's connections (for
    "my connections", and those living in the area for "my area", so that a whole town is not
    woken for every request); the certified supporters of the area for "supporters"."""
    audience = help_request.audience
    query = select(Person).where(Person.id != help_request.requester_id)
    if audience is Audience.person:
        query = query.where(Person.id == help_request.addressed_to_id)
    elif audience is Audience.supporters:
        today = now.astimezone(TOWN_TZ).date()
        query = query.join(Membership, Membership.person_id == Person.id).where(
            Membership.area_id == help_request.area_id,
            Membership.role.in_([Role.supporter, Role.coordinator]),
            Membership.certified_until >= today,
        )
    else:
        query = query.where(Person.id.in_(connected_ids_query(help_request.requester_id)))
        if audience is Audience.area:
            query = query.join(Membership, Membership.person_id == Person.id).where(
                Membership.area_id == help_request.area_id
            )
    return list(db.session.scalars(query.order_by(Person.id).limit(MAX_NEW_REQUEST_NOTICES)))
