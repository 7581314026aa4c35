"""The audit log: append-only in the ORM, read-only on the web; who sees which entries; the
filters, keyset pagination, readable wording in both languages, bounded queries."""

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from tests.conftest import count_queries
from tests.factories import add_membership, make_area, make_person
from webapp.areas.models import Role
from webapp.audit import (
    ACTIONS,
    AuditEntry,
    AuditLogIsAppendOnly,
    describe,
    log_action,
    register_action,
)
from webapp.extensions import db
from webapp.supporters import services as supporter_services


@pytest.fixture
def town():
    misono = make_area(name="美園", name_en="Misono")
    hino = make_area(name="日野（一般）", name_en="Hino")
    people = {
        "admin": make_person(with_household=False, role=None, is_admin=True, display_name="管理"),
        "coordinator": make_person(with_household=False, role=None, display_name="田中 恵子"),
        "hino_coordinator": make_person(with_household=False, role=None, display_name="日野 誠"),
        "supporter": make_person(area=misono, role=Role.supporter, display_name="さくら"),
        "member": make_person(area=misono, role=Role.member, display_name="はるか"),
        "hino_member": make_person(area=hino, role=Role.member, display_name="ひの花"),
    }
    add_membership(people["coordinator"], misono, Role.coordinator)
    add_membership(people["hino_coordinator"], hino, Role.coordinator)
    db.session.commit()
    return {"misono": misono, "hino": hino, **people}


def _entry(actor, action, subject=None, *, at=None, **kwargs):
    entry = log_action(actor, action, subject, **kwargs)
    if at is not None:
        entry.at = at
    db.session.flush()
    return entry


def _signed_in(make_client, person):
    c = make_client()
    c.sign_in(person)
    return c


def _count() -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)))


# Append-only --------------------------------------------------------------------------


def test_the_orm_refuses_to_change_an_entry(town):
    entry = _entry(town["admin"], "area.created", town["misono"], name="美園")
    db.session.commit()
    entry.action = "area.deleted"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEntry, entry.id).action == "area.created"


def test_the_orm_refuses_to_delete_an_entry(town):
    entry = _entry(town["admin"], "area.created", town["misono"])
    db.session.commit()
    db.session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert _count() == 1


@pytest.mark.parametrize(
    "statement",
    [
        lambda: update(AuditEntry).values(action="x"),
        lambda: update(AuditEntry).where(AuditEntry.id > 0).values(data={}),
        lambda: delete(AuditEntry),
        lambda: delete(AuditEntry).where(AuditEntry.action == "area.created"),
    ],
)
def test_bulk_statements_on_entries_are_refused(town, statement):
    _entry(town["admin"], "area.created", town["misono"])
    db.session.commit()
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(statement())
    db.session.rollback()
    assert db.session.scalar(select(AuditEntry.action)) == "area.created"


def test_adding_entries_and_changing_other_rows_still_work(town):
    entry = _entry(town["admin"], "area.created", town["misono"])
    db.session.commit()
    entry.action = entry.action  # touched, not changed: nothing to refuse
    town["misono"].kpi_members = 10
    db.session.execute(update(type(town["misono"])).values(kpi_households=3))
    _entry(town["admin"], "area.updated", town["misono"])
    db.session.commit()
    assert _count() == 2


def test_no_route_can_change_the_log(app):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/audit")]
    assert rules, "the audit log has a page"
    for rule in rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_posting_to_the_log_is_not_allowed(make_client, town):
    c = _signed_in(make_client, town["admin"])
    assert c.post_form("/audit-log", {}).status_code == 405


