"""A small town for request tests: Misono (pick-ups and childcare among connections only) with
a requester, her connection, a neighbour she has not met, a certified supporter, a coordinator,
and a member of another area."""

from datetime import date, time, timedelta

import pytest

from tests.factories import (
    add_membership,
    make_area,
    make_child,
    make_connection,
    make_household,
    make_person,
)
from webapp.areas.models import Membership, Role
from webapp.clock import now as clock_now
from webapp.extensions import db
from webapp.help_requests.models import Audience, RequestKind
from webapp.help_requests.posting import Draft


@pytest.fixture
def town():
    misono = make_area(name="美園", cancellation_note="前日までのキャンセルは無料です。")
    hino = make_area(name="日野")
    household = make_household(misono, address="美園1-2-3")
    hanako = make_person(household, display_name="はなこ")
    child = make_child(
        household, name="山田 ゆい", birth_year=2021, birth_month=4, care_notes="卵アレルギー"
    )
    taro = make_person(area=misono, display_name="たろう")
    jiro = make_person(area=misono, display_name="じろう")
    supporter = make_person(area=misono, role=Role.supporter, display_name="さぽーと")
    membership = db.session.scalar(
        db.select(Membership).where(Membership.person_id == supporter.id)
    )
    membership.certified_until = date.today() + timedelta(days=365)
    coordinator = make_person(with_household=False, role=None, display_name="こーでぃ")
    add_membership(coordinator, misono, Role.coordinator)
    hino_coordinator = make_person(with_household=False, role=None)
    add_membership(hino_coordinator, hino, Role.coordinator)
    outsider = make_person(area=hino, display_name="ほか")
    admin = make_person(with_household=False, role=None, is_admin=True)
    make_connection(hanako, taro)
    db.session.commit()
    return {
        "misono": misono,
        "hino": hino,
        "household": household,
        "child": child,
        "hanako": hanako,
        "taro": taro,
        "jiro": jiro,
        "supporter": supporter,
        "coordinator": coordinator,
        "hino_coordinator": hino_coordinator,
        "outsider": outsider,
        "admin": admin,
    }


def draft(town, **overrides) -> Draft:
    day = (clock_now() + timedelta(days=3)).date()
    values = {
        "kind": RequestKind.childcare,
        "title": "2時間の託児",
        "day": day,
        "start": time(15, 0),
        "end": time(17, 0),
        "children": [town["child"]],
        "audience": Audience.connections,
    }
    values.update(overrides)
    return Draft(**values)
