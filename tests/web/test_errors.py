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
