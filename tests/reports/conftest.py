"""Builders for report tests: residents and requests that happened in a given month."""

from datetime import UTC, datetime, timedelta

from tests.factories import make_household, make_person
from webapp.areas.models import Membership, Role
from webapp.clock import TOWN_TZ
from webapp.extensions import db
from webapp.help_requests.models import HelpRequest, RequestKind, RequestStatus


def town_moment(year: int, month: int, day: int = 10, hour: int = 12) -> datetime:
    """A moment in the town's time, as the UTC the database stores."""
    return datetime(year, month, day, hour, tzinfo=TOWN_TZ).astimezone(UTC)


def resident(area, when: datetime, **overrides):
    """A household and its member who joined `area` at `when`."""
    household = make_household(area, created_at=when)
    person = make_person(household, role=None, created_at=when, **overrides)
    db.session.add(Membership(person_id=person.id, area_id=area.id, created_at=when))
    db.session.flush()
    return person


def past_request(person, area, *, posted: datetime, status=RequestStatus.open, kind=None):
    """A request posted at `posted` that starts a day later and ended in `status`."""
    request = HelpRequest(
        area_id=area.id,
        requester_id=person.id,
        household_id=person.household_id,
        kind=kind or RequestKind.childcare,
        title="お迎え",
        start_at=posted + timedelta(days=1),
        end_at=posted + timedelta(days=1, hours=2),
        audience="connections",
        status=status,
        created_at=posted,
    )
    db.session.add(request)
    db.session.flush()
    return request


def staff(area, role=Role.coordinator):
    person = make_person(with_household=False, role=None)
    db.session.add(Membership(person_id=person.id, area_id=area.id, role=role))
    db.session.flush()
    return person
