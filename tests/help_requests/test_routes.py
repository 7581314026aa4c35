"""Request pages: asking (form → check → post), the request page per viewer, actions, and
who reaches what (guest, member, supporter, coordinator of this area and of another, admin):
403 for role pages, 404 for requests outside one's audience, fragment URLs included."""

import re
from datetime import timedelta

import pytest

from tests.factories import make_help_request
from webapp.clock import now as clock_now
from webapp.extensions import db
from webapp.help_requests import lifecycle
from webapp.help_requests.models import HelpRequest, RequestKind, RequestStatus


def _client(make_client, person):
    c = make_client()
    c.sign_in(person)
    return c


def _form(town, **overrides):
    day = (clock_now() + timedelta(days=3)).date()
    data = {
        "kind": "childcare",
        "title": "2時間の託児",
        "day": day.isoformat(),
        "start_time": "１５：００",
        "end_time": "17時",
        "children": str(town["child"].id),
        "audience": "connections",
        "thank_you_yen": "1,200",
        "step": "check",
    }
    data.update(overrides)
    return data


def test_ask_check_then_post(make_client, town):
    c = _client(make_client, town["hanako"])
    page = c.get("/help-requests/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "500円" in html and "700円" in html  # the area's hourly range, even without JS

    check = c.post_form("/help-requests/new", _form(town))
    html = check.get_data(as_text=True)
    assert check.status_code == 200 and "確認" in html
    assert "1,000円" in html and "1,400円" in html  # 2 hours × 500–700 yen
    assert 'name="step" value="post"' in html
    assert db.session.scalar(db.select(db.func.count(HelpRequest.id))) == 0

    posted = c.post_form("/help-requests/new", _form(town, step="post"))
    assert posted.status_code == 302
    request = db.session.scalar(db.select(HelpRequest))
    assert posted.headers["Location"] == f"/help-requests/{request.id}"
    assert request.thank_you_yen == 1200 and request.hours == 2


def test_form_errors_keep_what_was_typed(make_client, town):
    c = _client(make_client, town["hanako"])
    response = c.post_form(
        "/help-requests/new",
        _form(town, title="", day="2026-13-45", start_time="25時", children="", audience=""),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>エラー：" in html
    assert 'value="2026-13-45"' in html and 'value="25時"' in html
    assert 'id="title-error"' in html and 'id="day-error"' in html
    assert 'id="start_time-error"' in html and 'id="audience-error"' in html


def test_rule_errors_come_back_next_to_the_field(make_client, town):
    c = _client(make_client, town["hanako"])
    response = c.post_form("/help-requests/new", _form(town, audience="area"))
    assert response.status_code == 422
    assert 'id="audience-error"' in response.get_data(as_text=True)
    response = c.post_form("/help-requests/new", _form(town, children=""))
    assert response.status_code == 422
    assert 'id="children-error"' in response.get_data(as_text=True)


def test_insured_age_warning_on_the_check_page(make_client, town):
    # Born in January twenty years ago: over 18 on the request's day, whatever the month.
    town["child"].birth_year, town["child"].birth_month = clock_now().year - 20, 1
    db.session.commit()
    c = _client(make_client, town["hanako"])
    html = c.post_form("/help-requests/new", _form(town)).get_data(as_text=True)
    assert 'id="insurance-warning"' in html
    assert "保険" in html


def test_recommended_thank_you_fragment(make_client, town):
    c = _client(make_client, town["hanako"])
    url = "/help-requests/thank-you?kind=pickup&start_time=15:00&end_time=16:30"
    fragment = c.get(url, headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html
    assert 'id="request-thank-you"' in html and "750円" in html and "1,050円" in html
    assert c.get(url).status_code == 302  # a plain visit goes to the form


def test_care_notes_hidden_until_matched(make_client, town):
    hanako, taro = town["hanako"], town["taro"]
    request = make_help_request(hanako, children=[town["child"]])
    db.session.commit()
    as_taro = _client(make_client, taro)
    html = as_taro.get(f"/help-requests/{request.id}").get_data(as_text=True)
    assert "卵アレルギー" not in html and "美園1-2-3" not in html and "山田 ゆい" not in html
    assert "I can help" in html or "手伝えます" in html
    as_hanako = _client(make_client, hanako)
    assert "卵アレルギー" in as_hanako.get(f"/help-requests/{request.id}").get_data(as_text=True)
    offer = lifecycle.offer_to_help(request, helper=taro, now=clock_now())
    lifecycle.choose_helper(request, offer, actor=hanako, now=clock_now())
    html = as_taro.get(f"/help-requests/{request.id}").get_data(as_text=True)
    assert "卵アレルギー" in html and "美園1-2-3" in html and "山田 ゆい" in html
    coordinator = _client(make_client, town["coordinator"])
    html = coordinator.get(f"/help-requests/{request.id}").get_data(as_text=True)
    assert "卵アレルギー" not in html and "美園1-2-3" not in html


def _matrix_request(town):
    return make_help_request(town["hanako"], children=[town["child"]])


ROLE_MATRIX = [
    # (who, url, expected) on an open childcare request for hanako's connections (taro)
    ("guest", "/help-requests/{id}", 302),
    ("hanako", "/help-requests/{id}", 200),
    ("taro", "/help-requests/{id}", 200),
    ("jiro", "/help-requests/{id}", 404),
    ("supporter", "/help-requests/{id}", 404),
    ("outsider", "/help-requests/{id}", 404),
    ("coordinator", "/help-requests/{id}", 200),
    ("hino_coordinator", "/help-requests/{id}", 404),
    ("admin", "/help-requests/{id}", 200),
    ("jiro", "/help-requests/{id}/pre-meeting", 404),
    ("jiro", "/help-requests/{id}/report", 404),
    ("jiro", "/help-requests/{id}/cancel", 404),
    ("taro", "/help-requests/{id}/cancel", 404),
    ("taro", "/help-requests/{id}/report", 404),
    ("guest", "/help-requests", 302),
    ("jiro", "/help-requests", 200),
    ("jiro", "/help-requests/mine", 200),
    ("jiro", "/help-requests/watch", 403),
    ("supporter", "/help-requests/watch", 403),
    ("coordinator", "/help-requests/watch", 200),
    ("hino_coordinator", "/help-requests/watch?area={misono}", 403),
    ("admin", "/help-requests/watch?area={misono}", 200),
    ("coordinator", "/help-requests/new", 403),  # staff without a household cannot ask
    ("guest", "/help-requests/new", 302),
]


@pytest.mark.parametrize("who, pattern, expected", ROLE_MATRIX)
def test_each_role_reaches_only_what_it_may(client, make_client, town, who, pattern, expected):
    request = _matrix_request(town)
    db.session.commit()
    url = pattern.format(id=request.id, misono=town["misono"].id)
    c = client if who == "guest" else _client(make_client, town[who])
    for headers in ({}, {"HX-Request": "true"}):  # the fragment answers the same
        response = c.get(url, headers=headers)
        # except a guest's: 401, and htmx loads the sign-in page in the whole window
        want = 401 if expected == 302 and headers else expected
        assert response.status_code == want, (url, headers)
        if want == 401:
            assert response.headers["HX-Redirect"].startswith("/sign-in?next=")


POST_ACTIONS = ["offer", "withdraw", "confirm", "cancel", "pre-meeting", "report"]


@pytest.mark.parametrize("action", POST_ACTIONS)
@pytest.mark.parametrize("who", ["jiro", "outsider", "hino_coordinator"])
def test_actions_on_an_unseen_request_are_404(make_client, town, action, who):
    request = _matrix_request(town)
    db.session.commit()
    c = _client(make_client, town[who])
    for htmx in (False, True):
        response = c.post_form(f"/help-requests/{request.id}/{action}", {"reason": "x"}, htmx=htmx)
        assert response.status_code == 404
    assert db.session.get(HelpRequest, request.id).status is RequestStatus.open


def test_choose_someone_elses_offer_is_404(make_client, town):
    request = _matrix_request(town)
    offer = lifecycle.offer_to_help(request, helper=town["taro"], now=clock_now())
    other = make_help_request(town["hanako"])
    db.session.commit()
    c = _client(make_client, town["taro"])
    assert c.post_form(f"/help-requests/{request.id}/offers/{offer.id}/choose").status_code == 404
    hanako = _client(make_client, town["hanako"])
    assert (
        hanako.post_form(f"/help-requests/{other.id}/offers/{offer.id}/choose").status_code == 404
    )


def test_offer_choose_premeeting_report_confirm_by_http(make_client, town):
    hanako, taro = town["hanako"], town["taro"]
    request = _matrix_request(town)
    db.session.commit()
    as_taro, as_hanako = _client(make_client, taro), _client(make_client, hanako)
    url = f"/help-requests/{request.id}"
    assert as_taro.post_form(f"{url}/offer", {"message": "行けます"}).status_code == 302
    html = as_hanako.get(url).get_data(as_text=True)
    offer_id = int(re.search(r"/offers/(\d+)/choose", html).group(1))
    assert as_hanako.post_form(f"{url}/offers/{offer_id}/choose").status_code == 302

    # The checklist needs every box ticked.
    response = as_taro.post_form(f"{url}/pre-meeting", {"emergency_contact": "y"})
    assert response.status_code == 422
    ticks = {"emergency_contact": "y", "allergies": "y", "handover": "y"}
    assert as_taro.post_form(f"{url}/pre-meeting", ticks).status_code == 302
    assert as_hanako.post_form(f"{url}/pre-meeting", ticks).status_code == 302

    # The day comes.
    request = db.session.get(HelpRequest, request.id)
    request.start_at -= timedelta(days=3)
    request.end_at -= timedelta(days=3)
    db.session.commit()
    page = as_taro.get(f"{url}/report")
    assert page.status_code == 200
    bad = as_taro.post_form(f"{url}/report", {"started": "15:00", "ended": "14:00"})
    assert bad.status_code == 422
    report = {"started": "15:05", "ended": "17:00", "thank_you_yen": "１０００", "notes": "元気"}
    assert as_taro.post_form(f"{url}/report", report).status_code == 302
    assert as_hanako.post_form(f"{url}/confirm").status_code == 302
    request = db.session.get(HelpRequest, request.id)
    assert request.status is RequestStatus.completed
    assert request.report.thank_you_yen == 1000
    html = as_hanako.get(url).get_data(as_text=True)
    assert "1,000円" in html


def test_cancel_shows_the_area_rule_and_needs_a_reason(make_client, town):
    request = _matrix_request(town)
    db.session.commit()
    c = _client(make_client, town["hanako"])
    url = f"/help-requests/{request.id}/cancel"
    assert "前日までのキャンセルは無料です。" in c.get(url).get_data(as_text=True)
    assert c.post_form(url, {"reason": ""}).status_code == 422
    assert c.post_form(url, {"reason": "熱が出ました"}).status_code == 302
    assert db.session.get(HelpRequest, request.id).status is RequestStatus.cancelled


def test_showing_an_expired_request_writes_the_expiry_back(make_client, town):
    request = make_help_request(town["hanako"], start_at=clock_now() + timedelta(days=1))
    request.start_at = clock_now() - timedelta(hours=1)
    request.end_at = clock_now() + timedelta(hours=1)
    db.session.commit()
    c = _client(make_client, town["hanako"])
    assert c.get(f"/help-requests/{request.id}").status_code == 200
    db.session.expire_all()
    assert db.session.get(HelpRequest, request.id).status is RequestStatus.expired
    # Once expired, the audience no longer sees it.
    taro = _client(make_client, town["taro"])
    assert taro.get(f"/help-requests/{request.id}").status_code == 404


def test_list_filters_return_a_fragment_to_htmx(make_client, town):
    make_help_request(town["hanako"], kind=RequestKind.pickup, title="お迎えのお願い")
    make_help_request(town["hanako"], kind=RequestKind.childcare, title="託児のお願い")
    db.session.commit()
    c = _client(make_client, town["taro"])
    full = c.get("/help-requests?kind=pickup")
    assert "<html" in full.get_data(as_text=True)
    fragment = c.get("/help-requests?kind=pickup", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and 'id="help-request-list"' in html
    assert "お迎えのお願い" in html and "託児のお願い" not in html
    assert fragment.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]
    bad = c.get("/help-requests?day=someday")
    assert bad.status_code == 422 and 'id="day-error"' in bad.get_data(as_text=True)


def test_kind_menu_shows_the_chosen_kind_in_the_reader_s_language(make_client, town):
    """The kind menu's HTML is kept per language and choice: each answer still marks the
    kind asked for, in the language of whoever reads it, and an error keeps its marking."""
    c = _client(make_client, town["taro"])

    def selected(url, **headers):
        html = c.get(url, headers=headers).get_data(as_text=True)
        menu = re.search(r'<select[^>]*name="kind".*?</select>', html, re.S).group(0)
        return re.findall(r'<option selected value="([^"]*)">([^<]*)<', menu), menu

    assert selected("/help-requests?kind=pickup")[0] == [("pickup", "送迎（お迎え・お送り）")]
    assert selected("/help-requests?kind=childcare")[0][0][0] == "childcare"
    assert selected("/help-requests")[0] == []
    english = selected("/help-requests?kind=pickup", **{"Accept-Language": "en"})[0]
    assert english == [("pickup", "Pick-up or drop-off")]
    c.post_form("/language", {"lang": "en", "next": "/"})
    assert selected("/help-requests?kind=pickup")[0] == [("pickup", "Pick-up or drop-off")]
    assert selected("/help-requests?kind=nonsense")[0] == []
    _, menu = selected("/help-requests?kind=lend&day=someday")
    assert 'value="lend"' in menu and "aria-describedby" not in menu  # the error is the day's


def test_coordinator_of_two_areas_switches_between_them(make_client, town):
    from tests.factories import add_membership
    from webapp.areas.models import Role

    coordinator = town["coordinator"]
    add_membership(coordinator, town["hino"], Role.coordinator)
    make_help_request(town["hanako"], title="美園のお願い")
    make_help_request(town["outsider"], title="日野のお願い")
    db.session.commit()
    c = _client(make_client, coordinator)
    html = c.get("/help-requests/watch").get_data(as_text=True)
    assert "美園のお願い" in html and "日野のお願い" not in html
    assert f"/help-requests/watch?area={town['hino'].id}" in html
    html = c.get(f"/help-requests/watch?area={town['hino'].id}").get_data(as_text=True)
    assert "日野のお願い" in html and "美園のお願い" not in html


def test_pages_in_english(make_client, town):
    hanako, taro = town["hanako"], town["taro"]
    request = make_help_request(hanako, children=[town["child"]], thank_you_yen=1000)
    offer = lifecycle.offer_to_help(request, helper=taro, now=clock_now(), message="I can come")
    lifecycle.choose_helper(request, offer, actor=hanako, now=clock_now())
    db.session.commit()
    c = _client(make_client, hanako)
    c.post_form("/language", {"lang": "en", "next": "/"})
    pages = {
        f"/help-requests/{request.id}": "Pre-meeting",
        "/help-requests/mine": "Requests I made",
        "/help-requests/new": "What kind of help do you need?",
        "/help-requests": "Help someone",
        "/offers": "What neighbours can do",
        "/connections": "Your connection code",
        "/notifications": "Notifications",
        "/threads/1": "Conversation about",
    }
    for url, text in pages.items():
        response = c.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert text in html and 'lang="en"' in html, url
    html = c.post_form("/help-requests/new", _form(town, day="2030-01-15")).get_data(as_text=True)
    assert "Recommended for 2 hours: ¥1,000 to ¥1,400" in html
