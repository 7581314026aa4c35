"""Dashboard pages, CSV and monthly PDF: who may open which, periods typed well and badly,
htmx fragments, what the exports hold (and do not hold), and bounded queries."""

import csv
import io
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import template_rendered

from tests.conftest import count_queries
from tests.factories import add_membership, make_area, make_event, make_person, make_signup
from tests.pdf_tools import pdf_fonts, pdf_text
from tests.reports.conftest import past_request, resident
from webapp.areas.models import Role
from webapp.clock import TOWN_TZ
from webapp.clock import now as clock_now
from webapp.events import checkin
from webapp.extensions import cache, db
from webapp.help_requests.models import RequestStatus
from webapp.reports.periods import add_months


@pytest.fixture
def town():
    now = clock_now()
    misono = make_area(name="美園", name_en="Misono", kpi_members=150)
    hino = make_area(name="日野（一般）", name_en="Hino")
    people = {
        "admin": make_person(with_household=False, role=None, is_admin=True),
        "coordinator": make_person(with_household=False, role=None),
        "hino_coordinator": make_person(with_household=False, role=None),
        "supporter": make_person(area=misono, role=Role.supporter),
        "member": make_person(area=misono, role=Role.member),
    }
    add_membership(people["coordinator"], misono, Role.coordinator)
    add_membership(people["hino_coordinator"], hino, Role.coordinator)
    last_month = add_months(now.astimezone(TOWN_TZ).date().replace(day=1), -1)
    moment = now - timedelta(days=35)
    resident(misono, moment, name="秘密 花子", display_name="ひみつのはなこ")
    hanako = resident(misono, moment, name="山田 花子", display_name="はなこ")
    past_request(hanako, misono, posted=moment, status=RequestStatus.completed)
    past_request(hanako, misono, posted=moment)
    neighbour = resident(hino, moment, name="日野 次郎")
    past_request(neighbour, hino, posted=moment, status=RequestStatus.completed)
    event = make_event(misono, starts_at=moment, ends_at=moment + timedelta(hours=2))
    signup = make_signup(event, name="佐藤 来た人", adults=1, children=2)
    db.session.commit()
    checkin.check_in(signup, actor=people["coordinator"])
    return {
        "misono": misono,
        "hino": hino,
        "event": event,
        "last_month": last_month,
        "moment": moment,
        **people,
    }


@contextmanager
def rendered(app):
    names = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def _client(make_client, person):
    client = make_client()
    if person is not None:
        client.sign_in(person)
    return client


A = "/dashboard/areas/{misono}"
ROLE_MATRIX = [
    ("guest", "/dashboard", 302),
    ("member", "/dashboard", 403),
    ("supporter", "/dashboard", 403),
    ("coordinator", "/dashboard", 302),  # one area: straight to it
    ("admin", "/dashboard", 200),
    ("guest", A, 302),
    ("member", A, 403),
    ("supporter", A, 403),
    ("coordinator", A, 200),
    ("hino_coordinator", A, 403),
    ("admin", A, 200),
    ("admin", "/dashboard/areas/999999", 404),
    ("member", A + "/figures.csv", 403),
    ("hino_coordinator", A + "/figures.csv", 403),
    ("coordinator", A + "/figures.csv", 200),
    ("member", "/dashboard/figures.csv", 403),
    ("supporter", "/dashboard/figures.csv", 403),
    ("coordinator", "/dashboard/figures.csv", 200),
    ("member", A + "/monthly-report.pdf?month={month}", 403),
    ("supporter", A + "/monthly-report.pdf?month={month}", 403),
    ("hino_coordinator", A + "/monthly-report.pdf?month={month}", 403),
    ("coordinator", A + "/monthly-report.pdf?month={month}&format=html", 200),
    ("admin", A + "/monthly-report.pdf?month={month}&format=html", 200),
]


@pytest.mark.parametrize(("who", "url", "status"), ROLE_MATRIX)
def test_who_may_open_what(town, make_client, who, url, status):
    client = _client(make_client, None if who == "guest" else town[who])
    url = url.format(misono=town["misono"].id, month=f"{town['last_month']:%Y-%m}")
    response = client.get(url)
    assert response.status_code == status, url
    if who == "guest":
        assert "/sign-in" in response.headers["Location"]


def test_coordinator_of_one_area_goes_straight_to_it_keeping_the_period(town, make_client):
    client = _client(make_client, town["coordinator"])
    response = client.get("/dashboard?from=2026-01&to=2026-03")
    assert response.headers["Location"].endswith(
        f"/dashboard/areas/{town['misono'].id}?from=2026-01&to=2026-03"
    )


