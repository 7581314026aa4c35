"""Offers (できること): listing, visibility to the area, filtering by kind and weekday, and
asking the person (a request pre-filled and addressed to them)."""

import re
from datetime import date

import pytest

from tests.factories import make_area, make_offer, make_person
from webapp.extensions import db
from webapp.help_requests.models import RequestKind
from webapp.offers import services
from webapp.offers.models import Offer


@pytest.fixture
def town():
    misono, hino = make_area(name="美園"), make_area(name="日野")
    db.session.commit()
    return {
        "misono": misono,
        "hanako": make_person(area=misono, display_name="はなこ"),
        "taro": make_person(area=misono, display_name="たろう"),
        "outsider": make_person(area=hino),
    }


def _client(make_client, person):
    c = make_client()
    c.sign_in(person)
    return c


def test_list_an_offer(make_client, town):
    c = _client(make_client, town["taro"])
    assert c.get("/offers/new").status_code == 200
    bad = c.post_form("/offers/new", {"kind": "pickup", "title": ""})
    assert bad.status_code == 422
    response = c.post_form(
        "/offers/new",
        {
            "kind": "pickup",
            "title": "平日夕方のお迎え",
            "days": ["0", "2"],
            "times": "17:00〜19:00",
            "area_id": str(town["misono"].id),
        },
    )
    assert response.status_code == 302
    offer = db.session.scalar(db.select(Offer))
    assert offer.weekdays == [0, 2] and offer.kind is RequestKind.pickup
    html = c.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert "月曜日, 水曜日" in html


def test_offers_near_me_filters_by_kind_and_weekday(town):
    taro = town["taro"]
    monday = make_offer(taro, kind=RequestKind.pickup, days=1 << 0)
    anyday = make_offer(taro, kind=RequestKind.childcare, days=0)
    make_offer(town["outsider"], kind=RequestKind.pickup)
    make_offer(taro, active=False)
    db.session.commit()
    hanako = town["hanako"]
    ids = [o.id for o in services.offers_near_me(hanako).items]
    assert ids == [anyday.id, monday.id]
    pickups = services.offers_near_me(hanako, kind=RequestKind.pickup).items
    assert [o.id for o in pickups] == [monday.id]
    tuesday = date(2026, 11, 24)
    assert [o.id for o in services.offers_near_me(hanako, day=tuesday).items] == [anyday.id]
    stroller = make_offer(taro, kind=RequestKind.lend, title="ベビーカー", description="A型です")
    db.session.commit()
    assert [o.id for o in services.offers_near_me(hanako, words="ベビーカー　A型").items] == [
        stroller.id
    ]
    assert services.offers_near_me(hanako, words="100%").items == []


def test_search_from_the_page(make_client, town):
    make_offer(town["taro"], title="ベビーカーを貸せます")
    make_offer(town["taro"], title="平日夕方のお迎え")
    db.session.commit()
    c = _client(make_client, town["hanako"])
    html = c.get("/offers?q=ベビーカー").get_data(as_text=True)
    assert "ベビーカーを貸せます" in html and "平日夕方のお迎え" not in html
    fragment = c.get("/offers?q=お迎え", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "平日夕方のお迎え" in fragment


def test_offer_visibility(client, make_client, town):
    offer = make_offer(town["taro"])
    hidden = make_offer(town["taro"], active=False)
    db.session.commit()
    assert client.get(f"/offers/{offer.id}").status_code == 302
    outsider = _client(make_client, town["outsider"])
    assert outsider.get(f"/offers/{offer.id}").status_code == 404
    assert outsider.get(f"/help-requests/new?offer={offer.id}").status_code == 404
    hanako = _client(make_client, town["hanako"])
    assert hanako.get(f"/offers/{offer.id}").status_code == 200
    assert hanako.get(f"/offers/{hidden.id}").status_code == 404
    assert hanako.get(f"/offers/{offer.id}/edit").status_code == 404
    assert hanako.post_form(f"/offers/{offer.id}/visibility", {"active": "0"}).status_code == 404
    owner = _client(make_client, town["taro"])
    assert owner.get(f"/offers/{hidden.id}").status_code == 200
    assert owner.post_form(f"/offers/{offer.id}/visibility", {"active": "0"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).active is False


def test_ask_from_an_offer_prefills_and_addresses_it(make_client, town):
    offer = make_offer(town["taro"], kind=RequestKind.lend, title="ベビーカーを貸せます")
    db.session.commit()
    c = _client(make_client, town["hanako"])
    html = c.get(f"/help-requests/new?offer={offer.id}").get_data(as_text=True)
    assert 'value="ベビーカーを貸せます"' in html
    assert "たろうさんにだけ見えます" in html
    assert f'name="offer_id" type="hidden" value="{offer.id}"' in html


def test_edit_my_offer(make_client, town):
    offer = make_offer(town["taro"], days=1)
    db.session.commit()
    c = _client(make_client, town["taro"])
    page = c.get(f"/offers/{offer.id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked [^>]*id="days-0"', page)
    assert not re.search(r'<input checked [^>]*id="days-1"', page)
    response = c.post_form(
        f"/offers/{offer.id}/edit",
        {"kind": "errand", "title": "買い物", "days": ["5"], "area_id": str(town["misono"].id)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    offer = db.session.get(Offer, offer.id)
    assert offer.kind is RequestKind.errand and offer.weekdays == [5]


@pytest.mark.parametrize(
    "who, expected",
    [("guest", 302), ("member", 200), ("supporter", 200), ("coordinator", 200),
     ("other_coordinator", 404), ("admin", 200)],
)  # fmt: skip
def test_offer_page_per_role(client, make_client, town, who, expected):
    from tests.factories import add_membership
    from webapp.areas.models import Role

    people = {
        "member": town["hanako"],
        "supporter": make_person(area=town["misono"], role=Role.supporter),
        "coordinator": make_person(with_household=False, role=None),
        "other_coordinator": make_person(with_household=False, role=None),
        "admin": make_person(with_household=False, role=None, is_admin=True),
    }
    add_membership(people["coordinator"], town["misono"], Role.coordinator)
    add_membership(people["other_coordinator"], make_area(), Role.coordinator)
    offer = make_offer(town["taro"])
    db.session.commit()
    c = client if who == "guest" else _client(make_client, people[who])
    assert c.get(f"/offers/{offer.id}").status_code == expected
    for url in ("/offers", "/offers/mine", "/offers/new", "/connections", "/notifications"):
        assert c.get(url).status_code == (302 if who == "guest" else 200), url


def test_asking_a_stranger_for_childcare_from_an_offer_is_explained(make_client, town):
    from datetime import timedelta

    from tests.factories import make_child
    from webapp.clock import now as clock_now

    child = make_child(town["hanako"].household)
    offer = make_offer(town["taro"], kind=RequestKind.childcare)
    db.session.commit()
    c = _client(make_client, town["hanako"])
    day = (clock_now() + timedelta(days=3)).date().isoformat()
    response = c.post_form(
        "/help-requests/new",
        {
            "kind": "childcare",
            "title": "託児",
            "day": day,
            "start_time": "10:00",
            "end_time": "12:00",
            "children": str(child.id),
            "offer_id": str(offer.id),
            "step": "check",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="kind-error"' in html and "顔見知り" in html
