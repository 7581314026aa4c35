"""htmx helpers: fragments only for real fragment requests, 422 for invalid forms."""

import pytest

from tests.factories import make_area, make_person
from webapp.extensions import db
from webapp.web.htmx import is_partial


@pytest.mark.parametrize(
    "headers, partial",
    [
        ({}, False),
        ({"HX-Request": "true"}, True),
        ({"HX-Request": "true", "HX-Boosted": "true"}, False),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, False),
    ],
)
def test_is_partial(app, headers, partial):
    with app.test_request_context("/", headers=headers):
        assert is_partial() is partial


@pytest.fixture
def admin_client(client):
    admin = make_person(with_household=False, role=None, is_admin=True)
    make_area(name="美園")
    db.session.commit()
    client.sign_in(admin)
    return client


def test_page_for_browsers_fragment_for_htmx(admin_client):
    full = admin_client.get("/areas").get_data(as_text=True)
    assert full.startswith("<!doctype html>")
    assert 'id="areas-rows"' in full
    fragment = admin_client.get("/areas", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<tbody id="areas-rows">')
    assert "<html" not in fragment
    assert "美園" in fragment
    boosted = admin_client.get("/areas", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert boosted.get_data(as_text=True).startswith("<!doctype html>")


def test_invalid_form_answers_422_with_the_form(admin_client):
    response = admin_client.post_form(
        "/areas/new", {"name": "", "thank_you_min_yen": "500", "thank_you_max_yen": "700"}
    )
    assert response.status_code == 422
    assert "地域名を入力してください" in response.get_data(as_text=True)


def test_htmx_config_swaps_422_and_keeps_no_history_cache(client):
    html = client.get("/").get_data(as_text=True)
    assert '"historyCacheSize":0' in html
    assert '{"code":"422","swap":true}' in html
    assert '"allowEval":false' in html
    assert 'data-hx-boost="true"' in html
