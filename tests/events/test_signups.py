"""Signing up: capacity counted from rows, the waitlist in order of arrival, promotion and
who is told, duplicates refused, cancelling by code and phone."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.factories import make_child, make_event, make_household, make_person, make_signup
from webapp import clock
from webapp.areas.models import Role
from webapp.audit import AuditEntry
from webapp.events import managing, signups
from webapp.events.errors import EventError
from webapp.events.models import CapacityUnit, EventStatus, Signup, SignupSource, SignupStatus
from webapp.events.signups import Party
from webapp.extensions import db
from webapp.notifications.models import FollowUpCall, Notification, OutboxEmail


def guest(n: int, **overrides) -> Party:
    values = {"name": f"鈴木 一郎{n}", "kana": f"スズキ イチロウ{n}", "phone": f"0903000{n:04d}"}
    values.update(overrides)
    return Party(**values)


def sign(event, n, *, source=SignupSource.online, **overrides) -> Signup:
    return signups.sign_up(event, party=guest(n, **overrides), source=source, actor=None)


def test_places_are_confirmed_until_full_then_the_waitlist(town):
    event = town["event"]  # 3 families
    results = [sign(event, n) for n in range(5)]
    assert [s.status for s in results] == [SignupStatus.confirmed] * 3 + [
        SignupStatus.waitlisted
    ] * 2
    assert signups.seats_taken(event) == 3
    assert [signups.waitlist_position(s) for s in results] == [None, None, None, 1, 2]
    assert len({s.code for s in results}) == 5
    assert all(len(s.code) == 6 and set(s.code) <= set(signups.CODE_ALPHABET) for s in results)


def test_capacity_in_people_counts_adults_and_children(town):
    event = make_event(town["misono"], capacity=5, capacity_unit=CapacityUnit.people)
    db.session.commit()
    first = sign(event, 1, adults=1, children=2)
    second = sign(event, 2, adults=2, children=1)  # 3 + 3 > 5
    third = sign(event, 3, adults=1, children=0)  # would fit, but someone waits: joins the line
    assert [first.status, second.status, third.status] == [
        SignupStatus.confirmed,
        SignupStatus.waitlisted,
        SignupStatus.waitlisted,
    ]
    assert signups.seats_taken(event) == 3


def test_a_family_larger_than_the_event_is_refused(town):
    event = make_event(town["misono"], capacity=4, capacity_unit=CapacityUnit.people)
    db.session.commit()
    with pytest.raises(EventError) as error:
        sign(event, 1, adults=2, children=3)
    assert error.value.code == "party_too_large"


def test_cancelling_promotes_the_first_in_line_and_tells_them(town):
    event = town["event"]
    confirmed = [sign(event, n) for n in range(3)]
    first_waiting, second_waiting = sign(event, 10), sign(event, 11)

    promoted = signups.cancel_signup(confirmed[1], actor=None)

    assert [s.id for s in promoted] == [first_waiting.id]
    db.session.refresh(first_waiting)
    db.session.refresh(second_waiting)
    assert first_waiting.status is SignupStatus.confirmed and first_waiting.promoted_at
    assert second_waiting.status is SignupStatus.waitlisted
    assert signups.waitlist_position(second_waiting) == 1
    # A guest without e-mail goes on the supporters' phone follow-up list.
    call = db.session.scalar(select(FollowUpCall))
    assert (call.name, call.phone, call.kind) == (
        first_waiting.name,
        first_waiting.phone,
        "event.promoted",
    )
    assert call.area_id == event.area_id and call.url == f"/events/{event.id}"
    assert call.data["code"] == first_waiting.code and call.data["title"] == event.title
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["event.signup_cancelled", "event.signup_promoted"]


def test_promoted_member_is_notified_and_guest_with_email_is_emailed(app, town, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example.jp")
    event = make_event(town["misono"], capacity=1)
    db.session.commit()
    holder = sign(event, 1)
    member = town["member"]
    member_signup = signups.sign_up(
        event,
        party=signups.party_for_member(member, event),
        source=SignupSource.member,
        actor=member,
        person=member,
    )
    guest_signup = sign(event, 2, email="guest@example.jp")
    assert member_signup.status is guest_signup.status is SignupStatus.waitlisted

    signups.cancel_signup(holder, actor=None)
    notice = db.session.scalar(select(Notification).where(Notification.kind == "event.promoted"))
    assert notice.person_id == member.id and notice.url == f"/events/{event.id}"

    signups.cancel_signup(member_signup, actor=member)
    emails = list(db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))
    # The guest got a confirmation when signing up, then the promotion.
    assert [e.to_address for e in emails] == ["guest@example.jp", "guest@example.jp"]
    assert guest_signup.code in emails[-1].body
    assert db.session.scalar(select(func.count(FollowUpCall.id))) == 0


def test_a_guest_with_email_is_phoned_when_the_site_sends_no_email(town):
    event = make_event(town["misono"], capacity=1)
    db.session.commit()
    holder = sign(event, 1)
    waiting = sign(event, 2, email="guest@example.jp")
    signups.cancel_signup(holder, actor=None)
    assert db.session.scalar(select(FollowUpCall.phone)) == waiting.phone
    assert db.session.scalar(select(func.count(OutboxEmail.id))) == 0


def test_the_line_is_never_skipped_for_a_smaller_family(town):
    event = make_event(town["misono"], capacity=4, capacity_unit=CapacityUnit.people)
    db.session.commit()
    a = sign(event, 1, adults=1, children=1)
    b = sign(event, 2, adults=1, children=1)
    c = sign(event, 3, adults=1, children=2)
    d = sign(event, 4, adults=1, children=0)
    assert signups.cancel_signup(a, actor=None) == []  # 2 free: C (3) does not fit; D waits
    promoted = signups.cancel_signup(b, actor=None)
    assert [s.id for s in promoted] == [c.id, d.id]


def test_more_places_promote_the_waitlist(town):
    event = town["event"]
    for n in range(5):
        sign(event, n)
    values = {name: getattr(event, name) for name in managing.FIELDS}
    promoted = managing.update_event(event, actor=town["coordinator"], **{**values, "capacity": 4})
    assert len(promoted) == 1
    assert signups.seats_taken(event) == 4


def test_fewer_places_than_taken_is_refused(town):
    event = town["event"]
    for n in range(3):
        sign(event, n)
    values = {name: getattr(event, name) for name in managing.FIELDS}
    with pytest.raises(EventError) as error:
        managing.update_event(event, actor=town["coordinator"], **{**values, "capacity": 2})
    assert error.value.code == "capacity_below_taken" and error.value.details["taken"] == 3


def test_nobody_is_promoted_once_the_event_has_started(town):
    event = town["event"]
    first = sign(event, 1)
    sign(event, 2)
    sign(event, 3)
    waiting = sign(event, 4)
    signups.cancel_signup(first, actor=None, now=event.starts_at + timedelta(minutes=5))
    db.session.refresh(waiting)
    assert waiting.status is SignupStatus.waitlisted


def test_the_same_phone_cannot_sign_up_twice(town):
    event = town["event"]
    sign(event, 1)
    phone = guest(1).phone
    with pytest.raises(EventError) as error:
        signups.sign_up(
            event,
            party=Party(name="別の名前", phone=phone),
            source=SignupSource.phone,
            actor=town["supporter"],
        )
    assert error.value.code == "already_signed_up"


def test_a_member_or_their_household_cannot_sign_up_twice(town):
    event = town["event"]
    household = make_household(town["misono"])
    parent = make_person(household, area=town["misono"], phone="09011112222")
    grandparent = make_person(household, area=town["misono"], phone="0488001111")
    db.session.commit()
    signups.sign_up(
        event,
        party=signups.party_for_member(parent, event),
        source=SignupSource.member,
        actor=parent,
        person=parent,
    )
    for person in (parent, grandparent):
        with pytest.raises(EventError) as error:
            signups.sign_up(
                event,
                party=signups.party_for_member(person, event),
                source=SignupSource.member,
                actor=person,
                person=person,
            )
        assert error.value.code == "already_signed_up"


def test_after_cancelling_one_may_sign_up_again(town):
    event = town["event"]
    first = sign(event, 1)
    signups.cancel_signup(first, actor=None)
    again = sign(event, 1)
    assert again.status is SignupStatus.confirmed and again.code != first.code


@pytest.mark.parametrize("column", ["phone", "person_id"])
def test_the_database_refuses_two_active_signups_of_one_person(town, column):
    event = town["event"]
    member = town["member"]
    values = {"phone": "09044445555"} if column == "phone" else {"person_id": member.id}
    make_signup(event, status=SignupStatus.cancelled, **values)
    make_signup(event, **values)  # one cancelled, one active: fine
    db.session.commit()
    with pytest.raises(IntegrityError):
        make_signup(event, status=SignupStatus.waitlisted, **values)
    db.session.rollback()


def test_member_signs_up_with_their_household(town):
    event = town["event"]
    household = make_household(town["misono"])
    parent = make_person(household, area=town["misono"])
    make_person(household, area=town["misono"], password=None)
    day = event.starts_at.astimezone(clock.TOWN_TZ).date()
    make_child(household, birth_year=day.year - 3, birth_month=day.month)
    make_child(household, birth_year=day.year - 1, birth_month=day.month)
    db.session.commit()
    party = signups.party_for_member(parent, event)
    assert (party.adults, party.children, party.children_ages) == (2, 2, [1, 3])
    signup = signups.sign_up(
        event, party=party, source=SignupSource.member, actor=parent, person=parent
    )
    assert signup.person_id == parent.id and signup.entered_by_id is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.signed_up"))
    assert entry.actor_id == parent.id and entry.on_behalf_of_id is None


def test_staff_signup_is_recorded_as_entered_by_them(town):
    supporter = town["supporter"]
    signup = sign(town["event"], 1, source=SignupSource.desk)
    assert signup.entered_by_id is None  # a guest on their own
    staff_signup = signups.sign_up(
        town["event"], party=guest(2), source=SignupSource.desk, actor=supporter
    )
    assert staff_signup.entered_by_id == supporter.id
    assert staff_signup.source is SignupSource.desk
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.subject_id == staff_signup.id))
    assert entry.actor_id == supporter.id and entry.data["source"] == "desk"


@pytest.mark.parametrize(
    "status, staff, code",
    [
        (EventStatus.draft, False, "not_open"),
        (EventStatus.draft, True, "not_open"),
        (EventStatus.cancelled, True, "not_open"),
        (EventStatus.closed, False, "not_open"),
        (EventStatus.closed, True, None),
    ],
)
def test_who_may_sign_up_in_each_state(town, status, staff, code):
    event = make_event(town["misono"], status=status)
    db.session.commit()
    source = SignupSource.phone if staff else SignupSource.online
    actor = town["supporter"] if staff else None
    if code is None:
        assert signups.sign_up(event, party=guest(1), source=source, actor=actor).id
        return
    with pytest.raises(EventError) as error:
        signups.sign_up(event, party=guest(1), source=source, actor=actor)
    assert error.value.code == code


def test_deadline_and_start(town):
    event = make_event(town["misono"])
    event.signup_deadline = event.starts_at.astimezone(clock.TOWN_TZ).date() - timedelta(days=3)
    db.session.commit()
    after_deadline = event.starts_at - timedelta(days=2)
    with pytest.raises(EventError) as error:
        signups.sign_up(
            event, party=guest(1), source=SignupSource.online, actor=None, now=after_deadline
        )
    assert error.value.code == "deadline_passed"
    assert not signups.signups_open(event, now=after_deadline)
    # Staff may still take a phone signup after the deadline, until the event ends.
    staff = signups.sign_up(
        event,
        party=guest(2),
        source=SignupSource.phone,
        actor=town["supporter"],
        now=after_deadline,
    )
    assert staff.status is SignupStatus.confirmed
    with pytest.raises(EventError) as error:
        signups.sign_up(
            event,
            party=guest(3),
            source=SignupSource.phone,
            actor=town["supporter"],
            now=event.ends_at,
        )
    assert error.value.code == "already_started"


def test_cancel_by_code_and_phone(town):
    event = town["event"]
    signup = sign(event, 1)
    waiting = [sign(event, n) for n in (2, 3, 4)][-1]
    found = signups.cancel_by_code(f" {signup.code.lower()} ", guest(1).phone)
    assert found.id == signup.id
    db.session.refresh(signup)
    db.session.refresh(waiting)
    assert signup.status is SignupStatus.cancelled and signup.cancelled_by_id is None
    assert waiting.status is SignupStatus.confirmed
    with pytest.raises(EventError) as error:
        signups.cancel_by_code(signup.code, guest(1).phone)
    assert error.value.code == "already_cancelled"


@pytest.mark.parametrize("wrong", ["code", "phone", "both"])
def test_a_wrong_code_or_phone_does_not_cancel(town, wrong):
    signup = sign(town["event"], 1)
    other_code = "ACDEFG" if signup.code != "ACDEFG" else "ACDEFH"
    code = other_code if wrong in ("code", "both") else signup.code
    phone = "09099998888" if wrong in ("phone", "both") else signup.phone
    with pytest.raises(EventError) as error:
        signups.cancel_by_code(code, phone)
    assert error.value.code == "not_found"
    db.session.refresh(signup)
    assert signup.status is SignupStatus.confirmed


def test_cancelling_after_the_start_is_refused(town):
    signup = sign(town["event"], 1)
    with pytest.raises(EventError) as error:
        signups.cancel_by_code(signup.code, signup.phone, now=town["event"].starts_at)
    assert error.value.code == "already_started"


def test_a_walk_in_cannot_be_cancelled_by_code(town):
    walk_in = make_signup(
        town["event"], status=SignupStatus.walk_in, source=SignupSource.walk_in, phone="0901234567"
    )
    db.session.commit()
    with pytest.raises(EventError) as error:
        signups.cancel_by_code(walk_in.code, walk_in.phone)
    assert error.value.code == "not_found"


def test_role_is_irrelevant_to_signing_up(town):
    """Coordinators and supporters sign up like anyone (their own family)."""
    event = town["event"]
    supporter = town["supporter"]
    assert supporter.has_role(Role.supporter)
    signup = signups.sign_up(
        event,
        party=signups.party_for_member(supporter, event),
        source=SignupSource.member,
        actor=supporter,
        person=supporter,
    )
    assert signup.status is SignupStatus.confirmed
