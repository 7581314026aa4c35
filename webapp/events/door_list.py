"""The door list as the check-in page shows it: each family's row with its words.

The list has up to queries.SEARCH_LIMIT rows, and one gettext, url_for or Babel call costs
more than the rest of a row: the words are translated once per answer and filled in per row
with plain string formatting, the addresses are built once, and each row becomes a named
tuple (cheap attribute access in the template).
"""

from datetime import datetime
from typing import NamedTuple

from flask import url_for
from flask_babel import get_translations
from flask_login import current_user

from ..areas.models import Role
from ..i18n import format_time_short
from .models import Event, SignupStatus


class DoorLine(NamedTuple):
    """A row as the template unpacks it, in this order (names cost less than attributes)."""

    id: int
    name: str
    kana: str | None
    code: str
    status: SignupStatus
    phone: str | None
    childcare_needed: bool
    allergies: str | None
    wants_membership: bool
    party: str  # "Adults: 2, children: 1 (ages 3)"
    button_label: str  # "Check in <name>" or "Undo check-in of <name>"
    arrived: str | None  # "Arrived 10:05", None before check-in


class DoorList:
    """What every row needs, worked out once per answer for one event."""

    def __init__(self, event: Event):
        self.check_in_url = url_for("event_door.check_in", event_id=event.id)
        self.undo_url = url_for("event_door.undo_check_in", event_id=event.id)
        self.can_register = current_user.has_role(Role.supporter, event.area_id)
        # The catalogue looked up once for all the words below (gettext looks it up each
        # time). Without variables it returns the translated pattern, filled in per row.
        _ = get_translations().ugettext
        self.check_in = _("Check in")
        self.undo = _("Undo")
        self.childcare = _("Childcare")
        self.allergies = _("Allergies:")
        self.wants_membership = _("Would like to become a member")
        self.register = _("Register as a member")
        # The tag of rows that are not confirmed places.
        self.status = {status: str(status.label) for status in SignupStatus}
        self._party = _("Adults: %(adults)s, children: %(children)s")
        self._ages = _("(ages %(ages)s)")
        self._check_in_label = _("Check in %(name)s")
        self._undo_label = _("Undo check-in of %(name)s")
        self._arrived = _("Arrived %(time)s")
        self._times: dict[datetime, str] = {}

    def lines(self, rows) -> list[DoorLine]:
        """`rows`: tuples in the order of queries.DOOR_COLUMNS."""
        lines = []
        for (
            signup_id,
            name,
            kana,
            code,
            status,
            phone,
            adults,
            children,
            ages,
            childcare_needed,
            allergies,
            wants_membership,
            checked_in_at,
        ) in rows:
            party = self._party % {"adults": adults, "children": children}
            if ages:
                party += " " + self._ages % {"ages": ", ".join(map(str, ages))}
            if checked_in_at is None:
                label, arrived = self._check_in_label % {"name": name}, None
            else:
                label, arrived = self._undo_label % {"name": name}, self._arrival(checked_in_at)
            lines.append(
                DoorLine(
                    signup_id,
                    name,
                    kana,
                    code,
                    status,
                    phone,
                    childcare_needed,
                    allergies,
                    wants_membership,
                    party,
                    label,
                    arrived,
                )
            )
        return lines

    def _arrival(self, when: datetime) -> str:
        if when not in self._times:
            self._times[when] = self._arrived % {"time": format_time_short(when)}
        return self._times[when]
