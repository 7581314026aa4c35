"""Query-string helpers for event lists: months (2026-12) and keyset cursors."""

from datetime import UTC, date, datetime

from .. import clock

CURSOR_FORMAT = "%Y%m%dT%H%M%S%f"


def parse_month(text: str | None) -> tuple[int, int] | None:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        datetime(year, month, 1)
    except ValueError:
        return None
    return year, month


def parse_cursor(text: str | None) -> tuple[datetime, int] | None:
    """`after=20261206T010000000000.12`: the start (UTC) and id of the last event shown."""
    try:
        stamp, event_id = (text or "").split(".")
        return datetime.strptime(stamp, CURSOR_FORMAT).replace(tzinfo=UTC), int(event_id)
    except ValueError:
        return None


def cursor_text(cursor: tuple[datetime, int] | None) -> str | None:
    if cursor is None:
        return None
    return f"{cursor[0].astimezone(UTC).strftime(CURSOR_FORMAT)}.{cursor[1]}"


def next_months(count: int, *, start: int = 0) -> list[date]:
    """The first day of each month from this month (+start) on."""
    today = clock.today()
    base = today.year * 12 + today.month - 1
    return [date((base + i) // 12, (base + i) % 12 + 1, 1) for i in range(start, start + count)]
