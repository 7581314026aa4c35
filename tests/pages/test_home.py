"""The signed-in member's page: who they are, and their areas and roles in both languages."""

from tests.factories import add_membership, make_area, make_person
from webapp.areas.models import Role
from webapp.extensions import db


def test_member_page_names_each_area_and_role(make_client):
    home = make_area(name="美園", name_en="Misono")
    neighbour = make_area(name="日野", name_en="Hino")
    person = make_person(area=home, display_name="はなこ")
    add_membership(person, neighbour, Role.supporter)
    db.session.commit()
    c = make_client()
    c.sign_in(person)
    page = c.get("/").get_data(as_text=True)
    assert "はなこ" in page and person.member_number in page
    assert "<dt>美園</dt><dd>会員</dd>" in page.replace("\n", "")
    assert "<dt>日野</dt><dd>サポーター</dd>" in page.replace("\n", "")
    c.post_form("/language", {"lang": "en", "next": "/"})
    english = c.get("/").get_data(as_text=True).replace("\n", "")
    assert "<dt>Misono</dt><dd>Member</dd>" in english
    assert "<dt>Hino</dt><dd>Supporter</dd>" in english
