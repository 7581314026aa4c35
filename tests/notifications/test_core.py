"""The notification core: in-site notices, the e-mail outbox and its sender, phone follow-ups."""

import socket
import threading

import pytest
from flask_babel import lazy_gettext as _l

from tests.factories import make_area, make_person
from webapp.extensions import db
from webapp.notifications import services
from webapp.notifications.models import FollowUpCall, Notification, OutboxEmail

services.register_kind("test.hello", subject=_l("Settings saved."), body=_l("Hello, %(name)s"))


@pytest.fixture
def mail_on(app):
    app.config["MAIL_SERVER"] = "127.0.0.1"
    yield app
    app.config["MAIL_SERVER"] = None
    app.config["MAIL_PORT"] = 25


def test_notify_without_mail_server_only_notifies_in_site(app):
    person = make_person(email="a@example.jp")
    services.notify(person, "test.hello", url="/x", name="A")
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 1
    assert db.session.scalar(db.select(db.func.count(OutboxEmail.id))) == 0
    assert services.unread_count(person) == 1


def test_notify_queues_email_in_the_recipients_language(mail_on):
    ja = make_person(email="ja@example.jp", locale="ja")
    en = make_person(email="en@example.jp", locale="en")
    nobody = make_person(email=None)
    for person in (ja, en, nobody):
        services.notify(person, "test.hello", url="/areas", name="花子")
    db.session.commit()
    emails = {e.to_address: e for e in db.session.scalars(db.select(OutboxEmail))}
    assert set(emails) == {"ja@example.jp", "en@example.jp"}
    assert emails["ja@example.jp"].subject == "設定を保存しました。"
    assert emails["en@example.jp"].subject == "Settings saved."
    assert "/areas" in emails["en@example.jp"].body


def test_mark_read(app):
    person = make_person()
    for _ in range(3):
        services.notify(person, "test.hello", name="x")
    db.session.commit()
    services.mark_read(person)
    db.session.commit()
    assert services.unread_count(person) == 0


def test_ask_for_call_lists_a_guest_without_email(app):
    area = make_area()
    services.ask_for_call(
        area_id=area.id, name="田中 一郎", phone="09012345678", kind="test.hello", name_param="x"
    )
    db.session.commit()
    call = db.session.scalar(db.select(FollowUpCall))
    assert call.done_at is None and call.phone == "09012345678"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.endswith("@refused.example"):
                return "550 no such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    port = _free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, received
    controller.stop()


def test_send_email_command_delivers_the_outbox(app, runner, mail_on, smtp_server):
    port, received = smtp_server
    app.config["MAIL_PORT"] = port
    good = make_person(email="hanako@example.jp", locale="ja")
    bad = make_person(email="ghost@refused.example")
    services.notify(good, "test.hello", name="花子")
    services.notify(bad, "test.hello", name="x")
    db.session.commit()

    result = runner.invoke(args=["send-email"])
    assert "sent 1, failed 1" in result.output
    assert result.exit_code == 1
    assert [r[0] for r in received] == [["hanako@example.jp"]]
    assert "Subject:" in received[0][1]
    db.session.expire_all()
    sent = db.session.scalar(
        db.select(OutboxEmail).where(OutboxEmail.to_address == "hanako@example.jp")
    )
    failed = db.session.scalar(
        db.select(OutboxEmail).where(OutboxEmail.to_address == "ghost@refused.example")
    )
    assert sent.sent_at is not None and failed.sent_at is None and failed.attempts == 1
    # Sending again does not send twice; the failed one is tried again.
    result = runner.invoke(args=["send-email"])
    assert "sent 0, failed 1" in result.output
    assert len(received) == 1


def test_send_email_refuses_without_server(runner):
    result = runner.invoke(args=["send-email"])
    assert result.exit_code != 0
    assert "MAIL_SERVER" in result.output
    threading.active_count()  # the command started no threads of its own
