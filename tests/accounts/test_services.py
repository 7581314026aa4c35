"""Account rules called directly."""

import pytest

from tests.factories import make_person
from webapp.accounts import services
from webapp.extensions import db


def test_identifier_key_spells_one_account_one_way():
    assert services.identifier_key("０９０－１２３４－５６７８") == "09012345678"
    assert services.identifier_key(" Hanako@Example.JP ") == "hanako@example.jp"
    assert services.identifier_key("１２３４ ５６７８") == "12345678"


def test_authenticate_needs_the_right_password():
    person = make_person(password="correct horse")
    db.session.commit()
    assert services.authenticate(person.member_number, "correct horse") == person
    assert services.authenticate(person.member_number, "wrong horse") is None
    assert services.authenticate("", "correct horse") is None


def test_set_password_requires_eight_characters_and_rotates_token():
    person = make_person()
    db.session.commit()
    token = person.session_token
    with pytest.raises(ValueError, match="password_too_short"):
        services.set_password(person, "short", actor=person)
    services.set_password(person, "long enough", actor=person)
    assert person.session_token != token
    assert services.authenticate(person.member_number, "long enough") == person


def test_member_numbers_are_eight_digits_and_unique():
    numbers = {services.new_member_number() for _ in range(50)}
    assert len(numbers) == 50
    assert all(len(n) == 8 and n.isdigit() and n[0] != "0" for n in numbers)
