"""Writing back expiries, daily: `flask housekeeping` marks open requests whose start has
passed as expired, and tells their requesters, as touching each of them would.

The site never depends on it: an open request whose start passed is expired when read
(HelpRequest.status_on). Writing it back keeps the set of such requests small, so that the
dashboard's count of expired requests (reports.figures) stays quick.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..housekeeping import register_task
from .lifecycle import refresh_status
from .models import HelpRequest, RequestStatus

BATCH = 500


def write_back_expiries(*, now: datetime) -> int:
    """Expire every open request whose start is at or before `now`; returns how many."""
    ids = list(
        db.session.scalars(
            select(HelpRequest.id)
            .where(HelpRequest.status == RequestStatus.open, HelpRequest.start_at <= now)
            .order_by(HelpRequest.id)
        )
    )
    expired = 0
    for i in range(0, len(ids), BATCH):
        batch = select(HelpRequest).where(HelpRequest.id.in_(ids[i : i + BATCH]))
        for help_request in db.session.scalars(batch):
            expired += refresh_status(help_request, now=now)
    return expired


register_task(
    "help_requests.past_start",
    write_back_expiries,
    _l(
        "Open requests whose start passed: marked as ended without a helper (the requester is told)"
    ),
)
