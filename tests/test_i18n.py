"""Translations are complete, the language is chosen in the right order, and dates, times and
yen are written the way each language writes them."""

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.factories import make_person
from webapp import i18n
from webapp.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def _source_msgids() -> set[str]:
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    ids = set()
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "_l": None,
        "lazy_gettext": None,
        "pgettext": ((1, "c"), 2),
    }
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.fixture(scope="module")
def source_ids():
    ids = _source_msgids()
    assert len(ids) > 100  # the extraction really found the strings
    return ids


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_message_is_translated_and_not_fuzzy(source_ids, lang):
    path = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    problems = (
        ["the catalog header is marked fuzzy: it would not be compiled"] if catalog.fuzzy else []
    )
    for msgid in sorted(source_ids):
        message = catalog.get(msgid)
        if message is None:
            # plural messages are keyed by their singular form
            message = next(
                (m for m in catalog if isinstance(m.id, tuple) and m.id[0] == msgid), None
            )
        if message is None:
            problems.append(f"missing: {msgid!r}")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif not all(strings):
            problems.append(f"untranslated: {msgid!r}")
    assert not problems, (
        f"{len(problems)} messages need work in {lang} "
        "(run `python scripts/i18n.py update`, then translate):\n" + "\n".join(problems[:40])
    )


def test_japanese_is_really_japanese(source_ids):
    """A Japanese catalog that merely copies the English would pass the test above."""
    path = ROOT / "translations" / "ja" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale="ja")
    copied = [
        m.id
        for m in catalog
        if m.id
        and m.string == m.id
        and any(c.isalpha() for c in str(m.id))
        and not str(m.id).startswith("%(")
    ]
    allowed = {"English", "KPI"}
    assert [c for c in copied if c not in allowed] == []


@pytest.mark.parametrize(
    "headers, cookie, saved, expected",
    [
        ({}, None, None, "ja"),
        ({"Accept-Language": "en-US,en;q=0.8"}, None, None, "en"),
        ({"Accept-Language": "fr"}, None, None, "ja"),
        ({"Accept-Language": "en"}, "ja", None, "ja"),
        ({"Accept-Language": "ja"}, "en", None, "en"),
        ({"Accept-Language": "ja"}, "ja", "en", "en"),
    ],
)
def test_language_order(client, headers, cookie, saved, expected):
    if saved:
        person = make_person(locale=saved)
        db.session.commit()
        client.sign_in(person)
    if cookie:
        client.set_cookie("lang", cookie)
    html = client.get("/", headers=headers).get_data(as_text=True)
    assert f'<html lang="{expected}">' in html


def test_language_switch_sets_cookie_and_saves_choice(client):
    person = make_person()
    db.session.commit()
    client.sign_in(person)
    response = client.post_form("/language", {"lang": "en", "next": "/areas?x=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/areas?x=1"
    assert client.get_cookie("lang").value == "en"
    db.session.refresh(person)
    assert person.locale == "en"
    assert "My page" in client.get("/").get_data(as_text=True)


def test_language_switch_ignores_unknown_languages_and_foreign_next(client):
    response = client.post_form("/language", {"lang": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert client.get_cookie("lang") is None


def test_dates_times_and_yen(app):
    with app.test_request_context("/"):
        day = date(2026, 11, 22)
        assert i18n.format_date_long(day, "ja") == "2026年11月22日(日)"
        assert i18n.format_date_long(day, "en") == "Sun 22 November 2026"
        assert i18n.format_date_short(day, "ja") == "11月22日(日)"
        assert i18n.format_time_short(time(14, 5), "ja") == "14:05"
        assert i18n.format_time_short(time(14, 5), "en") == "2:05 PM"
        assert i18n.format_yen(1500, "ja") == "1,500円"
        assert i18n.format_yen(1500, "en") == "¥1,500"
        assert i18n.format_month(day, "ja") == "2026年11月"
        # Stored in UTC, read in Japan's time: 23:30 UTC is 08:30 the next morning.
        moment = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
        assert i18n.format_datetime_long(moment, "ja") == "2026年11月22日(日) 8:30"


def test_lazy_messages_with_typed_text_are_escaped(app):
    from flask import render_template_string
    from flask_babel import lazy_gettext

    with app.test_request_context("/"):
        message = lazy_gettext("Hello, %(name)s", name="<script>alert(1)</script>")
        html = render_template_string("{{ m }}", m=message)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_whole_numbers_are_grouped_as_babel_does(app, lang):
    from babel.numbers import format_decimal

    from webapp.i18n import format_number

    assert lang in app.config["LANGUAGES"]
    for value in (0, 7, 999, 1000, 65536, 1234567, -4321):
        assert format_number(value, lang) == format_decimal(value, locale=lang)
    assert format_number(1234.5, lang) == format_decimal(1234.5, locale=lang)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_remembered_dates_and_times_read_as_babel_writes_them(app, lang):
    """Dates and times are formatted once per day or minute and remembered: the text is what
    Babel writes for that moment in the town's time, whichever moment came first."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from babel.dates import format_date, format_time

    tokyo = ZoneInfo("Asia/Tokyo")
    date_pattern = {"ja": "y年M月d日(E)", "en": "EEE d MMMM y"}[lang]
    short_pattern = {"ja": "M月d日(E)", "en": "EEE d MMM"}[lang]
    time_pattern = {"ja": "H:mm", "en": "h:mm a"}[lang]
    with app.test_request_context("/"):
        moment = datetime(2026, 12, 31, 14, 0, tzinfo=UTC)  # 23:00 in Tokyo, then midnight
        for step in range(0, 48 * 60, 37):
            utc = moment + timedelta(minutes=step)
            local = utc.astimezone(tokyo)
            assert i18n.format_date_long(utc, lang) == format_date(local, date_pattern, locale=lang)
            assert i18n.format_date_short(utc, lang) == format_date(
                local, short_pattern, locale=lang
            )
            assert i18n.format_time_short(utc, lang) == format_time(
                local, time_pattern, locale=lang
            )
            assert i18n.format_date_long(local.date(), lang) == format_date(
                local.date(), date_pattern, locale=lang
            )
            end = utc + timedelta(minutes=90)
            assert i18n.format_time_range(utc, end, lang) == " ".join(
                [
                    i18n.format_date_long(utc, lang),
                    f"{i18n.format_time_short(utc, lang)}–{i18n.format_time_short(end, lang)}",
                ]
            )


def test_templates_follow_the_locale_in_force_within_one_request(app):
    """Translations are kept per request, but a forced locale (an e-mail or a document in
    another language) is still obeyed, and the request's own comes back after it."""
    from flask import render_template_string
    from flask_babel import force_locale

    template = "{{ _('Sign out') }}"
    # (each with an application context of its own, as every real request has)
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "ja"}):
        assert render_template_string(template) == "ログアウト"
        with force_locale("en"):
            assert render_template_string(template) == "Sign out"
        assert render_template_string(template) == "ログアウト"
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(template) == "Sign out"
