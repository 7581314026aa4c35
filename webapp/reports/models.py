"""Monthly tallies per area, kept up to date as things happen (see tally.py).

They exist so that a dashboard never counts a million rows: the figures of any period are a
sum over at most one row per area and month. They are also what stays of deleted accounts'
requests: a tally is never lowered when a row is deleted, so the town's history stays right.
No ids of people, no names: counts only.
"""

from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class AreaMonth(db.Model):
    """What happened in an area in one month (town time)."""

    __tablename__ = "area_months"
    __table_args__ = (UniqueConstraint("area_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    month: Mapped[date]  # the first day of the month
    households_joined: Mapped[int] = mapped_column(default=0, server_default="0")
    households_left: Mapped[int] = mapped_column(default=0, server_default="0")
    members_joined: Mapped[int] = mapped_column(default=0, server_default="0")
    members_left: Mapped[int] = mapped_column(default=0, server_default="0")
    # Requests by the month they were posted, and what became of them so far.
    requests_posted: Mapped[int] = mapped_column(default=0, server_default="0")
    requests_completed: Mapped[int] = mapped_column(default=0, server_default="0")
    requests_cancelled: Mapped[int] = mapped_column(default=0, server_default="0")
    requests_expired: Mapped[int] = mapped_column(default=0, server_default="0")
    # People and families checked in at events, by the month of the event.
    attendance_people: Mapped[int] = mapped_column(default=0, server_default="0")
    attendance_groups: Mapped[int] = mapped_column(default=0, server_default="0")


class AreaMonthKind(db.Model):
    """Requests of one kind in an area, by the month they were posted."""

    __tablename__ = "area_month_kinds"
    __table_args__ = (UniqueConstraint("area_id", "month", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    month: Mapped[date]
    kind: Mapped[str] = mapped_column(String(20))
    posted: Mapped[int] = mapped_column(default=0, server_default="0")
    completed: Mapped[int] = mapped_column(default=0, server_default="0")
    cancelled: Mapped[int] = mapped_column(default=0, server_default="0")
    expired: Mapped[int] = mapped_column(default=0, server_default="0")
