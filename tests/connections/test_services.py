"""Connections need both people's consent: a code typed by one and confirmed by the other, or
a supporter with both present. Either may remove it."""

from datetime import timedelta

import pytest

from tests.factories import add_membership, make_area, make_connection, make_event, make_person
from webapp.areas.models import Role
from webapp.audit import AuditEntry
from webapp.clock import now as clock_now
from webapp.connections import services
from webapp.connections.models import Connection, ConnectionInvite
from webapp.extensions import db
from webapp.notifications.models import Notification


@pytest.fixture
def area():
    return make_area(name="美園")


def _kinds(person):
    return [
        n.kind
        for n in db.session.scalars(
            db.select(Notification).where(Notification.person_id == person.id)
        )
    ]


def test_code_typed_then_confirmed_connects_both(area):
    now = clock_now()
    hanako = make_person(area=area, display_name="はなこ")
    taro = make_person(area=area, display_name="たろう")
    code = services.renew_code(hanako, now=now).code
    assert len(code) == 6 and code.isdigit()

    invite = services.invite_by_code(f"{code[:3]}－{code[3:]}", actor=taro, now=now)
    assert not services.are_connected(hanako.id, taro.id)
    assert _kinds(hanako) == ["connection.invited"]

    services.confirm_invite(invite, actor=hanako)
    assert services.are_connected(hanako.id, taro.id)
    assert services.are_connected(taro.id, hanako.id)
    assert db.session.scalar(db.select(db.func.count(ConnectionInvite.id))) == 0
    assert _kinds(taro) == ["connection.made"]
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "connection.made"))
    assert entry.actor_id == hanako.id and entry.data["method"] == "code"


def test_full_width_code_is_accepted(area):
    now = clock_now()
    hanako, taro = make_person(area=area), make_person(area=area)
    code = services.renew_code(hanako, now=now).code
    full_width = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    invite = services.invite_by_code(full_width, actor=taro, now=now)
    assert invite.to_person_id == hanako.id


def test_only_the_code_owner_confirms(area):
    now = clock_now()
    hanako, taro, other = (make_person(area=area) for _ in range(3))
    invite = services.invite_by_code(services.renew_code(hanako, now=now).code, actor=taro, now=now)
    with pytest.raises(services.ConnectionError) as error:
        services.confirm_invite(invite, actor=taro)
    assert error.value.code == "not_found"
    with pytest.raises(services.ConnectionError):
        services.confirm_invite(invite, actor=other)


def test_typing_each_others_codes_connects_at_once(area):
    now = clock_now()
    hanako, taro = make_person(area=area), make_person(area=area)
    services.invite_by_code(services.renew_code(hanako, now=now).code, actor=taro, now=now)
    services.invite_by_code(services.renew_code(taro, now=now).code, actor=hanako, now=now)
    assert services.are_connected(hanako.id, taro.id)


@pytest.mark.parametrize(
    "case, code",
    [("unknown", "code_not_found"), ("own", "own_code"), ("expired", "code_not_found")],
)
def test_bad_codes(area, case, code):
    now = clock_now()
    hanako, taro = make_person(area=area), make_person(area=area)
    created = now - services.CODE_LIFETIME - timedelta(minutes=1) if case == "expired" else now
    real = services.renew_code(hanako, now=created).code
    typed = {"unknown": "000000" if real != "000000" else "111111", "own": real, "expired": real}
    actor = hanako if case == "own" else taro
    with pytest.raises(services.ConnectionError) as error:
        services.invite_by_code(typed[case], actor=actor, now=now)
    assert error.value.code == code


def test_renewing_the_code_retires_the_old_one(area):
    now = clock_now()
    hanako, taro = make_person(area=area), make_person(area=area)
    old = services.renew_code(hanako, now=now).code
    new = services.renew_code(hanako, now=now).code
    assert services.current_code(hanako, now=now).code == new
    if old != new:
        with pytest.raises(services.ConnectionError):
            services.invite_by_code(old, actor=taro, now=now)


def test_already_connected_and_already_invited(area):
    now = clock_now()
    hanako, taro, jiro = (make_person(area=area) for _ in range(3))
    code = services.renew_code(hanako, now=now).code
    make_connection(hanako, jiro)
    with pytest.raises(services.ConnectionError) as error:
        services.invite_by_code(code, actor=jiro, now=now)
    assert error.value.code == "already_connected"
    services.invite_by_code(code, actor=taro, now=now)
    with pytest.raises(services.ConnectionError) as error:
        services.invite_by_code(code, actor=taro, now=now)
    assert error.value.code == "already_invited"


def test_declining_drops_the_invitation(area):
    now = clock_now()
    hanako, taro = make_person(area=area), make_person(area=area)
    invite = services.invite_by_code(services.renew_code(hanako, now=now).code, actor=taro, now=now)
    services.decline_invite(invite, actor=hanako)
    assert db.session.scalar(db.select(db.func.count(ConnectionInvite.id))) == 0
    assert not services.are_connected(hanako.id, taro.id)


def test_supporter_connects_two_people_present_at_an_event(area):
    supporter = make_person(area=area, role=Role.supporter)
    hanako, taro = make_person(area=area), make_person(area=area)
    event = make_event(area)
    connection = services.connect_by_staff(hanako, taro, actor=supporter, event_id=event.id)
    assert connection.event_id == event.id and connection.method == "staff"
    assert connection.created_by_id == supporter.id
    assert _kinds(hanako) == ["connection.made"] and _kinds(taro) == ["connection.made"]
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "connection.made"))
    assert entry.actor_id == supporter.id and entry.area_id == area.id
    assert entry.data["event_id"] == event.id


def test_staff_connect_needs_both_in_the_staff_area(area):
    other_area = make_area()
    supporter = make_person(area=area, role=Role.supporter)
    hanako = make_person(area=area)
    stranger = make_person(area=other_area)
    with pytest.raises(services.ConnectionError) as error:
        services.connect_by_staff(hanako, stranger, actor=supporter)
    assert error.value.code == "not_in_your_area"
    # A member of both areas can be connected by a supporter of the shared one.
    add_membership(stranger, area)
    services.connect_by_staff(hanako, stranger, actor=supporter)
    member = make_person(area=area)
    with pytest.raises(services.ConnectionError) as error:
        services.connect_by_staff(hanako, make_person(area=area), actor=member)
    assert error.value.code == "not_in_your_area"
    with pytest.raises(services.ConnectionError) as error:
        services.connect_by_staff(hanako, hanako, actor=supporter)
    assert error.value.code == "same_person"
    with pytest.raises(services.ConnectionError) as error:
        services.connect_by_staff(stranger, hanako, actor=supporter)
    assert error.value.code == "already_connected"


def test_either_side_removes_a_connection(area):
    hanako, taro, other = (make_person(area=area) for _ in range(3))
    connection = make_connection(hanako, taro)
    with pytest.raises(services.ConnectionError):
        services.remove_connection(connection, actor=other)
    services.remove_connection(connection, actor=taro)
    assert db.session.scalar(db.select(db.func.count(Connection.id))) == 0
    assert (
        db.session.scalar(
            db.select(AuditEntry).where(AuditEntry.action == "connection.removed")
        ).actor_id
        == taro.id
    )


def test_connections_are_listed_by_display_name(area):
    me = make_person(area=area)
    for name in ("みどり", "あきこ", "かおる"):
        make_connection(me, make_person(area=area, display_name=name))
    names = [other.display_name for _c, other in services.connections_of(me)]
    assert names == ["あきこ", "かおる", "みどり"]
