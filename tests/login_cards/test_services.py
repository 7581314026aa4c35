"""Login card codes: random, stored hashed, single use, 14 days, voided by a reissue."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from tests.factories import issue_login_card, make_area, make_person
from webapp.areas.models import Role
from webapp.audit import AuditEntry
from webapp.extensions import db
from webapp.login_cards import services
from webapp.login_cards.models import SignInCode

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


@pytest.fixture
def desk():
    misono = make_area(name="美園")
    hino = make_area(name="日野")
    supporter = make_person(area=misono, role=Role.supporter)
    resident = make_person(area=misono, password=None)
    resident.member_number = "12345678"
    hino_supporter = make_person(area=hino, role=Role.supporter)
    db.session.commit()
    return {"supporter": supporter, "resident": resident, "hino_supporter": hino_supporter}


def test_a_card_code_works_once(desk):
    card = issue_login_card(desk["resident"], actor=desk["supporter"], now=NOW)
    record = services.card_for_code(card.code, now=NOW + timedelta(minutes=5))
    assert record is not None and record.person_id == desk["resident"].id
    assert services.use_card(record, now=NOW + timedelta(minutes=5), how="code") == desk["resident"]
    assert services.card_for_code(card.code, now=NOW + timedelta(minutes=6)) is None
    assert services.card_for_token(card.token, now=NOW + timedelta(minutes=6)) is None


def test_the_link_and_the_code_are_one_card(desk):
    card = issue_login_card(desk["resident"], actor=desk["supporter"], now=NOW)
    record = services.card_for_token(card.token, now=NOW)
    services.use_card(record, now=NOW, how="link")
    assert services.card_for_code(card.code, now=NOW) is None


def test_a_card_stops_working_after_14_days(desk):
    card = issue_login_card(desk["resident"], actor=desk["supporter"], now=NOW)
    almost = NOW + timedelta(days=14) - timedelta(seconds=1)
    assert services.card_for_code(card.code, now=almost) is not None
    assert services.card_for_code(card.code, now=NOW + timedelta(days=14)) is None
    assert services.card_for_token(card.token, now=NOW + timedelta(days=15)) is None


def test_a_card_used_after_expiry_by_a_stale_lookup_does_not_sign_in(desk):
    card = issue_login_card(desk["resident"], actor=desk["supporter"], now=NOW)
    record = services.card_for_code(card.code, now=NOW)
    assert services.use_card(record, now=NOW + timedelta(days=14, seconds=1), how="code") is None


def test_reissuing_voids_the_old_card(desk):
    old = issue_login_card(desk["resident"], actor=desk["supporter"], now=NOW)
    new = issue_login_card(desk["resident"], actor=desk["supporter"], now=NOW + timedelta(hours=1))
    assert services.card_for_code(old.code, now=NOW + timedelta(hours=2)) is None
    assert services.card_for_token(old.token, now=NOW + timedelta(hours=2)) is None
    assert services.card_for_code(new.code, now=NOW + timedelta(hours=2)) is not None
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.action.like("login_card.%"))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["login_card.issued", "login_card.reissued"]


def test_two_devices_using_the_same_card_at_once_sign_in_only_one(desk):
    card = issue_login_card(desk["resident"], actor=desk["supporter"], now=NOW)
    first = services.card_for_code(card.code, now=NOW)
    second = services.card_for_token(card.token, now=NOW)
    assert services.use_card(first, now=NOW, how="code") is not None
    assert services.use_card(second, now=NOW, how="link") is None


def test_codes_are_random_without_look_alikes_and_stored_hashed(desk):
    cards = [issue_login_card(desk["resident"], actor=desk["supporter"], now=NOW) for _ in range(5)]
    codes = {c.code for c in cards}
    assert len(codes) == 5
    for card in cards:
        assert len(card.code) == 12 and set(card.code) <= set(services.CODE_ALPHABET)
        assert not set(card.code) & set("0O1IL2Z5S8B6GUVDQ")
        assert card.code_display.count("-") == 2
    stored = " ".join(
        " ".join(map(str, row)) for row in db.session.execute(text("SELECT * FROM sign_in_codes"))
    )
    for card in cards:
        assert card.code not in stored and card.token not in stored


@pytest.mark.parametrize(
    "typed",
    ["{code}", "{lower}", "{dashed}", "{spaced}", "{wide}"],
)
def test_typed_codes_are_read_however_they_are_written(desk, typed):
    card = issue_login_card(desk["resident"], actor=desk["supporter"], now=NOW)
    forms = {
        "code": card.code,
        "lower": card.code.lower(),
        "dashed": card.code_display,
        "spaced": card.code_display.replace("-", " "),
        "wide": "".join(chr(ord(c) + 0xFEE0) for c in card.code_display),  # full width
    }
    assert services.card_for_code(typed.format(**forms), now=NOW) is not None


def test_issuing_needs_an_identity_check_and_the_residents_area(desk):
    with pytest.raises(services.CardError) as error:
        services.issue_card(desk["resident"], actor=desk["supporter"], now=NOW)
    assert error.value.code == "identity_not_checked"
    with pytest.raises(services.CardError) as error:
        services.issue_card(
            desk["resident"], actor=desk["hino_supporter"], now=NOW, identity_checked=True
        )
    assert error.value.code == "not_allowed"
    assert db.session.scalar(select(SignInCode.id)) is None


def test_issuing_is_audited_for_the_resident_without_the_code(desk):
    card = issue_login_card(desk["resident"], actor=desk["supporter"], now=NOW)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "login_card.issued"))
    assert entry.actor_id == desk["supporter"].id
    assert entry.on_behalf_of_id == desk["resident"].id
    assert card.code not in str(entry.data) and card.token not in str(entry.data)


def test_the_supporter_never_sets_or_sees_a_password(desk):
    issue_login_card(desk["resident"], actor=desk["supporter"], now=NOW)
    assert desk["resident"].password_hash is None


def test_delete_expired_sign_in_codes(desk):
    issue_login_card(desk["resident"], actor=desk["supporter"], now=NOW - timedelta(days=20))
    issue_login_card(desk["resident"], actor=desk["supporter"], now=NOW - timedelta(days=15))
    fresh = issue_login_card(desk["resident"], actor=desk["supporter"], now=NOW - timedelta(days=1))
    assert services.delete_expired_sign_in_codes(now=NOW) == 2
    assert services.delete_expired_sign_in_codes(now=NOW) == 0
    assert services.card_for_code(fresh.code, now=NOW) is not None
