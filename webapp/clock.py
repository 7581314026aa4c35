"""The town's clock. Rules take `now=` so tests can pass any moment; these are the defaults."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TOWN_TZ = ZoneInfo("Asia/Tokyo")


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Japan (the server may run in UTC)."""
    return datetime.now(TOWN_TZ).date()
