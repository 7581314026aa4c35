"""Who may see a household."""

from ..areas.models import Role
from .models import Household, Person


def can_view_household(person: Person, household: Household) -> bool:
    """Its own adults, and supporters and coordinators of its area (the help desk)."""
    if not person.is_authenticated:
        return False
    if person.household_id == household.id:
        return True
    return person.has_role(Role.supporter, household.area_id)
