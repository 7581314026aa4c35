"""First journeys: switch language, sign in and out, error pages; with JavaScript on and off."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_area, make_person
from webapp.areas.models import Role
from webapp.extensions import db


@pytest.fixture
def member():
    area = make_area(name="美園")
    person = make_person(area=area, role=Role.member, display_name="みさき", phone="09012345678")
    db.session.commit()
    return person


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_switch_language(request, audit, js):
    page = request.getfixturevalue("page" if js else "page_nojs")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("h1")).to_have_text("ご近所どうしで、子育てをたすけあう")
    audit(page)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Neighbours helping each other raise children")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")
    audit(page)
    page.get_by_role("button", name="日本語").click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_sign_in_and_out(request, audit, member, js):
    page = request.getfixturevalue("page" if js else "page_nojs")
    page.goto("/")
    page.get_by_role("link", name="ログイン").first.click()
    expect(page).to_have_title(re.compile("^ログイン"))
    audit(page)

    page.get_by_label("会員番号、電話番号、またはメールアドレス").fill("０９０－１２３４－５６７８")
    page.get_by_label("パスワード").fill("wrong-password")
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_title(re.compile("^エラー："))
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("パスワードの組み合わせが違います")
    expect(page.get_by_label("会員番号、電話番号、またはメールアドレス")).to_have_value(
        "０９０－１２３４－５６７８"
    )
    if js:  # app.js moves focus to the summary so that screen readers announce it
        expect(summary).to_be_focused()
    audit(page)

    page.get_by_label("パスワード").fill("password123")
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator("h1")).to_have_text("こんにちは、みさきさん")
    expect(page.locator(".signed-in")).to_contain_text("会員")
    audit(page)

    page.get_by_role("link", name="世帯を見る").click()
    expect(page.locator("h1")).to_have_text("世帯")
    audit(page)

    page.get_by_role("button", name="ログアウト").click()
    expect(page.locator(".flash")).to_have_text("ログアウトしました。")
    expect(page.get_by_role("link", name="ログイン").first).to_be_visible()
    audit(page)


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_error_pages(request, audit, member, js):
    page = request.getfixturevalue("page" if js else "page_nojs")
    response = page.goto("/no-such-page")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("ページが見つかりません")
    audit(page)
    page.goto("/sign-in")
    page.get_by_label("会員番号、電話番号、またはメールアドレス").fill(member.member_number)
    page.get_by_label("パスワード").fill("password123")
    page.get_by_role("button", name="ログイン").click()
    response = page.goto("/areas/new")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("このページは開けません")
    audit(page)


def test_boosted_navigation_keeps_pages_whole(page, audit, member):
    """With JavaScript, links load through htmx (hx-boost) yet each URL is a full page."""
    page.goto("/sign-in")
    page.get_by_label("会員番号、電話番号、またはメールアドレス").fill(member.member_number)
    page.get_by_label("パスワード").fill("password123")
    page.get_by_role("button", name="ログイン").click()
    with page.expect_response(lambda r: r.request.headers.get("hx-boosted") == "true"):
        page.get_by_role("link", name="世帯を見る").click()
    expect(page).to_have_url(re.compile(r"/households/\d+$"))
    expect(page).to_have_title(re.compile("^世帯"))
    audit(page)
    page.go_back()
    expect(page.locator("h1")).to_have_text("こんにちは、みさきさん")


def test_page_shell_is_readable_and_keyboard_friendly(page, audit, member):
    """Skip link first, landmarks, one h1, body type of 18px or more, a visible focus, the
    flash messages in a live region, and a print style without the site's chrome."""
    page.goto("/sign-in")
    page.get_by_label("会員番号、電話番号、またはメールアドレス").fill(member.member_number)
    page.get_by_label("パスワード").fill("password123")
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator("h1")).to_have_text("こんにちは、みさきさん")
    audit(page)

    assert page.locator("h1").count() == 1
    for role in ("banner", "navigation", "main", "contentinfo"):
        expect(page.get_by_role(role).first).to_be_visible()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    flash = page.locator("#flash-messages")
    expect(flash).to_have_attribute("role", "status")
    expect(flash).to_have_attribute("aria-live", "polite")

    # The first Tab reaches the skip link, which shows itself and leads to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="本文へ移動")
    expect(skip).to_be_focused()
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    # Focus is shown: a thick outline or shadow on the focused link or button.
    page.keyboard.press("Tab")
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()"
    )
    assert (style[0] != "none" and float(style[1].rstrip("px")) >= 2) or style[2] != "none"

    page.emulate_media(media="print")
    for chrome in (".site-header", ".site-nav", ".site-footer", ".skip-link"):
        expect(page.locator(chrome)).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()


def test_a_fragment_after_the_session_ended_takes_the_window_to_sign_in(page, audit, member):
    """Signed out in another tab, the header's unread count refreshes: the browser goes to the
    sign-in page (not a sign-in page squeezed into the header) and comes back after it."""
    page.goto("/sign-in?next=/offers")
    page.get_by_label("会員番号、電話番号、またはメールアドレス").fill(member.member_number)
    page.get_by_label("パスワード").fill("password123")
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(re.compile("/offers$"))
    other_tab = page.context.new_page()
    other_tab.goto("/")
    other_tab.get_by_role("button", name="ログアウト").click()
    expect(other_tab.get_by_role("link", name="ログイン").first).to_be_visible()
    other_tab.close()

    page.evaluate(  # what the header's `every 60s` trigger does
        "htmx.ajax('GET', '/notifications/count',"
        " {target: '#notification-count', swap: 'outerHTML'})"
    )
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Foffers$"))
    expect(page.locator("h1")).to_have_text("ログイン")
    expect(page.locator(".site-header h1")).to_have_count(0)
    audit(page)
    page.get_by_label("会員番号、電話番号、またはメールアドレス").fill(member.member_number)
    page.get_by_label("パスワード").fill("password123")
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(re.compile("/offers$"))
