"""Who may see a request, and who may offer to help with it.

The requester, the chosen helper, everyone who offered and the area's coordinators (who watch
over exchanges) always see it. Anyone else sees only an open request, and only when its
audience includes them: connections of the requester, members of the area, certified
supporters of the area, or the one person it is addressed to. `open_for_helper` is the same
rule in SQL, for lists.
"""

from datetime import date, datetime

from sqlalchemy import and_, false, or_

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


def open_for_helper(person, *, now: datetime, today: date, not_before: datetime | None = None):
    """SQL condition: open requests, not yet started, whose audience includes `person`.

    `not_before` (a page's keyset position) narrows the start to one bound on start_at, so
    that the index range begins there: a deep page costs what the first one does.
    """
    area_ids = sorted({m.area_id for m in person.memberships})
    certified = sorted({m.area_id for m in person.memberships if m.is_certified(today)})
    audiences = [
        and_(
            HelpRequest.audience == Audience.connections,
            HelpRequest.requester_id.in_(connected_ids_query(person.id)),
        ),
        and_(HelpRequest.audience == Audience.person, HelpRequest.addressed_to_id == person.id),
        and_(HelpRequest.audience == Audience.area, HelpRequest.area_id.in_(area_ids))
        if area_ids
        else false(),
        and_(HelpRequest.audience == Audience.supporters, HelpRequest.area_id.in_(certified))
        if certified
        else false(),
    ]
    starts = (
        HelpRequest.start_at >= not_before
        if not_before is not None and not_before > now
        else HelpRequest.start_at > now
    )
    return and_(
        HelpRequest.status == RequestStatus.open,
        starts,
        HelpRequest.requester_id != person.id,
        or_(*audiences),
    )