# Who sees what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, expected",
    [
        ("guest", 302),
        ("member", 403),
        ("supporter", 403),
        ("coordinator", 200),
        ("hino_coordinator", 200),
        ("admin", 200),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_each_role(client, make_client, town, who, expected, htmx):
    c = client if who == "guest" else _signed_in(make_client, town[who])
    headers = {"HX-Request": "true"} if htmx else {}
    response = c.get("/audit-log", headers=headers)
    # A guest's fragment: 401, and htmx loads the sign-in page in the whole window.
    assert response.status_code == (401 if htmx and expected == 302 else expected)


def test_coordinators_see_their_areas_only_admins_everything(make_client, town):
    misono, hino = town["misono"], town["hino"]
    _entry(town["coordinator"], "area.updated", misono, area_id=misono.id)
    _entry(town["hino_coordinator"], "area.updated", hino, area_id=hino.id)
    _entry(town["member"], "account.signed_in", town["member"])  # no area: admins only
    db.session.commit()

    html = _signed_in(make_client, town["coordinator"]).get("/audit-log").get_data(as_text=True)
    assert "田中 恵子" in html and "日野 誠" not in html and "はるか" not in html

    html = _signed_in(make_client, town["admin"]).get("/audit-log").get_data(as_text=True)
    assert "田中 恵子" in html and "日野 誠" in html and "はるか" in html


def test_a_coordinator_cannot_pick_another_area(make_client, town):
    _entry(town["hino_coordinator"], "area.updated", town["hino"], area_id=town["hino"].id)
    db.session.commit()
    c = _signed_in(make_client, town["coordinator"])
    response = c.get(f"/audit-log?area={town['hino'].id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "日野 誠" not in html


# Filters and pages --------------------------------------------------------------------


@pytest.fixture
def log(town):
    misono = town["misono"]
    coordinator, supporter, member = town["coordinator"], town["supporter"], town["member"]
    day = datetime(2026, 11, 21, 15, 30, tzinfo=UTC)  # 22 Nov 00:30 in Japan
    _entry(coordinator, "supporter.appointed", supporter, area_id=misono.id, at=day)
    _entry(
        supporter,
        "account.password_set",
        member,
        on_behalf_of=member,
        area_id=misono.id,
        at=datetime(2026, 11, 21, 14, 30, tzinfo=UTC),  # 21 Nov 23:30 in Japan
    )
    _entry(
        coordinator,
        "supporter.certified",
        supporter,
        area_id=misono.id,
        until="2028-11-22",
        at=datetime(2026, 11, 25, 1, 0, tzinfo=UTC),
    )
    db.session.commit()
    return town


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"supporter.appointed", "account.password_set", "supporter.certified"}),
        ("who=田中", {"supporter.appointed", "supporter.certified"}),
        ("who={supporter_number}", {"account.password_set"}),
        ("who=だれでもない", set()),
        ("about=はるか", {"account.password_set"}),
        ("about=さくら", {"supporter.appointed", "supporter.certified"}),
        ("action=supporter.certified", {"supporter.certified"}),
        ("date_from=2026-11-22&date_to=2026-11-22", {"supporter.appointed"}),
        ("date_to=2026-11-21", {"account.password_set"}),
        ("date_from=２０２６年１１月２３日", {"supporter.certified"}),
        ("who=田中&date_from=2026-11-23", {"supporter.certified"}),
        ("area={misono}", {"supporter.appointed", "account.password_set", "supporter.certified"}),
    ],
)
def test_filters(make_client, log, query, expected):
    c = _signed_in(make_client, log["coordinator"])
    query = query.format(supporter_number=log["supporter"].member_number, misono=log["misono"].id)
    html = c.get(f"/audit-log?{query}").get_data(as_text=True)
    entries = db.session.scalars(select(AuditEntry)).all()
    shown = {e.action for e in entries if f'id="audit-entry-{e.id}"' in html}
    assert shown == expected


def test_bad_filters_keep_what_was_typed(make_client, log):
    c = _signed_in(make_client, log["coordinator"])
    response = c.get("/audit-log?date_from=2026-11-30&date_to=2026-11-01&who=田中")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "「いつまで」は「いつから」より前にできません" in html
    assert 'value="田中"' in html and "<title>エラー：" in html
    response = c.get("/audit-log?date_from=11月のはじめ")
    assert response.status_code == 422
    assert 'value="11月のはじめ"' in response.get_data(as_text=True)