def test_coordinator_of_two_areas_sees_only_theirs(town, make_client):
    add_membership(town["coordinator"], town["hino"], Role.coordinator)
    third = make_area(name="浦和")
    db.session.commit()
    client = _client(make_client, town["coordinator"])
    page = client.get("/dashboard").get_data(as_text=True)
    assert "美園" in page and "日野（一般）" in page and "浦和" not in page
    assert "担当しているすべての地域" in page
    rows = list(
        csv.reader(io.StringIO(client.get("/dashboard/figures.csv").data.decode("utf-8-sig")))
    )
    assert {row[0] for row in rows[1:]} == {"美園", "日野（一般）"}
    assert third.name not in {row[0] for row in rows}


def test_admin_sees_every_area_and_the_sum(town, make_client, app):
    client = _client(make_client, town["admin"])
    with rendered(app) as templates:
        page = client.get("/dashboard").get_data(as_text=True)
    assert {"reports/index.html", "reports/_overview.html"} <= set(templates)
    assert "すべての地域" in page and "美園" in page and "日野（一般）" in page


def test_admin_pages_through_many_areas(town, make_client):
    for n in range(25):
        make_area(name=f"地区{n:02d}")
    db.session.commit()
    client = _client(make_client, town["admin"])
    first = client.get("/dashboard").get_data(as_text=True)
    assert "2ページ中 1ページ目" in first
    second = client.get("/dashboard?page=2").get_data(as_text=True)
    assert "地区24" in second and "地区24" not in first


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-13", "2026-04のように月を入力してください"),
        ("from=2026-05&to=2026-04", "最後の月は、最初の月より前にできません"),
        ("to=2999-01", "最後の月は、今月より後にできません"),
        ("from=2000-01&to=2026-01", "期間は5年以内にしてください"),
    ],
)
def test_a_bad_period_is_explained_next_to_the_field(town, make_client, query, message):
    client = _client(make_client, town["coordinator"])
    response = client.get(f"/dashboard/areas/{town['misono'].id}?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "<title>エラー：" in page
    assert 'class="error-summary"' in page
    value = query.split("&")[0].split("=")[1]
    assert f'value="{value}"' in page  # what was typed is kept


def test_full_width_months_are_accepted(town, make_client):
    client = _client(make_client, town["coordinator"])
    response = client.get(f"/dashboard/areas/{town['misono'].id}?from=２０２６年１月&to=2026/3")
    assert response.status_code == 200
    assert "2026年1月から2026年3月" in response.get_data(as_text=True)


def test_the_period_form_swaps_only_the_figures_for_htmx(town, make_client, app):
    client = _client(make_client, town["coordinator"])
    url = f"/dashboard/areas/{town['misono'].id}?from=2026-01&to=2026-03"
    with rendered(app) as templates:
        response = client.get(url, headers={"HX-Request": "true"})
    assert templates[0] == "reports/_area_figures.html"
    assert "<html" not in response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]
    with rendered(app) as templates:
        client.get(url)
    assert templates[0] == "reports/area.html"  # the figures were kept from the first time


def test_the_area_page_shows_figures_charts_tables_and_kpis(town, make_client):
    client = _client(make_client, town["coordinator"])
    first = f"{town['last_month']:%Y-%m}"
    page = client.get(f"/dashboard/areas/{town['misono'].id}?from={first}&to={first}")
    html = page.get_data(as_text=True)
    assert html.count('<svg class="chart__svg"') == 3
    assert html.count('aria-hidden="true" focusable="false" font-family') == 3
    assert html.count('<table class="chart__table">') == 3  # each chart has its table
    assert 'max="150"' in html  # members against the target of 150
    assert "ひみつのはなこ" not in html


def test_a_bad_period_sends_downloads_back_to_the_page(town, make_client):
    client = _client(make_client, town["coordinator"])
    response = client.get(f"/dashboard/areas/{town['misono'].id}/figures.csv?from=abc")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/dashboard/areas/{town['misono'].id}?from=abc")


