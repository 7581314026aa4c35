"""The dashboard's figures, rendered once and kept for a minute.

An area's figures are the same for every coordinator who opens them, and drawing them (charts,
tables, lists) costs many times what the rest of a page does. So the rendered HTML of the
figures, the side-by-side table and the CSV are kept in the cache (each worker's memory, or
Redis when configured) under a key made of everything they depend on:

- what was asked: the period as typed, the page, the language, the areas;
- the day (certifications lapse, "last month" moves);
- the newest entry of the areas' audit log, so that anything recorded there (a request posted
  or completed, a check-in, a certification, an area's targets changed...) shows at once;
- the minute, so that what changes with time alone (a request expiring unanswered, an event
  taking place) shows within a minute, as does anything not written to the audit log.

Nothing personal is in these fragments: the figures are counts, and the lists that need
attention name requests and events, which every coordinator of the area may open.
"""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select

from ..audit import AuditEntry
from ..extensions import cache, db

FRESH_FOR = 60  # seconds


def audit_mark(area_ids: list[int] | None) -> str:
    """The time of the newest audit entry of the areas (of all, for None): one index lookup."""
    query = select(func.max(AuditEntry.at))
    if area_ids is not None:
        query = query.where(AuditEntry.area_id.in_(area_ids))
    newest = db.session.scalar(query)
    return newest.isoformat() if newest is not None else "-"


def kept(parts: tuple, *, now: datetime, build: Callable[[], object]):
    """`build()`'s result for this key and minute, built at most once a minute."""
    minute = int(now.timestamp() // FRESH_FOR)
    key = "dashboard:" + "|".join(str(p) for p in (*parts, minute))
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=FRESH_FOR)
    return value
