"""Printed documents: the flyer's QR code leads to the event, hostile text is printed as text
and fetches nothing, the 200-family signup sheet keeps every name and numbers every page, the
monthly flyer fits on one page."""

import shutil
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest

from tests.events.test_pictures import png_bytes
from tests.factories import make_event, make_signup
from tests.pdf_tools import (
    pdf_coloured_pixels,
    pdf_fonts,
    pdf_pages,
    pdf_qr_codes,
    pdf_text,
    pdf_word_heights,
)
from webapp import pdf as pdf_module
from webapp.clock import TOWN_TZ
from webapp.events import managing
from webapp.events.models import EventStatus, SignupStatus
from webapp.extensions import db


@pytest.fixture
def fetched(monkeypatch):
    """Every URL WeasyPrint asks the fetcher for while the test runs."""
    urls: list[str] = []
    real = pdf_module.make_fetcher

    def recording(static_folder):
        fetcher = real(static_folder)
        original = fetcher.fetch

        def fetch(url, headers=None):
            urls.append(url)
            return original(url, headers)

        fetcher.fetch = fetch
        return fetcher

    monkeypatch.setattr(pdf_module, "make_fetcher", recording)
    return urls


def _pdf(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    return response.data


def test_flyer_has_the_facts_in_large_type_and_a_qr_code_to_the_event(signed_in, town):
    event = town["event"]
    event.fee_yen = 300
    event.what_to_bring = "タオル、飲み物"
    event.organiser = "美園子育てネットワーク"
    db.session.commit()
    pdf = _pdf(signed_in(town["coordinator"]), f"/manage/events/{event.id}/flyer.pdf")
    text = pdf_text(pdf)
    for expected in (
        event.title,
        "美園コミュニティセンター",
        "1家族 300円",
        "3組（先着順）",
        "タオル、飲み物",
        "048-878-1234",
        "美園子育てネットワーク",
        "10:00",
    ):
        assert expected in text, expected
    assert "年" in text and "(" in text  # the date with its weekday, e.g. 2026年12月6日(日)
    assert pdf_pages(pdf) == 1
    assert all(font["embedded"] for font in pdf_fonts(pdf))
    assert pdf_qr_codes(pdf) == [f"http://localhost/events/{event.id}"]
    # Readable from two metres: the title and the time in large type, the facts not small.
    heights = pdf_word_heights(pdf)
    assert heights[event.title] >= 36 and heights["10:00"] >= 24
    assert heights["タオル、飲み物"] >= 14 and heights["美園子育てネットワーク"] >= 12
    assert pdf_coloured_pixels(pdf) == 0  # nothing is lost on a black-and-white printer


def test_flyer_qr_code_uses_the_site_address_when_set(app, signed_in, town, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", "https://otagai.example.jp/")
    event = town["event"]
    pdf = _pdf(signed_in(town["coordinator"]), f"/manage/events/{event.id}/flyer.pdf")
    assert pdf_qr_codes(pdf) == [f"https://otagai.example.jp/events/{event.id}"]


def test_hostile_text_is_printed_as_text_and_fetches_nothing(signed_in, town, fetched, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"never in a flyer")
    event = town["event"]
    event.title = f'<img src="file://{secret}">交流会'
    event.description = (
        '<link rel="stylesheet" href="http://127.0.0.1:1/evil.css">'
        f"<style>@import url(file://{secret});</style> http://127.0.0.1:1/x.png"
    )
    event.what_to_bring = f"url(file://{secret})"
    event.venue = "<b>会場</b>"
    db.session.commit()
    pdf = _pdf(signed_in(town["coordinator"]), f"/manage/events/{event.id}/flyer.pdf")
    text = pdf_text(pdf)
    assert "<img src=" in text and "<b>会場</b>" in text and "http://127.0.0.1:1/x.png" in text
    assert b"never in a flyer" not in pdf
    assert fetched, "the fetcher was not used"
    assert all(url.startswith(("data:", "https://otagai.print/static/")) for url in fetched), (
        fetched
    )


@pytest.mark.parametrize("document", ["signup-sheet", "month-flyer"])
def test_names_typed_by_guests_are_printed_as_text_and_fetch_nothing(
    signed_in, town, fetched, document
):
    """Guests type their own names; staff type event titles: neither becomes markup."""
    # A short path: the names must fit their columns (80 characters) on PostgreSQL too.
    short = Path(tempfile.mkdtemp(prefix="s", dir="/tmp"))
    secret = short / "s.png"
    secret.write_bytes(b"never in a sheet")
    event = town["event"]
    event.title = f'<img src="file://{secret}">交流会'
    make_signup(event, name=f'<img src="file://{secret}">山田', kana=None)
    make_signup(event, name="<style>@import url(http://127.0.0.1:1/x.css);</style>佐藤")
    db.session.commit()
    if document == "signup-sheet":
        url = f"/manage/events/{event.id}/signup-sheet.pdf"
    else:
        month = event.starts_at.astimezone(TOWN_TZ).strftime("%Y-%m")
        url = f"/manage/events/areas/{town['misono'].id}/month-flyer.pdf?month={month}"
    pdf = _pdf(signed_in(town["coordinator"]), url)
    text = pdf_text(pdf)
    assert '<img src="file://' in text
    if document == "signup-sheet":
        assert "<style>@import" in text
    assert b"never in a sheet" not in pdf
    assert all(url.startswith(("data:", "https://otagai.print/static/")) for url in fetched), (
        fetched
    )
    shutil.rmtree(short)


def test_the_picture_goes_into_the_flyer_as_data(
    app, signed_in, town, fetched, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "EVENT_PICTURE_DIR", str(tmp_path))
    event = town["event"]
    managing.set_picture(event, png_bytes(size=(300, 200)), actor=town["coordinator"])
    pdf = _pdf(signed_in(town["coordinator"]), f"/manage/events/{event.id}/flyer.pdf")
    assert any(url.startswith("data:image/jpeg;base64,") for url in fetched)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "flyer.pdf"
        path.write_bytes(pdf)
        images = subprocess.run(
            ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
    assert len(images) == 1 and " 300 " in images[0]


def test_signup_sheet_of_200_families_has_every_name_and_numbered_pages(signed_in, town):
    event = town["event"]
    event.capacity = 200
    names = []
    for n in range(200):
        name = f"参加者{n:03d} 花子"
        names.append(name)
        make_signup(event, name=name, kana=f"サンカシャ{n:03d} ハナコ")
    for n in range(5):
        make_signup(event, status=SignupStatus.waitlisted, name=f"待ち{n} 太郎", kana=None)
    db.session.commit()
    pdf = _pdf(signed_in(town["coordinator"]), f"/manage/events/{event.id}/signup-sheet.pdf")
    text = pdf_text(pdf)
    missing = [name for name in names if name not in text]
    assert not missing, missing[:5]
    assert all(f"待ち{n} 太郎" in text for n in range(5))
    pages = [page for page in text.split("\f") if page.strip()]
    total = pdf_pages(pdf)
    assert total >= 5 and len(pages) == total
    for number, page in enumerate(pages, start=1):
        assert f"{number} / {total}" in page, f"page {number} has no page number"
        assert event.title in page, f"page {number} does not name the event"
    # Blank rows for walk-ins, with the same columns as the walk-in screen.
    assert "当日参加" in pages[-1] and "会員登録を希望" in pages[-1]


def test_signup_sheet_preview_is_html(signed_in, town):
    make_signup(town["event"], name="山田 花子")
    db.session.commit()
    url = f"/manage/events/{town['event'].id}/signup-sheet.pdf?format=html"
    response = signed_in(town["coordinator"]).get(url)
    assert response.mimetype == "text/html" and "山田 花子" in response.get_data(as_text=True)


def test_monthly_flyer_lists_the_public_events_of_the_area_on_one_page(signed_in, town):
    event = town["event"]
    month = event.starts_at.strftime("%Y-%m")
    make_event(town["misono"], status=EventStatus.draft, title="下書きの会")
    make_event(town["misono"], status=EventStatus.cancelled, title="中止の会")
    make_event(town["hino"], title="日野の会")
    for n in range(7):
        make_event(town["misono"], title=f"おはなし会{n}")
    db.session.commit()
    pdf = _pdf(
        signed_in(town["coordinator"]),
        f"/manage/events/areas/{town['misono'].id}/month-flyer.pdf?month={month}",
    )
    text = pdf_text(pdf)
    assert event.title in text and "おはなし会6" in text
    assert "下書きの会" not in text and "中止の会" not in text and "日野の会" not in text
    assert pdf_pages(pdf) == 1
    assert pdf_qr_codes(pdf) == [f"http://localhost/events?area={town['misono'].id}&month={month}"]


@pytest.mark.parametrize("events", [20, 40])
def test_a_busy_month_still_fits_one_notice_board_page(signed_in, town, events):
    """Busier months print smaller (compact, then one line an event) to stay on one page."""
    event = town["event"]
    month = event.starts_at.strftime("%Y-%m")
    for n in range(events - 1):
        make_event(
            town["misono"],
            title=f"子育てサロン{n:02d}",
            starts_at=event.starts_at + timedelta(hours=n % 6),
            ends_at=event.ends_at + timedelta(hours=n % 6),
            audience="0〜6歳の子どもと保護者",
        )
    db.session.commit()
    url = f"/manage/events/areas/{town['misono'].id}/month-flyer.pdf?month={month}"
    pdf = _pdf(signed_in(town["coordinator"]), url)
    text = pdf_text(pdf)
    assert all(f"子育てサロン{n:02d}" in text for n in range(events - 1))
    assert pdf_pages(pdf) == 1
    assert pdf_qr_codes(pdf) == [f"http://localhost/events?area={town['misono'].id}&month={month}"]