def test_wording_in_both_languages(app, make_client, log):
    c = _signed_in(make_client, log["coordinator"])
    html = c.get("/audit-log").get_data(as_text=True)
    assert "さくらさんをサポーターに認定しました（期限：2028年11月22日(水)）" in html
    assert "はるかさんの新しいパスワードを設定しました" in html
    assert "2026年11月22日(日) 0:30" in html  # Japan time
    c.post_form("/language", {"lang": "en"})
    html = c.get("/audit-log").get_data(as_text=True)
    assert "Certified さくら as a supporter until Wed 22 November 2028" in html
    assert "Made さくら a supporter" in html


def test_unknown_actions_and_missing_data_still_read(app, town):
    register_action("test.thing", _l("Signed in"), _l("Created the area %(name)s"))
    try:
        plain = _entry(town["admin"], "nobody.registered.this")
        missing = _entry(town["admin"], "test.thing")
        with app.test_request_context("/"), force_locale("ja"):
            assert describe(plain) == "nobody.registered.this"
            assert describe(missing) == "ログイン"  # the title when the wording cannot be filled
    finally:
        del ACTIONS["test.thing"]


def test_keyset_pages(app, make_client, town):
    misono, coordinator = town["misono"], town["coordinator"]
    ids = [_entry(coordinator, "area.updated", misono, area_id=misono.id).id for _ in range(120)]
    db.session.commit()
    c = _signed_in(make_client, coordinator)
    html = c.get("/audit-log").get_data(as_text=True)
    assert html.count('id="audit-entry-') == 50
    assert f'id="audit-entry-{ids[-1]}"' in html and f'id="audit-entry-{ids[-50]}"' in html
    assert f"/audit-log?before={ids[-50]}" in html
    # htmx asks for the next rows only; they come with the next "older" row.
    fragment = c.get(f"/audit-log?before={ids[-50]}", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and body.count('id="audit-entry-') == 50
    assert f'id="audit-entry-{ids[-51]}"' in body and f"before={ids[-100]}" in body
    last = c.get(f"/audit-log?before={ids[-100]}").get_data(as_text=True)
    assert last.count('id="audit-entry-') == 20
    assert 'id="audit-more"' not in last and "最新の記録に戻る" in last


def test_filters_stay_in_the_next_page_link(make_client, town):
    misono, coordinator = town["misono"], town["coordinator"]
    for _ in range(55):
        _entry(coordinator, "supporter.appointed", town["supporter"], area_id=misono.id)
    db.session.commit()
    c = _signed_in(make_client, coordinator)
    html = c.get("/audit-log?action=supporter.appointed&who=田中").get_data(as_text=True)
    assert "action=supporter.appointed" in html.split('id="audit-more"')[1]
    assert "who=" in html.split('id="audit-more"')[1]


def test_query_count_does_not_grow(make_client, town):
    misono, coordinator = town["misono"], town["coordinator"]
    people = [make_person(area=misono) for _ in range(30)]
    _entry(coordinator, "supporter.appointed", people[0], on_behalf_of=people[1], area_id=misono.id)
    db.session.commit()
    c = _signed_in(make_client, coordinator)
    with count_queries() as few:
        c.get("/audit-log")
    for n, person in enumerate(people):
        _entry(person, "supporter.appointed", people[-n], on_behalf_of=person, area_id=misono.id)
    db.session.commit()
    with count_queries() as many:
        html = c.get("/audit-log").get_data(as_text=True)
    assert html.count('id="audit-entry-') == 31
    assert len(many) == len(few) <= 12


def test_supporter_actions_are_described(app, make_client, town):
    """The supporter domain's own actions read as sentences (not codes)."""
    misono, coordinator, supporter = town["misono"], town["coordinator"], town["supporter"]
    module = supporter_services.training_modules(misono)[0]
    supporter_services.record_training(
        misono,
        supporter,
        module_id=module.id,
        completed_on=datetime(2026, 11, 2).date(),
        actor=coordinator,
        today=datetime(2026, 11, 22).date(),
    )
    html = _signed_in(make_client, coordinator).get("/audit-log").get_data(as_text=True)
    assert "さくらさんが2026年11月2日(月)に「オリエンテーション」を修了したと記録しました" in html
    assert "標準の研修一覧の用意" in html
