"""Deleting an account leaves no personal data anywhere in the database: every text column of
every table is searched. Only anonymous counts stay for the area's statistics."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import JSON, String, Text, cast, select

from tests.factories import issue_login_card, make_area, make_person
from webapp.areas.models import Area, Role
from webapp.audit import AuditEntry, log_action
from webapp.builders import make_applicant
from webapp.clock import TOWN_TZ, now
from webapp.extensions import db
from webapp.households.models import Household, Person
from webapp.notifications.models import FollowUpCall, Notification, OutboxEmail
from webapp.profiles.erasure import delete_account, people_left
from webapp.profiles.models import DepartureCount
from webapp.registration.entries import AdultEntry, ChildEntry
from webapp.registration.services import register_household

PERSONAL = {
    "name": "佐藤 和子",
    "kana": "サトウ カズコ",
    "display_name": "かずこさん",
    "phone": "09024681357",
    "email": "kazuko.sato@example.jp",
    "address": "さいたま市緑区美園9-8-7 みそのハイツ305",
    "postal_code": "3360967",
}
CHILDREN = [
    ChildEntry("佐藤 蓮太郎", "サトウ レンタロウ", 2020, 5, "ピーナッツアレルギー（エピペンあり）"),
    ChildEntry("佐藤 結菜", "サトウ ユイナ", 2023, 1, None),
]
ADULT = AdultEntry("佐藤 勝之助", "サトウ カツノスケ")


def _registered(area, supporter):
    applicant = make_applicant(
        **{k: v for k, v in PERSONAL.items() if k != "postal_code"},
        postal_code=PERSONAL["postal_code"],
        adults=[ADULT],
        children=CHILDREN,
    )
    return register_household(
        applicant, area=area, via="desk", consent_method="in_person", actor=supporter, now=now()
    )


def _traces(person):
    """Everything the site may have written about the person in other tables."""
    db.session.add(Notification(person_id=person.id, kind="test.kind", data={"who": person.name}))
    db.session.add(
        FollowUpCall(
            area_id=person.household.area_id,
            person_id=person.id,
            name=person.name,
            phone=person.phone,
            kind="test.call",
        )
    )
    # Left on the phone list before they had an account (an event signup, say).
    db.session.add(
        FollowUpCall(
            area_id=person.household.area_id, name="佐藤さん", phone=person.phone, kind="test.call"
        )
    )
    db.session.add(
        OutboxEmail(to_address=person.email, subject="ようこそ", body=f"{person.name}様")
    )
    log_action(person, "account.signed_in", person)
    db.session.commit()


def _needles(person_values: dict) -> list[str]:
    values = [v for k, v in person_values.items() if k != "postal_code"]
    values += ["090-2468-1357", "佐藤 勝之助", "サトウ カツノスケ"]
    for child in CHILDREN:
        values += [child.name, child.kana] + ([child.care_notes] if child.care_notes else [])
    return values


def _text_found(needles: list[str]) -> list[str]:
    """Each (table.column, needle) where a text, string or JSON column holds a needle."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, JSON):
                expression = cast(column, Text)
            elif isinstance(column.type, String | Text):
                expression = column
            else:
                continue
            for value in db.session.scalars(select(expression).where(column.is_not(None))):
                for needle in needles:
                    if needle in str(value):
                        found.append(f"{table.name}.{column.name}: {needle}")
    return found


@pytest.fixture
def desk():
    area = make_area(name="美園")
    supporter = make_person(area=area, role=Role.supporter)
    db.session.commit()
    return area, supporter