def test_area_csv(town, make_client):
    client = _client(make_client, town["coordinator"])
    month = f"{town['last_month']:%Y-%m}"
    response = client.get(
        f"/dashboard/areas/{town['misono'].id}/figures.csv?from={month}&to={month}"
    )
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")  # BOM: Japanese Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    header, month_row, total_row = rows
    assert header[:3] == ["地域", "月", "加入した世帯"]
    assert month_row[0] == "美園"
    posted = header.index("投稿されたお願い")
    completed = header.index("完了したお願い")
    assert (month_row[posted], month_row[completed]) in {("2", "1"), ("0", "0")}
    assert total_row[1] == "期間の合計"
    assert "山田" not in response.data.decode("utf-8-sig")


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("http://x")',
        "+1",
        "-2",
        "@SUM(A1)",
        "＝１＋１",
        "＋A",
        "－B",
        "＠C",
        "\tD",
        "\rE",
    ],
)
def test_csv_cells_cannot_run_as_formulas(town, make_client, name):
    town["misono"].name = name
    db.session.commit()
    client = _client(make_client, town["coordinator"])
    body = client.get(f"/dashboard/areas/{town['misono'].id}/figures.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert all(row[0] == "'" + name for row in rows[1:])


def test_monthly_report_pdf(town, make_client):
    client = _client(make_client, town["coordinator"])
    month = town["moment"].astimezone(TOWN_TZ).date().replace(day=1)  # the month things happened
    url = f"/dashboard/areas/{town['misono'].id}/monthly-report.pdf?month={month:%Y-%m}"
    response = client.get(url)
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    flat = " ".join(text.split())
    assert f"月次報告：美園、{month.year}年{month.month}月" in text.replace(" ", "")
    assert all(font["embedded"] for font in pdf_fonts(response.data))
    assert re.search(r"投稿されたお願い 2 完了 1件", flat)  # two posted, one completed
    assert re.search(r"解決率 50%", flat)
    assert re.search(r"開催したイベント 1 参加 3人（1組）", flat)
    assert "親子ふれあい交流会" in text  # the month's event, with its counts
    for name in ("山田", "花子", "はなこ", "ひみつ", "佐藤", "来た人", "日野 次郎"):
        assert name not in text


def test_monthly_report_in_english(town, make_client):
    client = _client(make_client, town["coordinator"])
    client.post_form("/language", {"lang": "en", "next": "/"})
    month = town["last_month"]
    response = client.get(
        f"/dashboard/areas/{town['misono'].id}/monthly-report.pdf?month={month:%Y-%m}"
    )
    text = pdf_text(response.data)
    assert f"Monthly report: Misono, {month:%B %Y}" in " ".join(text.split())
    assert "Resolution rate" in text


@pytest.mark.parametrize("month", ["", "abc", "2999-01"])
def test_monthly_report_needs_a_month_up_to_this_one(town, make_client, month):
    client = _client(make_client, town["coordinator"])
    response = client.get(f"/dashboard/areas/{town['misono'].id}/monthly-report.pdf?month={month}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "2026-11のように、今月までの月を入力してください" in html
    assert "<title>エラー：" in html


def test_area_page_queries_do_not_grow_with_the_data(town, make_client):
    client = _client(make_client, town["coordinator"])
    url = f"/dashboard/areas/{town['misono'].id}"
    client.get(url)
    cache.clear()  # count the queries of drawing the figures, not of a kept copy
    with count_queries() as few:
        client.get(url)
    for _ in range(30):
        person = resident(town["misono"], town["moment"])
        past_request(person, town["misono"], posted=town["moment"])
        past_request(person, town["misono"], posted=clock_now() - timedelta(days=1))
    event = make_event(town["misono"])
    for _ in range(8):
        make_signup(event, status="waitlisted")
    db.session.commit()
    cache.clear()
    with count_queries() as many:
        client.get(url)
    assert len(many) == len(few)


def _households(html: str) -> int:
    return int(re.search(r"登録世帯</dt>\s*<dd>([\d,]+)", html).group(1))


def test_figures_are_kept_a_minute_and_redrawn_at_once_after_anything_recorded(
    town, make_client, app, monkeypatch
):
    from webapp import clock
    from webapp.audit import log_action

    client = _client(make_client, town["coordinator"])
    url = f"/dashboard/areas/{town['misono'].id}"
    before = _households(client.get(url).get_data(as_text=True))
    with rendered(app) as templates, count_queries() as queries:
        client.get(url)
    assert "reports/_area_figures.html" not in templates  # kept, not drawn again
    assert len(queries) <= 5  # the person and memberships, unread count, area, audit mark

    # A household joins without anything in the audit log: the kept figures stay a minute.
    resident(town["misono"], clock_now())
    db.session.commit()
    assert _households(client.get(url).get_data(as_text=True)) == before
    # Something recorded in the area's audit log: drawn again at once.
    log_action(town["coordinator"], "area.updated", town["misono"], area_id=town["misono"].id)
    db.session.commit()
    assert _households(client.get(url).get_data(as_text=True)) == before + 1
    # And without: once the minute is over.
    resident(town["misono"], clock_now())
    db.session.commit()
    assert _households(client.get(url).get_data(as_text=True)) == before + 1
    later = clock_now() + timedelta(seconds=61)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert _households(client.get(url).get_data(as_text=True)) == before + 2


def test_kept_figures_are_not_shared_between_languages_periods_or_areas(town, make_client):
    client = _client(make_client, town["admin"])
    misono, hino = town["misono"].id, town["hino"].id
    japanese = client.get(f"/dashboard/areas/{misono}").get_data(as_text=True)
    client.post_form("/language", {"lang": "en", "next": "/"})
    english = client.get(f"/dashboard/areas/{misono}").get_data(as_text=True)
    assert "解決率" in japanese and "Resolution rate" in english and "解決率" not in english
    other = client.get(f"/dashboard/areas/{hino}").get_data(as_text=True)
    assert "Hino" in other and "Misono" not in other.split("<main")[1]
    spring = client.get(f"/dashboard/areas/{misono}?from=2026-04&to=2026-06").get_data(as_text=True)
    assert "April 2026 to June 2026 at a glance" in spring
