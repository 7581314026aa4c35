"""Signing in and out: each identifier, errors that keep what was typed, rate limits,
sessions that really end, and "stay signed in" for members only."""

import re

import pytest

from tests.factories import make_area, make_person
from webapp.areas.models import Role
from webapp.audit import AuditEntry
from webapp.extensions import db


@pytest.fixture
def member():
    person = make_person(email="hanako@example.jp", phone="09012345678")
    db.session.commit()
    return person


def _signed_in_as(client, person) -> bool:
    return person.display_name in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "identifier",
    [
        "member_number",
        "０９０－１２３４－５６７８",  # full-width digits and hyphens
        "090-1234-5678",
        "09012345678",
        "HANAKO@example.jp",
        "ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ",
    ],
)
def test_sign_in_with_each_identifier(client, member, identifier):
    if identifier == "member_number":
        identifier = member.member_number
    response = client.post_form("/sign-in", {"identifier": identifier, "password": "password123"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert _signed_in_as(client, member)


def test_member_number_typed_full_width(client, member):
    full_width = member.member_number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = client.post_form("/sign-in", {"identifier": full_width, "password": "password123"})
    assert response.status_code == 302


def test_shared_landline_password_decides_who(client):
    household_phone = "0488781234"
    first = make_person(phone=household_phone, password="first-password")
    second = make_person(
        household=first.household, phone=household_phone, password="second-password"
    )
    db.session.commit()
    client.post_form("/sign-in", {"identifier": "048-878-1234", "password": "second-password"})
    assert _signed_in_as(client, second)


def test_wrong_password_shows_error_and_keeps_identifier(client, member):
    response = client.post_form(
        "/sign-in", {"identifier": "090-1234-5678", "password": "wrong-password"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>エラー：" in html
    assert "パスワードの組み合わせが違います" in html
    assert 'value="090-1234-5678"' in html  # what was typed is kept
    assert "wrong-password" not in html  # the password is never sent back
    assert 'href="#password"' in html  # the summary links to the field
    assert 'aria-describedby="password-error"' in html


def test_unknown_account_gets_the_same_message(client, member):
    response = client.post_form("/sign-in", {"identifier": "99999999", "password": "password123"})
    assert response.status_code == 422
    assert "パスワードの組み合わせが違います" in response.get_data(as_text=True)


def test_empty_form_says_what_to_enter(client):
    response = client.post_form("/sign-in", {"identifier": "", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "会員番号、電話番号、またはメールアドレスを入力してください" in html
    assert "パスワードを入力してください" in html


def test_person_without_account_cannot_sign_in(client):
    person = make_person(password=None, phone="09011112222")
    db.session.commit()
    response = client.post_form("/sign-in", {"identifier": "09011112222", "password": ""})
    assert response.status_code == 422
    assert person.member_number is None


def test_rate_limit_per_account_does_not_lock_out_the_desk(app, client, make_client, member):
    other = make_person()
    db.session.commit()
    app.config["SIGNIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    try:
        for _ in range(3):
            r = client.post_form(
                "/sign-in", {"identifier": member.member_number, "password": "nope-nope"}
            )
            assert r.status_code == 422
        # Now even the right password is refused for a while, with a clear message.
        r = client.post_form(
            "/sign-in", {"identifier": member.member_number, "password": "password123"}
        )
        html = r.get_data(as_text=True)
        assert r.status_code == 429
        assert "15分待ってから" in html
        assert f'value="{member.member_number}"' in html
        # The same identifier typed differently counts as the same account.
        r = client.post_form("/sign-in", {"identifier": "090-1234-5678", "password": "password123"})
        assert r.status_code == 429
        # Someone else at the same help desk (same address) can still sign in.
        desk = make_client()
        r = desk.post_form(
            "/sign-in", {"identifier": other.member_number, "password": "password123"}
        )
        assert r.status_code == 302, r.get_data(as_text=True)
    finally:
        app.config["SIGNIN_LIMIT_PER_ACCOUNT"] = "5 per 15 minutes"


def test_successful_sign_ins_do_not_count(app, make_client, member):
    app.config["SIGNIN_LIMIT_PER_ACCOUNT"] = "2 per 15 minutes"
    try:
        for _ in range(4):
            c = make_client()
            r = c.post_form(
                "/sign-in", {"identifier": member.member_number, "password": "password123"}
            )
            assert r.status_code == 302
    finally:
        app.config["SIGNIN_LIMIT_PER_ACCOUNT"] = "5 per 15 minutes"


def test_rate_limit_per_address(app, client, member):
    app.config["SIGNIN_LIMIT_PER_ADDRESS"] = "4 per hour"
    try:
        for n in range(4):
            r = client.post_form("/sign-in", {"identifier": f"1234567{n}", "password": "nope-nope"})
            assert r.status_code == 422
        r = client.post_form(
            "/sign-in", {"identifier": member.member_number, "password": "password123"}
        )
        assert r.status_code == 429
        assert "この場所からの" in r.get_data(as_text=True)
    finally:
        app.config["SIGNIN_LIMIT_PER_ADDRESS"] = "100 per hour"


def test_sign_out_ends_the_session_on_the_server(app, client, member):
    client.sign_in(member)
    session_cookie = client.get_cookie("session").value
    token_before = member.session_token
    response = client.post_form("/sign-out")
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.session_token != token_before
    # Someone who copied the cookie before sign-out gets nothing with it.
    thief = app.test_client()
    thief.set_cookie("session", session_cookie)
    html = thief.get("/").get_data(as_text=True)
    assert member.display_name not in html
    assert thief.get(f"/households/{member.household_id}").status_code == 302  # to sign-in


def test_sign_out_needs_post_and_csrf(client, member):
    client.sign_in(member)
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400
    assert _signed_in_as(client, member)


def test_stay_signed_in_for_members_only(client, make_client):
    area = make_area()
    member = make_person(area=area)
    supporter = make_person(area=area, role=Role.supporter)
    db.session.commit()
    client.post_form(
        "/sign-in", {"identifier": member.member_number, "password": "password123", "remember": "y"}
    )
    assert client.get_cookie("remember_token") is not None
    desk = make_client()
    desk.post_form(
        "/sign-in",
        {"identifier": supporter.member_number, "password": "password123", "remember": "y"},
    )
    assert desk.get_cookie("remember_token") is None


def test_remember_cookie_stops_working_after_sign_out(app, client):
    member = make_person()
    db.session.commit()
    client.post_form(
        "/sign-in", {"identifier": member.member_number, "password": "password123", "remember": "y"}
    )
    remember = client.get_cookie("remember_token").value
    client.post_form("/sign-out")
    other_device = app.test_client()
    other_device.set_cookie("remember_token", remember)
    assert member.display_name not in other_device.get("/").get_data(as_text=True)


def test_next_must_stay_on_this_site(client, member):
    for target, expected in [
        ("/areas", "/areas"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
    ]:
        c = client
        r = c.post_form(
            f"/sign-in?next={target}",
            {"identifier": member.member_number, "password": "password123"},
        )
        assert r.headers["Location"] == expected
        c.post_form("/sign-out")
        c._csrf_token = None


def test_sign_in_is_audited(client, member):
    client.sign_in(member)
    actions = [e.action for e in db.session.scalars(db.select(AuditEntry))]
    assert "account.signed_in" in actions


def test_sign_in_page_lists_demo_accounts_only_in_demo_mode(app, client):
    from webapp.demo import seed_demo

    seed_demo(households=3)
    assert "10000001" not in client.get("/sign-in").get_data(as_text=True)
    app.config["DEMO_MODE"] = True
    try:
        html = client.get("/sign-in").get_data(as_text=True)
        assert "10000001" in html and "otagai-demo" in html
    finally:
        app.config["DEMO_MODE"] = False


def test_password_field_never_prefilled(client, member):
    html = client.get("/sign-in").get_data(as_text=True)
    assert re.search(r'<input[^>]*type="password"[^>]*value="[^"]+"', html) is None


def test_a_fragment_asked_for_without_a_session_sends_the_whole_window_to_sign_in(client):
    """The unread count is refreshed every minute: when the session has ended, the sign-in
    page must not be swapped into the header, the browser goes there and comes back."""
    here = "http://localhost/help-requests?kind=pickup"
    fragment = client.get(
        "/notifications/count", headers={"HX-Request": "true", "HX-Current-URL": here}
    )
    assert fragment.status_code == 401 and "Location" not in fragment.headers
    assert fragment.headers["HX-Redirect"] == "/sign-in?next=%2Fhelp-requests%3Fkind%3Dpickup"
    sneaky = client.get(
        "/notifications/count",
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost//evil.example/"},
    )
    assert sneaky.headers["HX-Redirect"] == "/sign-in?next=%2F"
    # Whole pages (plain or boosted) are redirected as usual.
    for headers in ({}, {"HX-Request": "true", "HX-Boosted": "true"}):
        page = client.get("/notifications", headers=headers)
        assert page.status_code == 302
        assert page.headers["Location"] == "/sign-in?next=%2Fnotifications"
    assert "ログインしてください" in client.get("/sign-in").get_data(as_text=True)
