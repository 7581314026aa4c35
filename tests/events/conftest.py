"""A small town for event tests: two areas, people in every role, an event in 美園."""

import pytest

from tests.factories import add_membership, make_area, make_event, make_person
from webapp.areas.models import Role
from webapp.extensions import db


@pytest.fixture
def town():
    misono = make_area(name="美園", help_phone="0488781234")
    hino = make_area(name="日野（一般）")
    people = {
        "admin": make_person(with_household=False, role=None, is_admin=True),
        "coordinator": make_person(with_household=False, role=None, display_name="美園 田中"),
        "hino_coordinator": make_person(with_household=False, role=None),
        "supporter": make_person(area=misono, role=Role.supporter, display_name="支援 佐藤"),
        "helper": make_person(area=hino, role=Role.supporter, display_name="応援 鈴木"),
        "member": make_person(area=misono, role=Role.member),
    }
    add_membership(people["coordinator"], misono, Role.coordinator)
    add_membership(people["hino_coordinator"], hino, Role.coordinator)
    event = make_event(misono, capacity=3, title="親子ふれあい交流会")
    db.session.commit()
    return {"misono": misono, "hino": hino, "event": event, **people}


@pytest.fixture
def signed_in(make_client):
    """`signed_in(person)`: a client signed in as that person."""

    def factory(person):
        c = make_client()
        c.sign_in(person)
        return c

    return factory
