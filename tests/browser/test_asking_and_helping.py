"""Journey: two members connect; she posts a childcare request for her connections; he offers;
she picks him; both tick the pre-meeting; he files the report; she confirms; it shows as
completed with the thank-you. With JavaScript on and off; every page is audited."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.factories import make_area, make_child, make_household, make_person
from webapp.clock import TOWN_TZ
from webapp.clock import now as clock_now
from webapp.extensions import db
from webapp.help_requests.models import HelpRequest, RequestStatus


def _sign_in(page, person, audit):
    page.goto("/sign-in")
    audit(page)
    page.get_by_label("会員番号、電話番号、またはメールアドレス").fill(person.member_number)
    page.get_by_label("パスワード").fill("password123")
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator(".signed-in")).to_be_visible()
    audit(page)


def _menu(page, name):
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name=name).click()


@pytest.fixture
def neighbours():
    area = make_area(name="美園", cancellation_note="前日までのキャンセルは無料です。")
    household = make_household(area, address="美園4-5-6")
    hanako = make_person(household, display_name="はなこ")
    make_child(
        household, name="山田 ゆい", birth_year=2021, birth_month=4, care_notes="卵アレルギー"
    )
    taro = make_person(area=area, display_name="たろう")
    db.session.commit()
    return {"hanako": hanako, "taro": taro}


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_ask_help_and_complete(new_page, audit, neighbours, js):
    hanako_page = new_page(javascript=js)
    taro_page = new_page(javascript=js)
    hanako, taro = neighbours["hanako"], neighbours["taro"]

    # 1. They meet: Taro types Hanako's code, Hanako confirms.
    _sign_in(hanako_page, hanako, audit)
    _menu(hanako_page, "顔見知り")
    expect(hanako_page.locator("h1")).to_have_text("顔見知り")
    audit(hanako_page)
    code = hanako_page.locator("#connection-code").inner_text()
    code = re.sub(r"\D", "", code)
    assert len(code) == 6

    _sign_in(taro_page, taro, audit)
    _menu(taro_page, "顔見知り")
    audit(taro_page)
    taro_page.get_by_label("相手のつながりコード").fill(
        "９９９ ９９９" if code != "999999" else "000000"
    )
    taro_page.get_by_role("button", name="顔見知りになりたいと伝える").click()
    expect(taro_page).to_have_title(re.compile("^エラー："))
    expect(taro_page.locator(".error-summary")).to_contain_text("このコードの人はいません")
    audit(taro_page)
    taro_page.get_by_label("相手のつながりコード").fill(f"{code[:3]}-{code[3:]}")
    taro_page.get_by_role("button", name="顔見知りになりたいと伝える").click()
    expect(taro_page.locator(".flash")).to_contain_text("はなこさんに承認をお願いしました。")
    audit(taro_page)

    hanako_page.reload()
    expect(hanako_page.locator("#notification-count")).to_contain_text("1")
    audit(hanako_page)
    hanako_page.get_by_role("button", name="はい、たろうさんと顔見知りになります").click()
    expect(hanako_page.locator(".flash")).to_contain_text("たろうさんと顔見知りになりました。")
    expect(hanako_page.locator(".connection")).to_contain_text("たろう")
    audit(hanako_page)

    # 2. She asks for two hours of childcare, for the people she knows.
    _menu(hanako_page, "わたしのお願い")
    expect(hanako_page.locator("h1")).to_have_text("わたしのお願い")
    audit(hanako_page)
    hanako_page.get_by_role("link", name="お願いをする").click()
    expect(hanako_page.locator("h1")).to_have_text("お願いをする")
    audit(hanako_page)
    hanako_page.get_by_role("button", name="次へ").click()  # nothing filled in
    expect(hanako_page).to_have_title(re.compile("^エラー："))
    expect(hanako_page.locator(".error-summary")).to_contain_text("お願いの種類を選んでください")
    audit(hanako_page)

    day = (clock_now().astimezone(TOWN_TZ) + timedelta(days=3)).date()
    hanako_page.get_by_label("託児（子どもをあずかる）").check()
    hanako_page.get_by_label("お願いしたいことをひとことで").fill("夕方2時間の託児")
    hanako_page.get_by_label("日にち").fill(day.isoformat())
    hanako_page.get_by_label("いつから", exact=True).fill("15:00")
    hanako_page.get_by_label("いつまで", exact=True).fill("17:00")
    if js:  # the recommended thank-you follows the times as they are typed
        hanako_page.get_by_label("いつまで", exact=True).dispatch_event("change")
        expect(hanako_page.locator("#request-thank-you")).to_contain_text(
            "2時間のお礼の目安：1,000円〜1,400円"
        )
    hanako_page.get_by_label("山田 ゆい").check()
    hanako_page.get_by_label("顔見知りの人").check()
    hanako_page.get_by_label("お礼（円）").fill("１２００")
    hanako_page.get_by_role("button", name="次へ").click()
    expect(hanako_page.locator("h1")).to_have_text("お願いの内容を確認してください")
    expect(hanako_page.locator("#request-thank-you")).to_contain_text("1,000円〜1,400円")
    expect(hanako_page.locator("main")).to_contain_text("前日までのキャンセルは無料です。")
    audit(hanako_page)
    hanako_page.get_by_role("button", name="お願いを出す").click()
    expect(hanako_page.locator(".flash")).to_contain_text("お願いを出しました。")
    expect(hanako_page.locator("h1")).to_have_text("夕方2時間の託児")
    audit(hanako_page)
    db.session.commit()  # end the test's read snapshot: see what the server wrote
    request = db.session.scalar(db.select(HelpRequest))

    # 3. He hears of it, and offers.
    taro_page.reload()  # connected, and a new request
    expect(taro_page.locator("#notification-count")).to_contain_text("2")
    audit(taro_page)
    taro_page.get_by_role("link", name=re.compile("^お知らせ")).click()
    expect(taro_page.locator("h1")).to_have_text("お知らせ")
    audit(taro_page)
    taro_page.get_by_role("link", name="新しいお願い：夕方2時間の託児").click()
    expect(taro_page.locator("h1")).to_have_text("夕方2時間の託児")
    expect(taro_page.locator("main")).not_to_contain_text("卵アレルギー")  # not before he is chosen
    audit(taro_page)
    taro_page.get_by_label("相手へのメッセージ").fill("行けます。よろしくお願いします。")
    taro_page.get_by_role("button", name="手伝えます").click()
    expect(taro_page.locator(".flash")).to_contain_text("手伝いを申し出たことを相手に伝えました。")
    audit(taro_page)

    # 4. She picks him; the first time together needs a pre-meeting.
    hanako_page.goto(f"/help-requests/{request.id}")
    audit(hanako_page)
    hanako_page.get_by_role("button", name="たろうさんにお願いする").click()
    expect(hanako_page.locator(".flash")).to_contain_text("たろうさんにお願いしました。")
    expect(hanako_page.locator("#help-request-progress")).to_contain_text("事前打ち合わせ")
    audit(hanako_page)
    for person_page in (hanako_page, taro_page):
        person_page.goto(f"/help-requests/{request.id}")
        audit(person_page)
        person_page.get_by_role("link", name="事前打ち合わせのチェックをする").click()
        expect(person_page.locator("h1")).to_have_text("事前打ち合わせのチェック")
        audit(person_page)
        person_page.get_by_label("緊急のときの連絡先を伝え合いました").check()
        person_page.get_by_label("アレルギーや体調、気をつけることについて話しました").check()
        person_page.get_by_label("子どもの受け渡しの場所と方法を決めました").check()
        person_page.get_by_role("button", name="事前打ち合わせをしました").click()
        expect(person_page.locator(".flash")).to_contain_text(
            "事前打ち合わせのチェックができました"
        )
        audit(person_page)
    expect(taro_page.locator(".card--private")).to_contain_text("卵アレルギー")  # now he sees
    expect(taro_page.locator(".card--private")).to_contain_text("美園4-5-6")

    # 5. The day comes and goes: he files the report.
    db.session.commit()
    stored = db.session.get(HelpRequest, request.id)
    # Back to yesterday afternoon, whatever the time of day the test runs at.
    stored.start_at -= timedelta(days=4)
    stored.end_at -= timedelta(days=4)
    db.session.commit()
    taro_page.goto(f"/help-requests/{request.id}")
    audit(taro_page)
    taro_page.get_by_role("link", name="活動報告を書く").click()
    expect(taro_page.locator("h1")).to_have_text("活動報告")
    audit(taro_page)
    taro_page.get_by_label("始まった時間").fill("14:05")
    taro_page.get_by_label("終わった時間").fill("16:00")
    taro_page.get_by_label("受け取ったお礼（円）").fill("1200")
    taro_page.get_by_label("伝えたいこと").fill("元気に遊びました。")
    taro_page.get_by_role("button", name="報告を送る").click()
    expect(taro_page.locator(".flash")).to_contain_text("報告の確認を相手にお願いしました。")
    audit(taro_page)

    # 6. She confirms: completed, with the thank-you.
    hanako_page.goto(f"/help-requests/{request.id}")
    expect(hanako_page.locator("#help-request-report")).to_contain_text("元気に遊びました。")
    audit(hanako_page)
    hanako_page.get_by_role("button", name="報告を確認する").click()
    expect(hanako_page.locator(".flash")).to_contain_text("このお願いは完了しました。")
    expect(hanako_page.locator(".tag--completed")).to_have_text("完了")
    expect(hanako_page.locator("#help-request-report")).to_contain_text("1,200円")
    audit(hanako_page)
    _menu(hanako_page, "わたしのお願い")
    expect(hanako_page.locator(f"#help-request-{request.id}")).to_contain_text("完了")
    audit(hanako_page)
    db.session.commit()
    assert db.session.get(HelpRequest, request.id).status is RequestStatus.completed
