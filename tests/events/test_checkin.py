"""At the door: check-in twice is harmless, undo, walk-ins, attendance from paper."""

import pytest
from sqlalchemy import func, select

from tests.conftest import count_queries
from tests.factories import make_signup
from webapp.audit import AuditEntry
from webapp.events import checkin, queries, signups
from webapp.events.errors import EventError
from webapp.events.models import Signup, SignupSource, SignupStatus
from webapp.events.signups import Party
from webapp.extensions import db


def audit_count(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == action))


def test_checking_in_twice_is_harmless(town):
    signup = make_signup(town["event"])
    db.session.commit()
    supporter = town["supporter"]
    assert checkin.check_in(signup, actor=supporter) is True
    first = signup.checked_in_at
    assert checkin.check_in(signup, actor=town["coordinator"]) is False
    assert signup.checked_in_at == first and signup.checked_in_by_id == supporter.id
    assert audit_count("event.checked_in") == 1
    assert queries.counts(town["event"]).arrived_groups == 1


def test_undo_and_check_in_again(town):
    signup = make_signup(town["event"])
    db.session.commit()
    checkin.check_in(signup, actor=town["supporter"])
    assert checkin.undo_check_in(signup, actor=town["supporter"]) is True
    assert signup.checked_in_at is None
    assert checkin.undo_check_in(signup, actor=town["supporter"]) is False
    assert checkin.check_in(signup, actor=town["supporter"]) is True


def test_a_cancelled_signup_cannot_be_checked_in(town):
    signup = make_signup(town["event"], status=SignupStatus.cancelled)
    db.session.commit()
    with pytest.raises(EventError) as error:
        checkin.check_in(signup, actor=town["supporter"])
    assert error.value.code == "cannot_check_in"


def test_a_walk_in_is_checked_in_and_never_takes_a_place(town):
    event = town["event"]  # 3 places
    for _n in range(3):
        make_signup(event)
    db.session.commit()
    walk_in = checkin.add_walk_in(
        event,
        party=Party(
            name="高橋 和子", kana="タカハシ カズコ", adults=1, children=2, wants_membership=True
        ),
        actor=town["supporter"],
    )
    assert walk_in.status is SignupStatus.walk_in and walk_in.is_checked_in
    assert walk_in.entered_by_id == town["supporter"].id and walk_in.wants_membership
    assert signups.seats_taken(event) == 3
    counts = queries.counts(event)
    assert (counts.walk_in_groups, counts.walk_in_people, counts.arrived_people) == (1, 3, 3)
    after = queries.after_event(event)
    assert [s.id for s in after.membership_wanted] == [walk_in.id]
    assert after.no_shows == 3


def test_a_walk_in_with_the_phone_of_a_signup_is_pointed_to_it(town):
    signup = make_signup(town["event"], phone="09012345678")
    db.session.commit()
    with pytest.raises(EventError) as error:
        checkin.add_walk_in(
            town["event"],
            party=Party(name="同じ 電話", phone="09012345678"),
            actor=town["supporter"],
        )
    assert error.value.code == "already_signed_up" and error.value.details["signup"].id == signup.id


def test_attendance_keyed_in_from_paper(town):
    event = town["event"]
    came, stayed_home, checked_at_door = (make_signup(event) for _ in range(3))
    make_signup(event, status=SignupStatus.cancelled)
    db.session.commit()
    checkin.check_in(checked_at_door, actor=town["supporter"])
    added, removed = checkin.key_in_attendance(
        event, {came.id, checked_at_door.id}, actor=town["coordinator"]
    )
    assert (added, removed) == (1, 0)
    db.session.refresh(came)
    assert came.check_in_method == checkin.PAPER and stayed_home.checked_in_at is None
    added, removed = checkin.key_in_attendance(event, {came.id}, actor=town["coordinator"])
    assert (added, removed) == (0, 1)
    assert audit_count("event.attendance_keyed_in") == 2


def test_search_by_name_reading_code_or_phone(town):
    event = town["event"]
    hanako = make_signup(event, name="山田 花子", kana="ヤマダ ハナコ", phone="09011112222")
    make_signup(event, name="佐藤 一郎", kana="サトウ イチロウ", phone="09033334444")
    gone = make_signup(event, name="山田 次郎", kana="ヤマダ ジロウ", status=SignupStatus.cancelled)
    db.session.commit()

    def found(q):
        return [s.id for s in queries.search_signups(event, q)[0]]

    assert found("山田花子") == [hanako.id]
    assert found("やまだ") == [hanako.id]  # hiragana finds the katakana reading
    assert found("ﾔﾏﾀﾞ") == [hanako.id]  # half-width katakana too
    assert found(hanako.code.lower()) == [hanako.id]
    assert found("2222") == [hanako.id]
    assert gone.id not in found("")
    assert len(found("")) == 2
    assert found("100%") == []


def test_signup_lists_and_counts_take_a_fixed_number_of_queries(town):
    event = town["event"]

    def measure():
        db.session.expire_all()
        with count_queries() as statements:
            queries.signups_by_status(event)
            queries.counts(event)
            queries.search_signups(event, "")
            queries.sheet_rows(event)
        return len(statements)

    for _n in range(3):
        make_signup(event, entered_by_id=town["supporter"].id, source=SignupSource.phone)
    db.session.commit()
    small = measure()
    for _n in range(60):
        make_signup(event, entered_by_id=town["coordinator"].id, source=SignupSource.desk)
    db.session.commit()
    assert measure() == small
    assert db.session.scalar(select(func.count(Signup.id))) == 63
