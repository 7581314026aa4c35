"""The blank paper registration form: A4, Japanese and English, fonts embedded, the area's
name and help phone, and fields numbered like the help-desk page."""

import re

import pytest

from tests.factories import make_area, make_person
from tests.pdf_tools import pdf_fonts, pdf_pages, pdf_text
from webapp.areas.models import Role
from webapp.extensions import db


@pytest.fixture
def supporter_client(client):
    area = make_area(name="美園", name_en="Misono", help_phone="0488781234")
    supporter = make_person(area=area, role=Role.supporter)
    db.session.commit()
    client.sign_in(supporter)
    client.area = area
    return client


JA = ["おたがいさま 登録用紙", "地域：美園", "048-878-1234", "氏名のふりがな", "郵便番号"]
JA += ["18歳以下のこども", "利用規約に同意します", "署名", "個人情報の取り扱い"]
JA += ["地域のコーディネーターは、お願いのメッセージを読むことができます"]
EN = ["Otagai registration form", "Area: Misono", "048-878-1234", "Postal code"]
EN += ["Children aged 18 or younger", "I agree to the terms of use", "Signature"]
EN += ["Privacy notice", "coordinators of your area can read the messages"]


@pytest.mark.parametrize("lang, words", [("ja", JA), ("en", EN)])
def test_the_paper_form_in_both_languages(supporter_client, lang, words):
    response = supporter_client.get(
        f"/help-desk/areas/{supporter_client.area.id}/paper-form.pdf", query_string={"lang": lang}
    )
    assert response.mimetype == "application/pdf"
    text = re.sub(r"[ \t]+", " ", pdf_text(response.data))
    for word in words:
        assert word in text, word
    fonts = pdf_fonts(response.data)
    assert fonts and all(f["embedded"] for f in fonts)
    assert any("IPAGothic" in f["name"] for f in fonts)
    assert pdf_pages(response.data) == 3  # form (2 pages) and the notices


def test_the_paper_form_numbers_follow_the_desk_page(supporter_client):
    response = supporter_client.get(
        f"/help-desk/areas/{supporter_client.area.id}/paper-form.pdf?lang=ja"
    )
    text = pdf_text(response.data)
    labels = ["1 氏名", "2 氏名のふりがな", "3 サイトに表示する名前", "4 電話番号"]
    labels += ["5 メールアドレス", "6 郵便番号", "7 住所", "8-1", "8-2", "9-1", "9-4"]
    labels += ["10-1", "10-3", "11 署名"]
    flat = re.sub(r"\s+", " ", text)
    position = 0
    for label in labels:  # each found after the one before
        position = flat.index(label, position) + len(label)


def test_the_html_preview_of_the_paper_form(supporter_client):
    response = supporter_client.get(
        f"/help-desk/areas/{supporter_client.area.id}/paper-form.pdf?format=html&lang=en"
    )
    assert response.mimetype == "text/html" and "Otagai registration form" in response.get_data(
        as_text=True
    )
