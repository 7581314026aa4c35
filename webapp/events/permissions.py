"""Who may run an event and who may see it.

Event staff are the coordinators of the event's area (and admins), and the supporters a
coordinator allowed for that one event. Only coordinators create, copy and cancel events and
choose the staff.
"""

from ..areas.models import Role
from .models import Event


def is_coordinator_of(person, event: Event) -> bool:
    return bool(person.is_authenticated and person.has_role(Role.coordinator, event.area_id))


def can_manage(person, event: Event) -> bool:
    """Coordinators of the area; supporters listed as staff of this event."""
    if not person.is_authenticated:
        return False
    if person.has_role(Role.coordinator, event.area_id):
        return True
    return person.has_role(Role.supporter) and any(s.person_id == person.id for s in event.staff)


def can_view(person, event: Event) -> bool:
    """Published, closed and cancelled events are public; drafts only for their staff."""
    return event.is_visible_to_public() or can_manage(person, event)
