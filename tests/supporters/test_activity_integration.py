"""A supporter's page counts the helps they completed and the events they ran."""

from datetime import timedelta

from tests.factories import add_membership, make_area, make_event, make_help_request, make_person
from webapp import clock
from webapp.areas.models import Role
from webapp.events.models import EventStaff, EventStatus
from webapp.extensions import db
from webapp.help_requests.models import RequestStatus
from webapp.supporters.queries import helps_and_events


def test_helps_and_events_are_counted():
    area = make_area()
    supporter = make_person(area=area, role=Role.supporter)
    requester = make_person(area=area)
    now = clock.now()
    done = make_help_request(requester, start_at=now - timedelta(days=3))
    done.helper_id, done.status, done.completed_at = supporter.id, RequestStatus.completed, now
    other = make_help_request(requester, start_at=now - timedelta(days=2))
    other.helper_id, other.status = supporter.id, RequestStatus.matched  # not completed yet
    past = make_event(
        area, starts_at=now - timedelta(days=7), ends_at=now - timedelta(days=7, hours=-2)
    )
    db.session.add(EventStaff(event_id=past.id, person_id=supporter.id))
    make_event(
        area,
        created_by_id=supporter.id,
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=30, hours=-2),
        status=EventStatus.closed,
    )
    make_event(area, created_by_id=supporter.id)  # still to come: not "run" yet
    make_event(
        area,
        created_by_id=supporter.id,
        starts_at=now - timedelta(days=1),
        ends_at=now - timedelta(days=1, hours=-2),
        status=EventStatus.cancelled,
    )
    db.session.commit()
    activity = helps_and_events(supporter, now=now)
    assert (activity.helps_done, activity.events_run) == (1, 2)
    assert [e.id for e in activity.recent_events][0] == past.id


def test_supporter_page_shows_activity(client):
    area = make_area()
    coordinator = make_person(with_household=False, role=None)
    add_membership(coordinator, area, Role.coordinator)
    supporter = make_person(area=area, role=Role.supporter)
    db.session.commit()
    client.sign_in(coordinator)
    html = client.get(f"/areas/{area.id}/supporters/{supporter.id}").get_data(as_text=True)
    assert 'id="activity"' in html
