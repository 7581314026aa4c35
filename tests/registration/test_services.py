"""Registration rules: one service whichever way people join, duplicates, area suggestions
and the drafts of self sign-ups."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import (
    add_membership,
    make_applicant,
    make_area,
    make_child,
    make_draft,
    make_event,
    make_household,
    make_person,
)
from webapp.areas.models import Membership, Role
from webapp.audit import AuditEntry
from webapp.extensions import db
from webapp.households.models import Child, Person
from webapp.registration import drafts
from webapp.registration.entries import AdultEntry, ChildEntry, child_birth_problem
from webapp.registration.models import RegistrationDraft
from webapp.registration.services import (
    RegistrationError,
    find_duplicates,
    register_household,
    suggest_area,
)

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)  # 12:00 in Japan


@pytest.fixture
def town():
    misono = make_area(name="美園", postal_code_prefixes="33609 336")
    hino = make_area(name="日野（一般）", postal_code_prefixes="191")
    supporter = make_person(area=misono, role=Role.supporter)
    db.session.commit()
    return {"misono": misono, "hino": hino, "supporter": supporter}


def test_self_registration_creates_household_account_and_membership(town):
    applicant = make_applicant(
        name="山田 花子",
        kana="ヤマダ ハナコ",
        adults=[AdultEntry("山田 一郎", "ヤマダ イチロウ")],
        children=[ChildEntry("山田 蓮", "ヤマダ レン", 2021, 4, "卵アレルギー")],
    )
    person = register_household(
        applicant, area=town["misono"], via="self", consent_method="online", now=NOW
    )
    household = person.household
    assert household.area_id == town["misono"].id
    assert household.postal_code == "3360967"
    assert len(person.member_number) == 8 and person.password_hash is None
    assert person.registered_via == "self" and person.created_by_id is None
    assert person.consent_method == "online" and person.consented_at == NOW
    assert [m.role for m in person.memberships] == [Role.member]
    other = next(a for a in household.adults if a.id != person.id)
    assert other.name == "山田 一郎" and other.member_number is None
    assert [(c.name, c.care_notes) for c in household.children] == [("山田 蓮", "卵アレルギー")]
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "registration.registered")
    )
    assert entry.actor_id == person.id and entry.on_behalf_of_id is None
    assert entry.data == {
        "via": "self",
        "consent_method": "online",
        "event_id": None,
        "adults": 1,
        "children": 1,
    }


def test_desk_registration_records_who_entered_it_for_whom(town):
    supporter = town["supporter"]
    person = register_household(
        make_applicant(),
        area=town["misono"],
        via="desk",
        consent_method="in_person",
        actor=supporter,
        now=NOW,
    )
    assert person.created_by_id == supporter.id and person.household.created_by_id == supporter.id
    assert person.registered_via == "desk" and person.consent_method == "in_person"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "registration.registered")
    )
    assert entry.actor_id == supporter.id and entry.on_behalf_of_id == person.id
    assert entry.area_id == town["misono"].id


def test_an_event_walk_in_counts_as_registered_at_the_event(town):
    event = make_event(town["misono"])
    person = register_household(
        make_applicant(),
        area=town["misono"],
        via="desk",
        consent_method="in_person",
        actor=town["supporter"],
        event_id=event.id,
        now=NOW,
    )
    assert person.registered_via == "event" and person.registration_event_id == event.id


@pytest.mark.parametrize("who", ["member", "hino_supporter", "hino_coordinator"])
def test_only_supporters_of_the_area_register_into_it(town, who):
    hino = town["hino"]
    actor = {
        "member": lambda: make_person(area=town["misono"], role=Role.member),
        "hino_supporter": lambda: make_person(area=hino, role=Role.supporter),
        "hino_coordinator": lambda: make_person(area=hino, role=Role.coordinator),
    }[who]()
    with pytest.raises(RegistrationError) as error:
        register_household(
            make_applicant(),
            area=town["misono"],
            via="desk",
            consent_method="paper",
            actor=actor,
            now=NOW,
        )
    assert error.value.code == "area_not_allowed"
    assert db.session.scalar(select(Person).where(Person.registered_via.is_not(None))) is None


def test_coordinators_of_the_area_and_admins_may_register(town):
    coordinator = make_person(with_household=False, role=None)
    add_membership(coordinator, town["misono"], Role.coordinator)
    admin = make_person(with_household=False, role=None, is_admin=True)
    for actor in (coordinator, admin):
        person = register_household(
            make_applicant(),
            area=town["misono"],
            via="paper",
            consent_method="paper",
            actor=actor,
            now=NOW,
        )
        assert person.created_by_id == actor.id


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"phone": None, "email": None}, "contact_missing"),
        ({"kana": "山田"}, "kana_invalid"),
        ({"kana": "やまだ"}, "kana_invalid"),  # services take readings already normalised
        ({"children": [ChildEntry("蓮", "レン", 2027, 1)]}, "birth_in_future"),
        ({"children": [ChildEntry("蓮", "レン", 2007, 10)]}, "child_too_old"),
        ({"adults": [AdultEntry(f"大人{i}", "オトナ") for i in range(7)]}, "too_many_adults"),
    ],
)
def test_invalid_registrations_are_refused_with_a_code(town, overrides, code):
    with pytest.raises(RegistrationError) as error:
        register_household(
            make_applicant(**overrides),
            area=town["misono"],
            via="self",
            consent_method="online",
            now=NOW,
        )
    assert error.value.code == code


def test_a_taken_email_is_refused(town):
    make_person(area=town["misono"], email="hanako@example.jp")
    with pytest.raises(RegistrationError) as error:
        register_household(
            make_applicant(email="hanako@example.jp"),
            area=town["misono"],
            via="self",
            consent_method="online",
            now=NOW,
        )
    assert error.value.code == "email_taken"


def test_consent_must_match_the_way_of_registering(town):
    with pytest.raises(RegistrationError) as error:
        register_household(
            make_applicant(), area=town["misono"], via="self", consent_method="paper", now=NOW
        )
    assert error.value.code == "consent_invalid"


@pytest.mark.parametrize(
    "year, month, problem",
    [
        (2026, 11, None),  # born this month: 0 years old
        (2026, 12, "birth_in_future"),
        (2027, 1, "birth_in_future"),
        (2008, 11, None),  # 18 this month
        (2008, 10, None),  # 18 and one month
        (2007, 11, "child_too_old"),  # 19 this month
        (2026, 13, "birth_month_invalid"),
    ],
)
def test_child_birth_rules(year, month, problem):
    today = NOW.date()
    assert child_birth_problem(year, month, today=today) == problem


def test_a_child_error_names_which_child(town):
    children = [ChildEntry("蓮", "レン", 2020, 1), ChildEntry("葵", "アオイ", 2030, 1)]
    with pytest.raises(RegistrationError) as error:
        register_household(
            make_applicant(children=children),
            area=town["misono"],
            via="self",
            consent_method="online",
            now=NOW,
        )
    assert (error.value.code, error.value.index) == ("birth_in_future", 1)


def test_duplicates_by_phone_or_by_name_and_reading_in_the_same_area(town):
    misono, hino = town["misono"], town["hino"]
    same_phone = make_person(area=misono, phone="09011112222")
    household = make_household(misono)
    same_name = make_person(
        household, password=None, role=None, name="山田花子", kana="ヤマダハナコ", phone=None
    )
    make_person(area=hino, phone="09033334444", name="山田 花子", kana="ヤマダ ハナコ")
    found = find_duplicates(misono, phone="09011112222", name="山田 花子", kana="ヤマダ ハナコ")
    assert {p.id for p in found} == {same_phone.id, same_name.id}
    assert find_duplicates(misono, phone="09033334444", name="別人", kana="ベツジン") == []
    assert find_duplicates(misono, phone=None, name=None, kana=None) == []


def test_duplicates_include_members_of_the_area_living_elsewhere(town):
    visitor = make_person(area=town["hino"], phone="09055556666")
    add_membership(visitor, town["misono"])
    assert find_duplicates(town["misono"], phone="09055556666", name="x", kana="x") == [visitor]


def test_postal_code_suggests_the_area_with_the_longest_matching_prefix(town):
    other = make_area(name="見沼", postal_code_prefixes="3360")
    assert suggest_area("3360967") == town["misono"]  # 33609 beats 3360 and 336
    assert suggest_area("3360100") == other
    assert suggest_area("3361234") == town["misono"]  # only 336 matches
    assert suggest_area("1000001") is None
    assert suggest_area(None) is None


def test_drafts_keep_answers_and_expire_a_day_after_the_last_answer():
    draft, token = make_draft({"about": {"name": "山田"}}, now=NOW)
    assert drafts.find_draft(token, now=NOW + timedelta(hours=23)).answers == {
        "about": {"name": "山田"}
    }
    drafts.save_answers(draft, "contact", {"phone": "090"}, now=NOW + timedelta(hours=20))
    assert drafts.find_draft(token, now=NOW + timedelta(hours=43)) is not None
    assert drafts.find_draft(token, now=NOW + timedelta(hours=44)) is None
    assert drafts.find_draft("not-a-token", now=NOW) is None
    assert drafts.find_draft(None, now=NOW) is None


def test_the_draft_token_is_stored_hashed():
    draft, token = make_draft(now=NOW)
    assert token not in draft.token_hash and len(draft.token_hash) == 64


def test_delete_expired_drafts_removes_only_expired_ones():
    make_draft(now=NOW - timedelta(days=2))
    make_draft(now=NOW - timedelta(days=1, minutes=1))
    _fresh, token = make_draft(now=NOW - timedelta(hours=1))
    assert drafts.delete_expired_drafts(now=NOW) == 2
    assert drafts.delete_expired_drafts(now=NOW) == 0
    assert db.session.scalar(select(db.func.count(RegistrationDraft.id))) == 1
    assert drafts.find_draft(token, now=NOW) is not None


def test_children_are_stored_with_readings_in_katakana(town):
    person = register_household(
        make_applicant(children=[ChildEntry("蓮", "レン", 2020, 5)]),
        area=town["misono"],
        via="self",
        consent_method="online",
        now=NOW,
    )
    assert (
        db.session.scalar(select(Child.kana).where(Child.household_id == person.household_id))
        == "レン"
    )
    assert db.session.scalar(select(db.func.count(Membership.id))) == 2  # supporter + new member
    make_child(person.household)  # builders still work with registered households
