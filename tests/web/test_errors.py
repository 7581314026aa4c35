"""Error pages: friendly, in both languages, never a traceback."""

import pytest

from tests.factories import make_person
from webapp.extensions import db


@pytest.mark.parametrize(
    "lang, text",
    [("ja", "ページが見つかりません"), ("en", "Page not found")],
)
def test_404_in_both_languages(client, lang, text):
    client.set_cookie("lang", lang)
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert text in html
    assert f'<html lang="{lang}">' in html


def test_405_says_what_to_do(client):
    response = client.get("/sign-out")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "ページのボタンを使ってください" in response.get_data(as_text=True)


def test_403_page_is_friendly(client):
    member = make_person()
    db.session.commit()
    client.sign_in(member)
    client.set_cookie("lang", "en")
    member.locale = None
    db.session.commit()
    response = client.get("/areas/new")
    assert response.status_code == 403
    assert "You cannot open this page" in response.get_data(as_text=True)


def test_400_on_bad_csrf(client):
    response = client.post("/language", data={"lang": "en"})
    assert response.status_code == 400


def test_500_never_shows_a_traceback(app, client, monkeypatch):
    def boom():
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setitem(app.view_functions, "pages.health", boom)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/health")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "申し訳ありません" in html
    assert "Traceback" not in html and "hunter2" not in html and "RuntimeError" not in html


def test_500_for_htmx_replaces_the_whole_page(app, client, monkeypatch):
    def boom():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "pages.health", boom)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/health", headers={"HX-Request": "true"})
    assert response.status_code == 500
    assert response.headers["HX-Retarget"] == "body"
    assert response.headers["HX-Reswap"] == "innerHTML"


HEADINGS = {
    400: ("リクエストに問題がありました", "Something was wrong with that request"),
    403: ("このページは開けません", "You cannot open this page"),
    404: ("ページが見つかりません", "Page not found"),
    405: ("このページはその方法では使えません", "This page cannot be used that way"),
    500: (
        "申し訳ありません。システムで問題が起きました",
        "Sorry, something went wrong on our side",
    ),
}


def _answer(code, client, app, monkeypatch):
    """The request that meets each error."""
    if code == 400:
        return client.post("/language", data={"lang": "en"})  # no CSRF token
    if code == 403:
        client.sign_in(make_person())
        return client.get("/areas/new")
    if code == 404:
        return client.get("/no-such-page")
    if code == 405:
        return client.get("/sign-out")

    def boom():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "pages.health", boom)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    return client.get("/health")


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("code", sorted(HEADINGS))
def test_every_error_page_in_both_languages(app, client, monkeypatch, code, lang):
    """A whole page in the visitor's language, a way back to the start, no English in the
    Japanese page's heading and no Japanese in the English one."""
    db.session.commit()
    client.set_cookie("lang", lang)
    response = _answer(code, client, app, monkeypatch)
    html = response.get_data(as_text=True)
    japanese, english = HEADINGS[code]
    heading, other = (japanese, english) if lang == "ja" else (english, japanese)
    assert response.status_code == code
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{heading}</h1>" in html and f"<title>{heading}" in html
    assert other not in html
    assert ("トップページへ" if lang == "ja" else "Go to the start page") in html
    assert "Traceback" not in html
