"""Every transition tells the people concerned, in the site and (with an address and a mail
server) through the e-mail outbox, which `flask send-email` delivers to an SMTP server."""

from datetime import timedelta

from tests.factories import make_connection
from tests.help_requests.conftest import draft
from tests.notifications.test_core import mail_on, smtp_server  # noqa: F401  (fixtures)
from webapp.clock import now as clock_now
from webapp.extensions import db
from webapp.help_requests import lifecycle, notices
from webapp.help_requests.posting import post_request
from webapp.notifications.models import Notification, OutboxEmail
from webapp.notifications.services import KINDS


def _new_notices(since_id):
    rows = db.session.scalars(
        db.select(Notification).where(Notification.id > since_id).order_by(Notification.id)
    )
    return [(n.person_id, n.kind) for n in rows]


def _last_id():
    return db.session.scalar(db.select(db.func.max(Notification.id))) or 0


def test_every_kind_is_registered_with_wording():
    for kind in notices.KINDS:
        assert kind in KINDS
    assert "thread.message" in KINDS and "connection.invited" in KINDS


def test_each_transition_notifies(town, mail_on, smtp_server, runner, app):  # noqa: F811
    port, received = smtp_server
    app.config["MAIL_PORT"] = port
    hanako, taro, jiro = town["hanako"], town["taro"], town["jiro"]
    hanako.email, taro.email = "hanako@example.jp", "taro@example.jp"
    make_connection(hanako, jiro)
    db.session.commit()
    now = clock_now()
    steps = []

    mark = _last_id()
    request = post_request(draft(town), requester=hanako, actor=hanako, now=now)
    steps.append(("posted", _new_notices(mark)))
    mark = _last_id()
    taro_offer = lifecycle.offer_to_help(request, helper=taro, now=now)
    steps.append(("offered", _new_notices(mark)))
    lifecycle.offer_to_help(request, helper=jiro, now=now)
    mark = _last_id()
    lifecycle.choose_helper(request, taro_offer, actor=hanako, now=now)
    steps.append(("chosen", _new_notices(mark)))
    mark = _last_id()
    lifecycle.tick_premeeting(request, actor=hanako, now=now)
    steps.append(("premeeting", _new_notices(mark)))
    lifecycle.tick_premeeting(request, actor=taro, now=now)
    later = request.end_at + timedelta(hours=1)
    mark = _last_id()
    lifecycle.file_report(
        request,
        actor=taro,
        started_at=request.start_at,
        ended_at=request.end_at,
        thank_you_yen=1000,
        notes=None,
        now=later,
    )
    steps.append(("reported", _new_notices(mark)))
    mark = _last_id()
    lifecycle.confirm_report(request, actor=hanako, now=later)
    steps.append(("completed", _new_notices(mark)))

    h, t, j = hanako.id, taro.id, jiro.id
    assert steps == [
        ("posted", [(t, "help_request.new"), (j, "help_request.new")]),
        ("offered", [(h, "help_request.offered")]),
        (
            "chosen",
            [
                (h, "help_request.premeeting"),
                (t, "help_request.premeeting"),
                (j, "help_request.not_chosen"),
                (t, "help_request.chosen"),
            ],
        ),
        ("premeeting", [(t, "help_request.premeeting_done")]),
        ("reported", [(h, "help_request.reported")]),
        ("completed", [(t, "help_request.completed")]),
    ]

    # Hanako and Taro have addresses: each of their notices is queued as an e-mail, never sent
    # inside the request; the command sends them.
    queued = db.session.scalars(db.select(OutboxEmail).order_by(OutboxEmail.id)).all()
    assert {e.to_address for e in queued} == {"hanako@example.jp", "taro@example.jp"}
    assert all(e.sent_at is None for e in queued)
    subjects = [e.subject for e in queued if e.to_address == "taro@example.jp"]
    assert f"あなたが手伝う人に選ばれました：{request.title}" in subjects
    result = runner.invoke(args=["send-email"])
    assert f"sent {len(queued)}, failed 0" in result.output
    assert len(received) == len(queued)
    assert any(f"/help-requests/{request.id}" in body for _to, body in received)


def test_cancel_and_expiry_notify(town):
    hanako, taro = town["hanako"], town["taro"]
    now = clock_now()
    request = post_request(draft(town), requester=hanako, actor=hanako, now=now)
    lifecycle.offer_to_help(request, helper=taro, now=now)
    mark = _last_id()
    lifecycle.cancel_request(request, actor=hanako, reason="予定変更", now=now)
    assert _new_notices(mark) == [(taro.id, "help_request.cancelled")]
    cancelled = db.session.scalar(
        db.select(Notification).where(Notification.kind == "help_request.cancelled")
    )
    assert cancelled.data["reason"] == "予定変更"

    other = post_request(draft(town), requester=hanako, actor=hanako, now=now)
    mark = _last_id()
    lifecycle.refresh_status(other, now=other.start_at + timedelta(minutes=1))
    db.session.commit()
    assert _new_notices(mark) == [(hanako.id, "help_request.expired")]
