"""Message threads: private between the requester and each helper, plain text, limited length;
coordinators of the area may read them and every such read is in the audit log."""

import pytest

from tests.factories import make_help_request
from tests.help_requests.conftest import town  # noqa: F401  (fixture)
from webapp.audit import AuditEntry
from webapp.clock import now as clock_now
from webapp.extensions import db
from webapp.help_requests import lifecycle
from webapp.notifications.models import Notification
from webapp.threads import services
from webapp.threads.models import MAX_MESSAGE_LENGTH, Message, Thread


def _client(make_client, person):
    c = make_client()
    c.sign_in(person)
    return c


@pytest.fixture
def thread(town):  # noqa: F811
    request = make_help_request(town["hanako"], children=[town["child"]])
    lifecycle.offer_to_help(request, helper=town["taro"], now=clock_now(), message="行けます")
    return db.session.scalar(db.select(Thread))


def _reads():
    return list(
        db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == "thread.read_by_coordinator")
        )
    )


def test_participants_write_and_the_other_is_told(make_client, town, thread):  # noqa: F811
    c = _client(make_client, town["hanako"])
    page = c.get(f"/threads/{thread.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "行けます" in html
    assert "コーディネーターがこのやりとりを読むことがあります" in html  # members are told
    response = c.post_form(f"/threads/{thread.id}/messages", {"body": "ありがとう！\n15時に"})
    assert response.status_code == 302
    assert [m.body for m in db.session.scalars(db.select(Message).order_by(Message.id))] == [
        "行けます",
        "ありがとう！\n15時に",
    ]
    told = db.session.scalars(
        db.select(Notification).where(
            Notification.kind == "thread.message", Notification.person_id == town["taro"].id
        )
    ).all()
    assert len(told) == 1 and told[0].url == f"/threads/{thread.id}"
    assert _reads() == []  # participants' reads are not audited


def test_htmx_post_returns_the_conversation(make_client, town, thread):  # noqa: F811
    c = _client(make_client, town["taro"])
    response = c.post_form(f"/threads/{thread.id}/messages", {"body": "了解です"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'id="thread-conversation"' in html and "了解です" in html
    assert "<textarea" in html and "了解です</textarea>" not in html  # a fresh form


def test_plain_text_only_and_length_limited(make_client, town, thread):  # noqa: F811
    c = _client(make_client, town["taro"])
    c.post_form(
        f"/threads/{thread.id}/messages",
        {"body": "<script>alert(1)</script> https://example.com <b>x</b>"},
    )
    html = c.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://example.com' not in html  # links are not made clickable
    too_long = c.post_form(
        f"/threads/{thread.id}/messages", {"body": "あ" * (MAX_MESSAGE_LENGTH + 1)}
    )
    assert too_long.status_code == 422
    assert 'id="body-error"' in too_long.get_data(as_text=True)
    blank = c.post_form(f"/threads/{thread.id}/messages", {"body": "   "}, htmx=True)
    assert blank.status_code == 422
    with pytest.raises(services.ThreadError):
        services.clean_body("あ" * (MAX_MESSAGE_LENGTH + 1))


def test_coordinator_reads_are_audited_every_time(make_client, town, thread):  # noqa: F811
    c = _client(make_client, town["coordinator"])
    assert c.get(f"/threads/{thread.id}").status_code == 200
    assert c.get(f"/threads/{thread.id}").status_code == 200
    reads = _reads()
    assert len(reads) == 2
    assert reads[0].actor_id == town["coordinator"].id and reads[0].subject_id == thread.id
    assert reads[0].area_id == town["misono"].id
    # Coordinators read, but do not write.
    assert c.post_form(f"/threads/{thread.id}/messages", {"body": "x"}).status_code == 404
    page = c.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "<textarea" not in page


@pytest.mark.parametrize(
    "who, expected",
    [("jiro", 404), ("supporter", 404), ("outsider", 404), ("hino_coordinator", 404),
     ("coordinator", 200), ("admin", 200), ("hanako", 200), ("taro", 200)],
)  # fmt: skip
def test_who_may_read_a_thread(client, make_client, town, thread, who, expected):  # noqa: F811
    assert client.get(f"/threads/{thread.id}").status_code == 302
    c = _client(make_client, town[who])
    for headers in ({}, {"HX-Request": "true"}):
        assert c.get(f"/threads/{thread.id}", headers=headers).status_code == expected
    if expected == 404:
        response = c.post_form(f"/threads/{thread.id}/messages", {"body": "x"}, htmx=True)
        assert response.status_code == 404
