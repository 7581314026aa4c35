"""Running events: the state table, cancelling tells everyone, copying, event staff."""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from tests.events.test_pictures import png_bytes
from tests.factories import make_event, make_person, make_signup
from webapp import clock
from webapp.areas.models import Role
from webapp.audit import AuditEntry
from webapp.events import managing, permissions
from webapp.events.errors import EventError
from webapp.events.models import CapacityUnit, Event, EventStatus, SignupStatus
from webapp.extensions import db
from webapp.notifications.models import FollowUpCall, Notification


def values(**overrides) -> dict:
    day = clock.today() + timedelta(days=20)
    base = {
        "title": "夏まつり交流会",
        "description": "みんなで遊びましょう。",
        "venue": "美園公民館",
        "address": None,
        "starts_at": datetime.combine(day, time(13, 0), tzinfo=clock.TOWN_TZ),
        "ends_at": datetime.combine(day, time(15, 0), tzinfo=clock.TOWN_TZ),
        "audience": None,
        "capacity": 20,
        "capacity_unit": CapacityUnit.groups,
        "fee_yen": 300,
        "childcare_available": True,
        "what_to_bring": "タオル",
        "signup_deadline": day - timedelta(days=2),
        "contact_phone": None,
        "organiser": None,
    }
    base.update(overrides)
    return base


def test_create_makes_a_draft_and_audits(town):
    event = managing.create_event(town["misono"], actor=town["coordinator"], **values())
    assert event.status is EventStatus.draft and event.created_by_id == town["coordinator"].id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.created"))
    assert entry.subject_id == event.id and entry.area_id == town["misono"].id


@pytest.mark.parametrize(
    "start, to, allowed",
    [
        (EventStatus.draft, EventStatus.published, True),
        (EventStatus.draft, EventStatus.closed, False),
        (EventStatus.published, EventStatus.closed, True),
        (EventStatus.closed, EventStatus.published, True),
        (EventStatus.published, EventStatus.draft, False),
        (EventStatus.cancelled, EventStatus.published, False),
        (EventStatus.closed, EventStatus.cancelled, True),
    ],
)
def test_the_state_table(town, start, to, allowed):
    event = make_event(town["misono"], status=start)
    db.session.commit()
    if allowed:
        managing.change_status(event, to, actor=town["coordinator"])
        assert event.status is to
    else:
        with pytest.raises(EventError) as error:
            managing.change_status(event, to, actor=town["coordinator"])
        assert error.value.code == "bad_transition"


def test_publishing_stamps_the_time_and_an_ended_event_cannot_be_published(town):
    event = make_event(town["misono"], status=EventStatus.draft)
    db.session.commit()
    with pytest.raises(EventError) as error:
        managing.change_status(
            event, EventStatus.published, actor=town["coordinator"], now=event.ends_at
        )
    assert error.value.code == "already_ended"
    managing.change_status(event, EventStatus.published, actor=town["coordinator"])
    assert event.published_at is not None


def test_cancelling_the_event_tells_everyone_signed_up_or_waiting(town):
    event = town["event"]
    member = town["member"]
    make_signup(event, person_id=member.id, phone=None)
    guest = make_signup(event, status=SignupStatus.waitlisted)
    make_signup(event, status=SignupStatus.cancelled)
    db.session.commit()
    managing.change_status(event, EventStatus.cancelled, actor=town["coordinator"])
    assert db.session.scalar(select(Notification.person_id)) == member.id
    calls = list(db.session.scalars(select(FollowUpCall)))
    assert [(c.phone, c.kind) for c in calls] == [(guest.phone, "event.cancelled")]


def test_copy_makes_a_draft_on_another_day_with_the_same_times(town, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVENT_PICTURE_DIR", str(tmp_path))
    event = managing.create_event(town["misono"], actor=town["coordinator"], **values())
    managing.change_status(event, EventStatus.published, actor=town["coordinator"])
    managing.set_picture(event, png_bytes(), actor=town["coordinator"])
    next_day = event.starts_at.astimezone(clock.TOWN_TZ).date() + timedelta(days=28)

    copy = managing.copy_event(event, actor=town["coordinator"], starts_on=next_day)

    assert copy.status is EventStatus.draft and copy.copied_from_id == event.id
    local = copy.starts_at.astimezone(clock.TOWN_TZ)
    assert (local.date(), local.time()) == (next_day, time(13, 0))
    assert copy.ends_at - copy.starts_at == timedelta(hours=2)
    assert copy.signup_deadline == next_day - timedelta(days=2)
    assert (copy.title, copy.fee_yen, copy.capacity) == (event.title, 300, 20)
    assert copy.picture_file and copy.picture_file != event.picture_file
    assert (tmp_path / copy.picture_file).is_file()


def test_event_staff_are_supporters_of_any_area(town):
    event = town["event"]
    coordinator = town["coordinator"]
    helper = town["helper"]  # a supporter from the neighbouring area
    assert not permissions.can_manage(helper, event)
    managing.add_staff(event, helper.member_number, actor=coordinator)
    assert permissions.can_manage(helper, event)
    assert not permissions.is_coordinator_of(helper, event)
    for identifier, code in [
        (helper.member_number, "already_staff"),
        (town["member"].member_number, "not_a_supporter"),
        ("12345678", "person_not_found"),
    ]:
        with pytest.raises(EventError) as error:
            managing.add_staff(event, identifier, actor=coordinator)
        assert error.value.code == code
    managing.remove_staff(event, helper, actor=coordinator)
    assert not permissions.can_manage(helper, event)
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"event.staff_added", "event.staff_removed"} <= actions


def test_a_shared_phone_is_ambiguous(town):
    make_person(area=town["misono"], role=Role.supporter, phone="0488005555")
    make_person(area=town["misono"], role=Role.supporter, phone="0488005555")
    db.session.commit()
    with pytest.raises(EventError) as error:
        managing.add_staff(town["event"], "048-800-5555", actor=town["coordinator"])
    assert error.value.code == "person_ambiguous"


def test_coordinators_of_another_area_do_not_manage(town):
    event = town["event"]
    assert permissions.can_manage(town["coordinator"], event)
    assert permissions.can_manage(town["admin"], event)
    assert not permissions.can_manage(town["hino_coordinator"], event)
    assert not permissions.can_manage(town["supporter"], event)  # not allowed for this one
    assert not permissions.can_manage(town["member"], event)


def test_note_after_the_event(town):
    event = town["event"]
    managing.save_note(event, "  親子12組が参加。次回は広い部屋で。 ", actor=town["coordinator"])
    assert event.post_event_note == "親子12組が参加。次回は広い部屋で。"
    managing.save_note(event, "   ", actor=town["coordinator"])
    assert event.post_event_note is None
    assert db.session.scalar(select(func.count(Event.id))) == 1
