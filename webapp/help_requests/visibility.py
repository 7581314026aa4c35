"""Who may see a request, and who may offer to help with it.

The requester, the chosen helper, everyone who offered and the area's coordinators (who watch
over exchanges) always see it. Anyone else sees only an open request, and only when its
audience includes them: connections of the requester, members of the area, certified
supporters of the area, or the one person it is addressed to. `open_for_helper` is the same
rule in SQL, for lists.
"""

from datetime import date, datetime

from sqlalchemy import and_

from ..areas.models import Role
from ..connections.services import are_connected, connected_ids_query
from .models import Audience, HelpRequest, RequestStatus


def is_watcher(person, help_request: HelpRequest) -> bool:
    """Coordinators of the request's area, and admins: they watch over exchanges."""
    return person.is_admin or person.has_role(Role.coordinator, help_request.area_id)


def audience_includes(person, help_request: HelpRequest, *, today: date) -> bool:
    if person.id == help_request.requester_id:
        return False
    audience = help_request.audience
    if audience is Audience.person:
        return person.id == help_request.addressed_to_id
    if audience is Audience.connections:
        return are_connected(person.id, help_request.requester_id)
    if audience is Audience.area:
        return any(m.area_id == help_request.area_id for m in person.memberships)
    if audience is Audience.supporters:
        return person.is_certified_supporter(today, help_request.area_id)
    return False


def is_involved(person, help_request: HelpRequest) -> bool:
    return person.id in (help_request.requester_id, help_request.helper_id) or any(
        offer.helper_id == person.id for offer in help_request.offers
    )


def can_view(person, help_request: HelpRequest, *, now: datetime, today: date) -> bool:
    if not getattr(person, "is_authenticated", False):
        return False
    if is_involved(person, help_request) or is_watcher(person, help_request):
        return True
    return help_request.status_on(now) is RequestStatus.open and audience_includes(
        person, help_request, today=today
    )


def can_see_private_details(person, help_request: HelpRequest) -> bool:
    """Care notes and the home address: the requester, and the helper once chosen."""
    return person.id == help_request.requester_id or (
        help_request.helper_id is not None and person.id == help_request.helper_id
    )


def helper_areas(person, *, today: date) -> tuple[list[int], list[int]]:
    """The areas `person` belongs to, and those where they are a certified supporter: whose
    requests to everyone in the area, or to its certified supporters, include them."""
    return (
        sorted({m.area_id for m in person.memberships}),
        sorted({m.area_id for m in person.memberships if m.is_certified(today)}),
    )


def open_for_helper(person_id, *, area_ids, certified_area_ids, starts) -> list:
    """SQL conditions, one per audience that can include the person: open requests of
    others, starting as `starts` says (a condition on start_at). A request has one audience,
    so it matches at most one condition. `area_ids` and `certified_area_ids` (from
    `helper_areas`) are None when the person has none; like `person_id` they may be values
    or bind parameters (a list's statement is built once and run with each viewer's values).

    Each condition starts from an indexed column (the requester's connections, the person
    addressed, the areas): a list unions them and reads only the rows meant for the person,
    however many requests the site holds.
    """
    open_now = and_(
        HelpRequest.status == RequestStatus.open, starts, HelpRequest.requester_id != person_id
    )
    audiences = [
        and_(
            HelpRequest.requester_id.in_(connected_ids_query(person_id)),
            HelpRequest.audience == Audience.connections,
        ),
        and_(HelpRequest.addressed_to_id == person_id, HelpRequest.audience == Audience.person),
    ]
    if area_ids is not None:
        audiences.append(
            and_(HelpRequest.area_id.in_(area_ids), HelpRequest.audience == Audience.area)
        )
    if certified_area_ids is not None:
        audiences.append(
            and_(
                HelpRequest.area_id.in_(certified_area_ids),
                HelpRequest.audience == Audience.supporters,
            )
        )
    return [and_(audience, open_now) for audience in audiences]
