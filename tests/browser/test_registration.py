"""Journeys of issue 3, with JavaScript on and off, every page audited (axe + Nu checker):
a resident signs up on their own; a supporter registers a resident at the desk, prints the
login card and the resident signs in by opening the card's link; a supporter keys in a
paper form and is shown a possible duplicate first."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.factories import add_membership, make_area, make_person
from tests.pdf_tools import pdf_qr_codes, pdf_text
from webapp.areas.models import Role
from webapp.extensions import db
from webapp.households.models import Person


@pytest.fixture
def town():
    misono = make_area(name="美園", postal_code_prefixes="33609", help_phone="0488781234")
    make_area(name="日野（一般）", postal_code_prefixes="191")
    supporter = make_person(area=misono, role=Role.supporter, display_name="サポーター 田中")
    coordinator = make_person(with_household=False, role=None)
    add_membership(coordinator, misono, Role.coordinator)
    existing = make_person(area=misono, name="鈴木 陽子", kana="スズキ ヨウコ", phone="09077778888")
    db.session.commit()
    return {"misono": misono, "supporter": supporter, "existing": existing}


def _page(request, js):
    return request.getfixturevalue("page" if js else "page_nojs")


def _sign_in(page, person):
    page.goto("/sign-in")
    page.get_by_label("会員番号、電話番号、またはメールアドレス").fill(person.member_number)
    page.get_by_label("パスワード").fill("password123")
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator(".signed-in")).to_be_visible()


def _from_server(statement):
    """Read what the live server wrote (end the test's own read snapshot first)."""
    db.session.rollback()
    return db.session.scalars(statement).all()


def _leave(page, locator):
    """Move on from a field the way a person does (Tab), so that a change is noticed."""
    locator.press("Tab")


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_a_resident_signs_up_on_their_own(request, audit, town, js):
    page = _page(request, js)
    page.goto("/")
    page.get_by_role("link", name="おたがいさまに登録する").click()
    expect(page.locator("h1")).to_have_text("おたがいさまに登録する")
    audit(page)
    page.get_by_role("button", name="はじめる").click()

    # Step 1, with a mistake: kanji in the reading.
    expect(page.locator("h1")).to_have_text("あなたについて")
    audit(page)
    page.get_by_label("氏名", exact=True).fill("山田　花子")
    kana = page.get_by_label("氏名のふりがな")
    kana.fill("山田 はなこ")
    _leave(page, kana)
    if js:  # checked as soon as it is left, before sending the page
        expect(page.locator("#kana-error")).to_contain_text("「山田」は漢字です")
        audit(page)
    page.get_by_label("サイトに表示する名前").fill("はなこ")
    page.get_by_role("button", name="次へ").click()
    expect(page).to_have_title(re.compile("^エラー："))
    expect(page.locator(".error-summary")).to_contain_text("「山田」は漢字です")
    expect(page.get_by_label("氏名のふりがな")).to_have_value("山田 はなこ")
    audit(page)
    page.get_by_label("氏名のふりがな").fill("やまだ　はなこ")
    page.get_by_role("button", name="次へ").click()

    # Step 2: full-width digits and hyphens are fine; the postal code suggests the area.
    expect(page.locator("h1")).to_have_text("連絡先")
    audit(page)
    page.get_by_label("電話番号").fill("０９０－１２３４－５６７８")
    postal = page.get_by_label("郵便番号")
    postal.fill("〒３３６ー０９６７")
    _leave(page, postal)
    if js:
        expect(page.locator("#postal_code-suggestion")).to_contain_text("「美園」の地域です")
    page.get_by_label("住所").fill("さいたま市緑区美園1-2-3")
    page.get_by_role("button", name="次へ").click()

    expect(page.locator("h1")).to_have_text("住んでいる地域")
    expect(page.get_by_label("美園")).to_be_checked()
    audit(page)
    # The back link keeps what was typed.
    page.get_by_role("link", name="戻る").click()
    expect(page.get_by_label("電話番号")).to_have_value("０９０－１２３４－５６７８")
    page.get_by_role("button", name="次へ").click()
    expect(page.locator("h1")).to_have_text("住んでいる地域")
    page.get_by_role("button", name="次へ").click()

    expect(page.locator("h1")).to_have_text("世帯のほかのおとな")
    audit(page)
    page.get_by_role("button", name="次へ").click()

    expect(page.locator("h1")).to_have_text("こども")
    audit(page)
    page.get_by_label("こどもの氏名", exact=True).fill("山田 蓮")
    page.get_by_label("こどもの氏名のふりがな").fill("ﾔﾏﾀﾞ ﾚﾝ")
    page.get_by_label("生まれた年").fill("令和3年")
    page.get_by_label("生まれた月").fill("４")
    page.get_by_label("お世話のメモ（大切な情報）").fill("卵アレルギー")
    page.get_by_role("button", name="追加して、もう1人入力する").click()
    expect(page.locator(".card-list")).to_contain_text("山田 蓮 (ヤマダ レン)")
    audit(page)
    page.get_by_role("button", name="次へ").click()

    expect(page.locator("h1")).to_have_text("規約とお知らせ")
    audit(page)
    page.get_by_label("利用規約に同意します").check()
    page.get_by_label("個人情報の取り扱い（使いみちを含む）に同意します").check()
    page.get_by_label("保険のお知らせを読みました").check()
    page.get_by_role("button", name="次へ").click()

    expect(page.locator("h1")).to_have_text("入力内容の確認")
    expect(page.locator("main")).to_contain_text("090-1234-5678")
    expect(page.locator("main")).to_contain_text("2021年4月生まれ")
    audit(page)
    page.get_by_role("link", name="変更 サイトに表示する名前").click()
    expect(page.get_by_label("サイトに表示する名前")).to_have_value("はなこ")
    page.get_by_label("サイトに表示する名前").fill("はなちゃん")
    page.get_by_role("button", name="次へ").click()
    expect(page.locator("h1")).to_have_text("入力内容の確認")
    expect(page.locator("main")).to_contain_text("はなちゃん")
    page.get_by_role("button", name="おたがいさまに登録する").click()

    expect(page.locator("h1")).to_have_text("ログインしました")
    [person] = _from_server(select(Person).where(Person.registered_via == "self"))
    expect(page.locator(".lead")).to_contain_text(person.member_number)
    audit(page)
    page.get_by_label("新しいパスワード", exact=True).fill("hanako-no-himitsu")
    page.get_by_label("新しいパスワード（確認）").fill("hanako-no-himitsu")
    page.get_by_role("button", name="パスワードを保存する").click()
    expect(page.locator("h1")).to_have_text("こんにちは、はなちゃんさん")
    audit(page)
    assert person.kana == "ヤマダ ハナコ" and person.household.children[0].kana == "ヤマダ レン"


def _print_card(page):
    """Press "print" and keep the PDF the browser received (it opens in the PDF viewer)."""
    received = {}

    def keep(route):
        if route.request.method != "POST":
            return route.continue_()
        response = route.fetch()
        received["pdf"] = response.body()
        return route.fulfill(response=response)

    page.route("**/card", keep)
    page.get_by_role("button", name="ログインカードを印刷する（PDF）").click()
    for _ in range(200):
        if "pdf" in received:
            break
        page.wait_for_timeout(50)
    page.unroute("**/card")
    return received["pdf"]


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_desk_registration_login_card_and_first_sign_in(request, new_page, audit, town, js):
    page = _page(request, js)
    _sign_in(page, town["supporter"])
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="相談窓口"
    ).click()
    expect(page.locator("h1")).to_have_text("相談窓口")
    audit(page)
    page.get_by_role("link", name="住民を登録する").click()
    expect(page.locator("h1")).to_have_text("住民を登録する")
    expect(page.locator(".assisted-banner")).to_contain_text(
        "新しく登録する人の代わりに入力しています"
    )
    audit(page)

    page.locator("#name").fill("佐藤 和子")
    page.locator("#kana").fill("佐藤")
    _leave(page, page.locator("#kana"))
    if js:
        expect(page.locator("#kana-error")).to_contain_text("「佐藤」は漢字です")
    page.locator("#kana").fill("さとう かずこ")
    page.locator("#display_name").fill("かずこ")
    page.locator("#phone").fill("048-123-4567")
    page.locator("#postal_code").fill("336-0967")
    page.locator("#address").fill("美園2-3-4")
    page.locator("#child_1-name").fill("佐藤 蓮")
    page.locator("#child_1-kana").fill("さとう れん")
    page.locator("#child_1-birth_year").fill("2020")
    page.locator("#child_1-birth_month").fill("5")
    page.locator("#terms").check()
    page.locator("#privacy").check()
    page.locator("#insurance").check()
    page.get_by_label("この画面で、ご本人といっしょにお知らせを読んで同意を得た").check()
    page.get_by_role("button", name="登録する", exact=True).click()

    expect(page.locator("h1")).to_contain_text("佐藤 和子")
    expect(page.locator(".flash")).to_contain_text("佐藤 和子さんを登録しました。")
    expect(page.locator(".assisted-banner")).to_contain_text(
        "佐藤 和子さんの代わりに入力しています"
    )
    audit(page)
    page.get_by_role("link", name="ログインカードを印刷する").click()
    expect(page.locator("h1")).to_have_text("佐藤 和子さんのログインカード")
    audit(page)
    page.get_by_label(
        "ご本人であることを確かめました（身分証明書、またはよく知っている人）"
    ).check()
    pdf = _print_card(page)
    text = pdf_text(pdf)
    [person] = _from_server(select(Person).where(Person.name == "佐藤 和子"))
    assert person.member_number in text and "かずこ" in text and "048-878-1234" in text
    [link] = pdf_qr_codes(pdf)

    # The resident, on their own phone, opens the card's link.
    phone = new_page(javascript=js)
    phone.goto(link)
    expect(phone.locator("h1")).to_have_text("ログインカードでログイン")
    expect(phone.locator(".lead")).to_contain_text("かずこ")
    audit(phone)
    phone.get_by_role("button", name="かずこさんとしてログインする").click()
    expect(phone.locator("h1")).to_have_text("ログインしました")
    audit(phone)
    phone.get_by_role("button", name="このスマートフォンでログインしたままにする").click()
    expect(phone.locator("h1")).to_have_text("こんにちは、かずこさん")
    audit(phone)
    # The card worked once.
    again = new_page(javascript=js)
    assert again.goto(link).status == 404
    expect(again.locator("h1")).to_have_text("このログインカードは使えません")
    audit(again)


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_a_supporter_keys_in_a_paper_form(request, audit, town, js):
    page = _page(request, js)
    _sign_in(page, town["supporter"])
    page.goto("/help-desk")
    page.get_by_role("link", name="紙の登録用紙を入力する").click()
    expect(page.locator("h1")).to_have_text("紙の登録用紙を入力する")
    audit(page)
    expect(page.get_by_label("ご本人が紙の登録用紙に署名した")).to_be_checked()

    # Keyed in order, as numbered on the paper: the phone is already registered.
    page.locator("#name").fill("鈴木　陽子")
    page.locator("#kana").fill("すずき ようこ")
    page.locator("#phone").fill("０９０－７７７７－８８８８")
    page.locator("#postal_code").fill("〒３３６ー０９６７")
    page.locator("#address").fill("美園5-6-7")
    page.locator("#adult_1-name").fill("鈴木 誠")
    page.locator("#adult_1-kana").fill("すずき まこと")
    page.locator("#child_1-name").fill("鈴木 葵")
    page.locator("#child_1-kana").fill("すずき あおい")
    page.locator("#child_1-birth_year").fill("2099")
    page.locator("#child_1-birth_month").fill("1")
    page.locator("#terms").check()
    page.locator("#privacy").check()
    page.locator("#insurance").check()
    page.get_by_role("button", name="登録する", exact=True).click()
    expect(page).to_have_title(re.compile("^エラー："))
    expect(page.locator(".error-summary")).to_contain_text("未来の日付は入力できません")
    expect(page.locator("#child_1-birth_year")).to_have_value("2099")
    audit(page)
    page.locator("#child_1-birth_year").fill("平成30年")
    page.get_by_role("button", name="登録する", exact=True).click()

    expect(page.locator("#duplicates")).to_contain_text("鈴木 陽子")
    expect(page.locator("#duplicates")).to_contain_text("090-7777-8888")
    audit(page)
    page.get_by_role("button", name="別の人なので、登録する").click()
    expect(page.locator(".flash")).to_contain_text("鈴木 陽子さんを登録しました。")
    audit(page)
    page.get_by_role("button", name="代理入力を終える").click()
    expect(page.locator("h1")).to_have_text("相談窓口")
    expect(page.locator(".assisted-banner")).to_have_count(0)
    audit(page)
    keyed = _from_server(select(Person).where(Person.registered_via == "paper"))
    assert [(p.phone, p.consent_method) for p in keyed] == [("09077778888", "paper")]
    assert keyed[0].household.children[0].birth_year == 2018
