"""Journeys around requests, with JavaScript on and off, every page audited:
- a member lists what he can do; a neighbour searches the offers and asks him from his offer;
- helper and requester talk in their thread; the area's coordinator reads it (logged);
- a supporter connects two people at an event and works through the phone follow-up list."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.factories import (
    add_membership,
    make_area,
    make_child,
    make_connection,
    make_event,
    make_help_request,
    make_household,
    make_offer,
    make_person,
)
from webapp.areas.models import Role
from webapp.audit import AuditEntry
from webapp.clock import TOWN_TZ
from webapp.clock import now as clock_now
from webapp.connections.models import Connection
from webapp.extensions import db
from webapp.help_requests import lifecycle
from webapp.help_requests.models import Audience, HelpRequest, RequestKind
from webapp.threads.models import Thread


def _sign_in(page, person, audit):
    page.goto("/sign-in")
    page.get_by_label("会員番号、電話番号、またはメールアドレス").fill(person.member_number)
    page.get_by_label("パスワード").fill("password123")
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator(".signed-in")).to_be_visible()
    audit(page)


def _menu(page, name):
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name=name).click()


@pytest.fixture
def town():
    area = make_area(name="美園")
    household = make_household(area)
    hanako = make_person(household, display_name="はなこ")
    child = make_child(household, name="山田 ゆい", birth_year=2021, birth_month=4)
    taro = make_person(area=area, display_name="たろう")
    make_connection(hanako, taro)
    jiro = make_person(area=area, display_name="じろう")
    make_offer(jiro, kind=RequestKind.lend, title="ベビーカーを貸せます", days=0)
    coordinator = make_person(with_household=False, role=None, display_name="美園コーディネーター")
    add_membership(coordinator, area, Role.coordinator)
    supporter = make_person(area=area, role=Role.supporter, display_name="さぽーたー")
    db.session.commit()
    return locals()


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_list_an_offer_then_be_asked_from_it(new_page, audit, town, js):
    taro_page, hanako_page = new_page(javascript=js), new_page(javascript=js)
    _sign_in(taro_page, town["taro"], audit)
    _menu(taro_page, "ご近所のできること")
    expect(taro_page.locator("h1")).to_have_text("ご近所のできること")
    audit(taro_page)
    taro_page.get_by_role("link", name="できることをのせる").click()
    audit(taro_page)
    taro_page.get_by_role("button", name="のせる").click()
    expect(taro_page.locator(".error-summary")).to_contain_text("種類を選んでください")
    audit(taro_page)
    taro_page.get_by_label("送迎（お迎え・お送り）").check()
    taro_page.get_by_label("できることをひとことで").fill("平日夕方のお迎え")
    taro_page.get_by_label("月曜日").check()
    taro_page.get_by_label("水曜日").check()
    taro_page.get_by_label("いつもの時間").fill("17:00〜19:00")
    taro_page.get_by_role("button", name="のせる").click()
    expect(taro_page.locator(".flash")).to_contain_text("できることをのせました。")
    expect(taro_page.locator("main")).to_contain_text("月曜日, 水曜日")
    audit(taro_page)

    _sign_in(hanako_page, town["hanako"], audit)
    _menu(hanako_page, "ご近所のできること")
    audit(hanako_page)
    expect(hanako_page.locator("#offer-results")).to_contain_text("ベビーカーを貸せます")
    hanako_page.get_by_label("種類").select_option("pickup")
    if not js:
        hanako_page.get_by_role("button", name="表示する").click()
    expect(hanako_page.locator("#offer-results")).not_to_contain_text("ベビーカーを貸せます")
    expect(hanako_page.locator("#offer-results")).to_contain_text("平日夕方のお迎え")
    expect(hanako_page).to_have_url(re.compile(r"kind=pickup"))
    audit(hanako_page)
    hanako_page.get_by_role("link", name="平日夕方のお迎え").click()
    expect(hanako_page.locator("h1")).to_have_text("平日夕方のお迎え")
    audit(hanako_page)
    hanako_page.get_by_role("link", name="たろうさんにお願いする").click()
    expect(hanako_page.locator("h1")).to_have_text("お願いをする")
    expect(hanako_page.locator(".notice")).to_contain_text("たろうさんにだけ見えます")
    expect(hanako_page.get_by_label("お願いしたいことをひとことで")).to_have_value(
        "平日夕方のお迎え"
    )
    audit(hanako_page)
    day = (clock_now().astimezone(TOWN_TZ) + timedelta(days=4)).date()
    hanako_page.get_by_label("日にち").fill(day.isoformat())
    hanako_page.get_by_label("いつから", exact=True).fill("17:00")
    hanako_page.get_by_label("いつまで", exact=True).fill("17:30")
    hanako_page.get_by_label("山田 ゆい").check()
    hanako_page.get_by_role("button", name="次へ").click()
    expect(hanako_page.locator("h1")).to_have_text("お願いの内容を確認してください")
    expect(hanako_page.locator("main")).to_contain_text("たろうさんだけ")
    audit(hanako_page)
    hanako_page.get_by_role("button", name="お願いを出す").click()
    expect(hanako_page.locator(".flash")).to_contain_text("お願いを出しました。")
    audit(hanako_page)
    db.session.commit()
    request = db.session.scalar(db.select(HelpRequest))
    assert request.audience is Audience.person and request.addressed_to_id == town["taro"].id


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_conversation_watched_over_by_the_coordinator(new_page, audit, town, js):
    request = make_help_request(town["hanako"], children=[town["child"]], title="土曜の託児")
    lifecycle.offer_to_help(request, helper=town["taro"], now=clock_now(), message="行けます")
    thread_id = db.session.scalar(db.select(Thread.id))
    db.session.commit()

    taro_page = new_page(javascript=js)
    _sign_in(taro_page, town["taro"], audit)
    taro_page.goto(f"/help-requests/{request.id}")
    audit(taro_page)
    taro_page.get_by_role("link", name="はなこさんとのやりとり").click()
    expect(taro_page.locator("h1")).to_have_text("やりとり：土曜の託児")
    expect(taro_page.locator(".notice")).to_contain_text(
        "コーディネーターがこのやりとりを読むことがあります"
    )
    audit(taro_page)
    taro_page.get_by_label("メッセージ").fill("何時に伺えばいいですか？\nhttps://example.com")
    taro_page.get_by_role("button", name="送る").click()
    expect(taro_page.locator("#thread-messages")).to_contain_text("何時に伺えばいいですか？")
    expect(taro_page.get_by_label("メッセージ")).to_have_value("")
    expect(taro_page.locator("#thread-messages a")).to_have_count(0)  # links stay plain text
    expect(taro_page).to_have_url(re.compile(rf"/threads/{thread_id}"))
    audit(taro_page)

    coordinator_page = new_page(javascript=js)
    _sign_in(coordinator_page, town["coordinator"], audit)
    _menu(coordinator_page, "見守り")
    expect(coordinator_page.locator("h1")).to_have_text("美園のお願い")
    audit(coordinator_page)
    coordinator_page.get_by_role("link", name="土曜の託児").click()
    expect(coordinator_page.locator(".notice")).to_contain_text("見守っています")
    audit(coordinator_page)
    coordinator_page.get_by_role("link", name="たろうさんとのやりとり").click()
    expect(coordinator_page.locator("#thread-messages")).to_contain_text("何時に伺えばいいですか？")
    expect(coordinator_page.locator("textarea")).to_have_count(0)
    audit(coordinator_page)
    db.session.commit()
    reads = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "thread.read_by_coordinator")
    ).all()
    assert [(r.actor_id, r.subject_id) for r in reads] == [(town["coordinator"].id, thread_id)]


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_supporter_connects_at_an_event_and_phones(new_page, audit, town, js):
    grandma = make_person(
        area=town["area"], display_name="かずこ", name="佐藤 和子", phone="0488781111"
    )
    event = make_event(town["area"])
    db.session.commit()
    page = new_page(javascript=js)
    _sign_in(page, town["supporter"], audit)
    page.goto(f"/connections/staff?event_id={event.id}")
    expect(page.locator("h1")).to_have_text("ふたりを顔見知りにする")
    audit(page)
    page.get_by_label("ひとりめ：会員番号か電話番号").fill(grandma.member_number)
    page.get_by_label("ふたりめ：会員番号か電話番号").fill(town["jiro"].member_number)
    page.get_by_role("button", name="顔見知りにする").click()
    expect(page.locator(".error-summary")).to_contain_text("同意しているときだけ")
    audit(page)
    page.get_by_label("ふたりともここにいて、ふたりとも顔見知りになることに同意しています").check()
    page.get_by_role("button", name="顔見知りにする").click()
    expect(page.locator(".flash")).to_contain_text("かずこさんとじろうさんが顔見知りになりました。")
    audit(page)
    db.session.commit()
    assert (
        db.session.scalar(db.select(Connection.event_id).where(Connection.method == "staff"))
        == event.id
    )

    # Both were told in the site; neither has e-mail, so they are on the phone list.
    _menu(page, "電話連絡")
    expect(page.locator("h1")).to_have_text("電話連絡リスト：美園")
    expect(page.locator(f"#follow-up-person-{grandma.id}")).to_contain_text("048-878-1111")
    audit(page)
    pdf = page.request.get(
        page.get_by_role("link", name="このリストを印刷する（PDF）").get_attribute("href")
    )
    assert pdf.headers["content-type"] == "application/pdf"
    page.get_by_role("button", name="佐藤 和子さんに電話で伝えた").click()
    expect(page.locator(".flash")).to_contain_text("かずこさんに電話で伝えたことにしました。")
    expect(page.locator(f"#follow-up-person-{grandma.id}")).to_have_count(0)
    audit(page)
