"""`flask housekeeping`: each registered task deletes what has expired and nothing younger;
one failing task does not stop the others."""

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tests.factories import make_area, make_person
from webapp import housekeeping
from webapp.extensions import db
from webapp.notifications.models import FollowUpCall, Notification, OutboxEmail

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def days_ago(n: float) -> datetime:
    return NOW - timedelta(days=n)


@pytest.fixture
def records():
    """Rows on both sides of each retention limit, named by what should happen to them."""
    area = make_area()
    person = make_person(area=area)
    notices = {
        "read_old": Notification(created_at=days_ago(400), read_at=days_ago(399)),
        "read_just_kept": Notification(created_at=days_ago(364.9), read_at=days_ago(300)),
        "read_recent": Notification(created_at=days_ago(10), read_at=days_ago(9)),
        "unread_old": Notification(created_at=days_ago(900), read_at=None),
    }
    for notice in notices.values():
        notice.person_id, notice.kind = person.id, "test.kind"
    emails = {
        "sent_old": OutboxEmail(sent_at=days_ago(91), created_at=days_ago(91), attempts=1),
        "sent_recent": OutboxEmail(sent_at=days_ago(89), created_at=days_ago(200), attempts=1),
        "given_up_old": OutboxEmail(sent_at=None, created_at=days_ago(120), attempts=5),
        "given_up_recent": OutboxEmail(sent_at=None, created_at=days_ago(30), attempts=5),
        "retrying_old": OutboxEmail(sent_at=None, created_at=days_ago(120), attempts=2),
    }
    for email in emails.values():
        email.to_address, email.subject, email.body = "a@example.jp", "s", "b"
    calls = {
        "done_old": FollowUpCall(done_at=days_ago(366), created_at=days_ago(400)),
        "done_recent": FollowUpCall(done_at=days_ago(100), created_at=days_ago(400)),
        "open_old": FollowUpCall(done_at=None, created_at=days_ago(800)),
    }
    for call in calls.values():
        call.area_id, call.name, call.phone, call.kind = area.id, "山田", "0901234567", "test"
    db.session.add_all([*notices.values(), *emails.values(), *calls.values()])
    db.session.commit()
    return {
        Notification: {k: v.id for k, v in notices.items()},
        OutboxEmail: {k: v.id for k, v in emails.items()},
        FollowUpCall: {k: v.id for k, v in calls.items()},
    }


def _left(model, names: dict) -> set[str]:
    ids = set(db.session.scalars(select(model.id)))
    return {name for name, id_ in names.items() if id_ in ids}


def test_only_expired_rows_go(records):
    results = housekeeping.run_tasks(now=NOW)
    assert results == {
        "notifications.done_calls": 1,
        "notifications.old_emails": 2,
        "notifications.read_notices": 1,
        "registration.expired_drafts": 0,  # their own tests cover them
        "login_cards.expired_codes": 0,
        "help_requests.past_start": 0,  # its own tests cover it
    }
    db.session.expire_all()
    assert _left(Notification, records[Notification]) == {
        "read_just_kept",
        "read_recent",
        "unread_old",
    }
    assert _left(OutboxEmail, records[OutboxEmail]) == {
        "sent_recent",
        "given_up_recent",
        "retrying_old",
    }
    assert _left(FollowUpCall, records[FollowUpCall]) == {"done_recent", "open_old"}
    assert housekeeping.run_tasks(now=NOW) == dict.fromkeys(results, 0)  # nothing twice


def test_the_command_reports_each_task(runner, records):
    result = runner.invoke(args=["housekeeping"])
    assert result.exit_code == 0, result.output
    for name in ("read_notices", "old_emails", "done_calls"):
        assert f"notifications.{name}: " in result.output
    listing = runner.invoke(args=["housekeeping", "--list"])
    assert "notifications.done_calls: Phone follow-ups done more than a year ago" in listing.output
    db.session.expire_all()
    assert "unread_old" in _left(Notification, records[Notification])  # never unread ones


def test_a_failing_task_does_not_stop_the_others(runner, records):
    def broken(*, now):
        raise RuntimeError("disk full")

    housekeeping.register_task("aaa.broken", broken, _l("Signed in"))
    try:
        result = runner.invoke(args=["housekeeping"])
    finally:
        del housekeeping.TASKS["aaa.broken"]
    assert result.exit_code == 1
    assert "aaa.broken: FAILED (disk full)" in result.output
    assert "notifications.read_notices: " in result.output
    db.session.expire_all()
    assert "read_old" not in _left(Notification, records[Notification])


def test_housekeeping_removes_expired_sign_ups_and_login_codes():
    from datetime import timedelta

    from tests.factories import issue_login_card, make_draft, make_person
    from webapp.clock import now as clock_now
    from webapp.login_cards.models import SignInCode
    from webapp.registration.models import RegistrationDraft

    start = clock_now()
    make_draft({"about": {"name": "山田 花子"}}, now=start)
    from webapp.areas.models import Role

    area = make_area()
    supporter = make_person(area=area, role=Role.supporter)
    issue_login_card(make_person(area=area), actor=supporter, now=start)
    db.session.commit()
    soon = housekeeping.run_tasks(now=start + timedelta(hours=23))
    assert soon["registration.expired_drafts"] == 0 and soon["login_cards.expired_codes"] == 0
    later = housekeeping.run_tasks(now=start + timedelta(days=15))
    assert later["registration.expired_drafts"] == 1 and later["login_cards.expired_codes"] == 1
    assert db.session.scalar(db.select(db.func.count(RegistrationDraft.id))) == 0
    assert db.session.scalar(db.select(db.func.count(SignInCode.id))) == 0
