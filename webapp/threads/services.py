"""Thread rules: who may read and write, plain-text messages of limited length, and the audit
entry for every read by a coordinator who is not part of the conversation.

Error codes (ThreadError.code): `not_participant`, `empty`, `too_long`.
"""

from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import joinedload

from ..areas.models import Role
from ..audit import log_action
from ..extensions import db
from ..help_requests.models import HelpRequest
from ..help_requests.queries import certified_in_area
from ..households.models import Person
from ..notifications.services import notify, register_kind
from .models import MAX_MESSAGE_LENGTH, Message, Thread

register_kind(
    "thread.message",
    subject=_l("New message from %(name)s"),
    body=_l("About your request or offer: %(title)s"),
)


class ThreadError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def thread_url(thread: Thread) -> str:
    return f"/threads/{thread.id}"


def ensure_thread(help_request, helper) -> Thread:
    """The thread between the requester and `helper`, created the first time they offer."""
    thread = db.session.scalar(
        select(Thread).where(
            Thread.help_request_id == help_request.id, Thread.helper_id == helper.id
        )
    )
    if thread is None:
        thread = Thread(help_request=help_request, helper_id=helper.id)
        db.session.add(thread)
        db.session.flush()
    return thread


def is_participant(person, thread: Thread) -> bool:
    return thread.has_participant(person.id)


def can_read(person, thread: Thread) -> bool:
    """The two people in it, and the coordinators of the request's area (and admins)."""
    if not getattr(person, "is_authenticated", False):
        return False
    if is_participant(person, thread):
        return True
    return person.is_admin or person.has_role(Role.coordinator, thread.help_request.area_id)


def record_read(thread: Thread, *, reader) -> bool:
    """Log a read by someone watching over (not a participant). The caller commits."""
    if is_participant(reader, thread):
        return False
    log_action(
        reader,
        "thread.read_by_coordinator",
        thread,
        area_id=thread.help_request.area_id,
        help_request_id=thread.help_request_id,
    )
    return True


def clean_body(body: str | None) -> str:
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise ThreadError("empty")
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ThreadError("too_long")
    return text


def _add_message(thread: Thread, *, author, body: str, now: datetime) -> Message:
    message = Message(thread=thread, author_id=author.id, body=clean_body(body), created_at=now)
    db.session.add(message)
    thread.last_message_at = now
    help_request = thread.help_request
    other_id = help_request.requester_id if author.id == thread.helper_id else thread.helper_id
    other = db.session.get(Person, other_id)
    notify(
        other,
        "thread.message",
        url=thread_url(thread),
        area_id=help_request.area_id,
        name=author.display_name,
        title=help_request.title,
    )
    return message


def post_first_message(thread: Thread, *, author, body: str, now: datetime) -> Message:
    """The message sent with an offer to help (the caller commits with the offer)."""
    return _add_message(thread, author=author, body=body, now=now)


def post_message(thread: Thread, *, author, body: str, now: datetime) -> Message:
    """Only the two people in the thread write in it. Commits."""
    if not is_participant(author, thread):
        raise ThreadError("not_participant")
    message = _add_message(thread, author=author, body=body, now=now)
    log_action(author, "thread.message_posted", thread, area_id=thread.help_request.area_id)
    db.session.commit()
    return message


class Author(NamedTuple):
    id: int
    display_name: str


class MessageRow(NamedTuple):
    """A message as the conversation shows it, read with its author's name and badge."""

    id: int
    author_id: int | None
    body: str
    created_at: datetime
    author_name: str | None
    # A certified supporter of the request's area: the name carries the badge.
    author_certified: bool

    @property
    def author(self) -> Author | None:
        return None if self.author_id is None else Author(self.author_id, self.author_name)


@lru_cache(maxsize=1)
def _thread_statements():
    """The thread with its request and area; the messages with their authors. Built once
    (with bind parameters): building a statement costs more than running it."""
    thread_id = bindparam("thread_id", type_=Integer)
    thread = (
        select(Thread)
        .where(Thread.id == thread_id)
        .options(joinedload(Thread.help_request).joinedload(HelpRequest.area))
    )
    messages = (
        select(
            Message.id,
            Message.author_id,
            Message.body,
            Message.created_at,
            Person.display_name,
            certified_in_area(
                Message.author_id, bindparam("area_id", type_=Integer), bindparam("today")
            ),
        )
        .outerjoin(Person, Person.id == Message.author_id)
        .where(Message.thread_id == thread_id)
        .order_by(Message.id)
    )
    return thread, messages


def load_thread(thread_id: int) -> Thread | None:
    """The thread with its request and the request's area, in one query."""
    statement = _thread_statements()[0]
    return db.session.execute(statement, {"thread_id": thread_id}).unique().scalar_one_or_none()


def messages_of(thread: Thread, *, today: date) -> list[MessageRow]:
    """The messages, oldest first, with their authors' names and badges (one query)."""
    params = {"thread_id": thread.id, "area_id": thread.help_request.area_id, "today": today}
    rows = db.session.connection().execute(_thread_statements()[1], params)
    return [MessageRow(*row) for row in rows]


@lru_cache(maxsize=2)
def _threads_statement(own_only: bool):
    """Built once (with bind parameters): building costs more than running it."""
    query = (
        select(Thread)
        .where(Thread.help_request_id == bindparam("help_request_id", type_=Integer))
        .options(joinedload(Thread.helper))
        .order_by(Thread.id)
    )
    if own_only:
        query = query.where(Thread.helper_id == bindparam("helper_id", type_=Integer))
    return query


def threads_of(help_request, person) -> list[Thread]:
    """The threads `person` may open on this request: all of them for the requester and the
    coordinators, their own for a helper."""
    own_only = person.id != help_request.requester_id and not (
        person.is_admin or person.has_role(Role.coordinator, help_request.area_id)
    )
    params = {"help_request_id": help_request.id}
    if own_only:
        params["helper_id"] = person.id
    return list(db.session.scalars(_threads_statement(own_only), params))
