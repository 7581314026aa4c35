"""The area setting that lets a postal code suggest the area: coordinators keep it."""

import pytest

from tests.factories import add_membership, make_area, make_person
from webapp.areas.models import Area, Role
from webapp.extensions import db

SETTINGS = {
    "name": "美園",
    "thank_you_min_yen": "500",
    "thank_you_max_yen": "700",
    "insured_age_min": "1",
    "insured_age_max": "18",
    "request_audience": "connections",
}


@pytest.fixture
def coordinator_client(client):
    area = make_area(name="美園")
    coordinator = make_person(with_household=False, role=None)
    add_membership(coordinator, area, Role.coordinator)
    db.session.commit()
    client.sign_in(coordinator)
    client.area = area
    return client


def test_postal_code_prefixes_are_typed_freely_and_stored_as_digits(coordinator_client):
    area = coordinator_client.area
    response = coordinator_client.post_form(
        f"/areas/{area.id}/edit",
        {**SETTINGS, "postal_code_prefixes": "〒336-09、３３７０ 337-0003"},
    )
    assert response.status_code == 302
    assert db.session.get(Area, area.id).postal_code_prefixes == "33609 3370 3370003"
    page = coordinator_client.get(f"/areas/{area.id}").get_data(as_text=True)
    assert "33609, 3370, 3370003" in page
    edit = coordinator_client.get(f"/areas/{area.id}/edit").get_data(as_text=True)
    assert 'value="33609 3370 3370003"' in edit


def test_a_prefix_that_is_not_digits_is_refused(coordinator_client):
    area = coordinator_client.area
    response = coordinator_client.post_form(
        f"/areas/{area.id}/edit", {**SETTINGS, "postal_code_prefixes": "336, みその"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "「みその」は郵便番号の始まりではありません" in html and 'value="336, みその"' in html


def test_clearing_the_prefixes(coordinator_client):
    area = coordinator_client.area
    area.postal_code_prefixes = "336"
    db.session.commit()
    coordinator_client.post_form(f"/areas/{area.id}/edit", {**SETTINGS, "postal_code_prefixes": ""})
    assert db.session.get(Area, area.id).postal_code_prefixes is None


def test_what_was_typed_is_escaped_in_the_error_message(coordinator_client):
    area = coordinator_client.area
    response = coordinator_client.post_form(
        f"/areas/{area.id}/edit", {**SETTINGS, "postal_code_prefixes": "<b>336</b>"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<b>336</b>" not in html and "&lt;b&gt;336&lt;/b&gt;" in html
