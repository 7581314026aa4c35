"""Security headers, CSP-friendly markup, CSRF for forms and htmx, cookies, static caching."""

import re

import pytest

from tests.factories import make_area, make_person
from webapp import create_app
from webapp.areas.models import Role
from webapp.config import TestConfig
from webapp.extensions import db


@pytest.fixture
def admin():
    person = make_person(with_household=False, role=None, is_admin=True)
    db.session.commit()
    return person


def test_security_headers_on_pages(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in response.headers["Vary"]


def test_security_headers_on_error_pages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Content-Security-Policy" in response.headers


def test_pages_have_no_inline_script_or_style(client, admin):
    client.sign_in(admin)
    area = make_area()
    db.session.commit()
    for url in [
        "/",
        "/sign-in",
        "/areas",
        "/areas/new",
        f"/areas/{area.id}",
        f"/areas/{area.id}/edit",
    ]:
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url  # no inline event handlers
        assert not re.search(r"\shx-[a-z]", html), url  # htmx attributes are written data-hx-*


def test_post_without_csrf_token_is_rejected(client):
    person = make_person()
    db.session.commit()
    response = client.post(
        "/sign-in", data={"identifier": person.member_number, "password": "password123"}
    )
    assert response.status_code == 400
    assert "フォームの有効期限が切れたか" in response.get_data(as_text=True)


def test_htmx_request_without_csrf_header_is_rejected(client, admin):
    client.sign_in(admin)
    area = make_area()
    db.session.commit()
    headers = {"HX-Request": "true"}
    response = client.post(
        f"/areas/{area.id}/coordinators", data={"identifier": "x"}, headers=headers
    )
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "body"
    # The same request with the token in the header that htmx sends (hx-headers on <body>).
    response = client.post(
        f"/areas/{area.id}/coordinators",
        data={"identifier": "99999999"},
        headers={**headers, "X-CSRFToken": client.csrf_token()},
    )
    assert response.status_code == 422


def test_body_carries_csrf_header_for_htmx(client):
    html = client.get("/").get_data(as_text=True)
    # The signed token carries a timestamp: compare with the form token of the same page.
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    assert f'data-hx-headers=\'{{"X-CSRFToken": "{token}"}}\'' in html


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("OTAGAI_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    with app.test_client() as c:
        assert (
            "Strict-Transport-Security" in c.get("/sign-in", base_url="https://localhost").headers
        )


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("OTAGAI_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"})


def test_csrf_works_over_https_with_the_referrer_policy(app, client):
    """Flask-WTF checks the Referer of HTTPS posts; `same-origin` keeps it sent."""
    person = make_person()
    db.session.commit()
    page = client.get("/sign-in", base_url="https://localhost")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(
        1
    )
    data = {"csrf_token": token, "identifier": person.member_number, "password": "password123"}
    no_referer = client.post("/sign-in", data=data, base_url="https://localhost")
    assert no_referer.status_code == 400
    same_origin = client.post(
        "/sign-in",
        data=data,
        base_url="https://localhost",
        headers={"Referer": "https://localhost/sign-in"},
    )
    assert same_origin.status_code == 302


def test_static_files_are_fingerprinted_and_cached_for_a_year(client):
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/assets/css/app\.[0-9a-f]{10}\.css)"', html).group(1)
    js = re.search(r'src="(/assets/js/htmx-2\.0\.11\.min\.[0-9a-f]{10}\.js)"', html).group(1)
    for url in (css, js):
        response = client.get(url)
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]
    assert client.get("/assets/css/app.0000000000.css").status_code == 404


def test_htmx_is_served_from_our_own_files(client):
    html = client.get("/").get_data(as_text=True)
    assert "unpkg" not in html and "cdn" not in html.lower()
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert scripts and all(s.startswith("/assets/") for s in scripts)


def test_sign_in_form_is_not_cached_by_shared_caches(client):
    assert client.get("/sign-in").headers["Cache-Control"] == "no-store"


def test_member_cannot_reach_admin_pages(client):
    member = make_person(role=Role.member)
    db.session.commit()
    client.sign_in(member)
    assert client.get("/areas/new").status_code == 403


def test_test_config_keeps_csrf_on():
    assert TestConfig.WTF_CSRF_ENABLED is True