def test_a_deleted_account_leaves_no_personal_data(client, desk):
    area, supporter = desk
    person = _registered(area, supporter)
    issue_login_card(person, actor=supporter)
    _traces(person)
    card = issue_login_card(person, actor=supporter)
    db.session.commit()
    needles = _needles(PERSONAL) + [person.member_number]
    person_id = person.id
    assert _text_found(needles)  # the search does see the data before deletion

    client.post_form("/card", {"code": card.code})
    client.post_form(
        "/profile/details",
        {
            **{k: PERSONAL[k] for k in ("name", "kana", "display_name", "email", "address")},
            "phone": "090-2468-1357",
            "postal_code": "336-0967",
        },
    )
    page = client.get("/profile/delete").get_data(as_text=True)
    assert "世帯の住所、ほかのおとな、こどもの情報も削除されます" in page
    refused = client.post_form("/profile/delete", {})
    assert refused.status_code == 422
    response = client.post_form("/profile/delete", {"confirm": "y"})
    assert response.headers["Location"] == "/"
    assert client.get("/profile").status_code == 302  # signed out

    db.session.expire_all()
    assert _text_found(needles) == []
    assert db.session.scalar(select(Household.id).where(Household.address.is_not(None))) is None
    assert db.session.scalar(select(Person.id).where(Person.id == person_id)) is None
    # What stays: the supporter, the area, audit entries without the link, anonymous counts.
    assert db.session.get(Person, supporter.id) is not None
    assert db.session.get(Area, area.id) is not None
    entries = db.session.scalars(select(AuditEntry)).all()
    assert all(person_id not in (e.actor_id, e.on_behalf_of_id) for e in entries)
    assert not [e for e in entries if e.subject_type == "people" and e.subject_id == person_id]
    deleted = next(e for e in entries if e.action == "account.deleted")
    assert deleted.actor_id is None and deleted.area_id == area.id
    count = db.session.scalar(select(DepartureCount))
    month = datetime.now(UTC).astimezone(TOWN_TZ).date().replace(day=1)
    assert (count.area_id, count.month, count.registered_via) == (area.id, month, "desk")
    assert (count.people, count.children) == (1, 2)
    assert people_left(area.id) == 1


def test_the_household_stays_for_another_account_holder(desk):
    area, supporter = desk
    person = _registered(area, supporter)
    partner = make_person(person.household, role=Role.member, name="佐藤 誠", kana="サトウ マコト")
    db.session.commit()
    household_id = person.household_id
    delete_account(person, now=now())
    db.session.expire_all()
    assert db.session.get(Household, household_id) is not None
    assert db.session.get(Person, partner.id).household_id == household_id
    found = _text_found([PERSONAL["name"], PERSONAL["email"], PERSONAL["phone"]])
    assert found == []
    assert len(db.session.get(Household, household_id).children) == 2
    assert db.session.scalar(select(DepartureCount.children)) == 0


def test_departure_counts_add_up_for_the_same_area_and_month(desk):
    area, supporter = desk
    for _ in range(3):
        person = make_person(area=area)
        person.registered_via = "self"
        db.session.commit()
        delete_account(person, now=now())
    rows = db.session.scalars(select(DepartureCount)).all()
    assert [(r.registered_via, r.people) for r in rows] == [("self", 3)]


def test_a_staff_account_without_household_can_be_deleted(desk):
    area, _supporter = desk
    coordinator = make_person(with_household=False, role=None)
    from tests.factories import add_membership

    add_membership(coordinator, area, Role.coordinator)
    db.session.commit()
    delete_account(coordinator, now=now())
    assert db.session.scalar(select(DepartureCount.registered_via)) == "other"


def test_deletion_reaches_every_domain(desk):
    """What the person left in events, requests, offers, threads and connections goes too;
    attendance figures of the events they came to stay the same."""
    from tests.factories import (
        make_connection,
        make_event,
        make_help_request,
        make_offer,
        make_signup,
    )
    from webapp.events.models import Signup
    from webapp.threads.models import Message, Thread

    area, supporter = desk
    person = _registered(area, supporter)
    neighbour = make_person(area=area, display_name="となりの人")
    event = make_event(area)
    make_signup(
        event,
        person_id=person.id,
        name=person.name,
        kana=person.kana,
        phone=person.phone,
        adults=1,
        children=2,
        allergies="蓮太郎：ピーナッツ",
    )
    earlier = make_event(area)
    make_signup(earlier, name="佐藤さん（電話）", phone=person.phone, adults=1, children=0)
    request = make_help_request(person, details=f"{PERSONAL['address']}までお迎えをお願いします")
    make_offer(person, description=f"{person.name}が平日夕方にお迎えします")
    make_connection(person, neighbour)
    their_request = make_help_request(neighbour)
    thread = Thread(help_request_id=their_request.id, helper_id=person.id)
    db.session.add(thread)
    db.session.flush()
    db.session.add(Message(thread_id=thread.id, author_id=person.id, body=f"{person.name}です。"))
    db.session.commit()
    request_id = request.id
    needles = _needles(PERSONAL) + ["蓮太郎：ピーナッツ", "佐藤さん（電話）"]
    assert _text_found(needles)

    delete_account(person, now=now())
    db.session.expire_all()

    assert _text_found(needles) == []
    signups = db.session.scalars(select(Signup).where(Signup.event_id == event.id)).all()
    assert len(signups) == 1  # still counted at the event
    assert sum(s.adults + s.children for s in signups) == 3
    assert db.session.get(type(request), request_id) is None
    assert db.session.get(Person, neighbour.id) is not None
    assert db.session.get(type(their_request), their_request.id) is not None
