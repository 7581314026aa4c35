"""DepartureCount: what stays of deleted accounts -- anonymous counts, nothing else."""

from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class DepartureCount(db.Model):
    """How many accounts left an area in a month, by the way they had joined, and how many
    children left with them. No ids, names or dates finer than the month: an area's
    statistics stay right after people delete their data, and nobody can be told apart."""

    __tablename__ = "departure_counts"
    __table_args__ = (UniqueConstraint("area_id", "month", "registered_via"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    month: Mapped[date]  # the first day of the month
    registered_via: Mapped[str] = mapped_column(String(10))  # self/desk/paper/event/other
    people: Mapped[int] = mapped_column(default=0)
    children: Mapped[int] = mapped_column(default=0)
