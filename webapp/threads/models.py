"""Thread (between a requester and one person who offered) and Message (plain text)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import UTCDateTime, utcnow

MAX_MESSAGE_LENGTH = 1000


class Thread(db.Model):
    __tablename__ = "threads"
    __table_args__ = (UniqueConstraint("help_request_id", "helper_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    help_request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"))
    helper_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    help_request = relationship("HelpRequest")
    helper = relationship("Person")
    messages: Mapped[list["Message"]] = relationship(
        back_populates="thread", order_by="Message.id", cascade="all, delete-orphan"
    )

    def has_participant(self, person_id: int) -> bool:
        return person_id in (self.helper_id, self.help_request.requester_id)


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_thread_id", "thread_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    thread: Mapped[Thread] = relationship(back_populates="messages")
    author = relationship("Person")
