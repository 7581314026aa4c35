"""Periods of whole months (town time): what a dashboard, CSV or report covers.

A period is given as `from=YYYY-MM&to=YYYY-MM` (full-width digits and other separators are
accepted: ２０２６年４月, 2026/4) or by a named choice: this month, last month, the last 12
months, this or last fiscal year (年度, April to March, as town halls report).
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l

from ..clock import TOWN_TZ
from ..text import nfkc

MAX_MONTHS = 60
EARLIEST = date(2000, 1, 1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def fiscal_year_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


@dataclass(frozen=True)
class Period:
    first: date  # first day of the first month
    last: date  # first day of the last month (inclusive)

    @property
    def months(self) -> list[date]:
        count = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1
        return [add_months(self.first, i) for i in range(count)]

    @property
    def start(self) -> datetime:
        """The first moment of the period, town time."""
        return datetime.combine(self.first, time(), tzinfo=TOWN_TZ)

    @property
    def end(self) -> datetime:
        """The first moment after the period, town time."""
        return datetime.combine(add_months(self.last, 1), time(), tzinfo=TOWN_TZ)

    def args(self) -> dict[str, str]:
        return {"from": self.first.strftime("%Y-%m"), "to": self.last.strftime("%Y-%m")}

    @classmethod
    def month(cls, month: date) -> "Period":
        return cls(month, month)


PRESETS = {
    "this_month": _l("This month"),
    "last_month": _l("Last month"),
    "last_12_months": _l("The last 12 months"),
    "this_fiscal_year": _l("This fiscal year (from April)"),
    "last_fiscal_year": _l("Last fiscal year"),
}
DEFAULT_PRESET = "last_12_months"


def preset(name: str, today: date) -> Period:
    this_month = today.replace(day=1)
    if name == "this_month":
        return Period.month(this_month)
    if name == "last_month":
        return Period.month(add_months(this_month, -1))
    if name == "this_fiscal_year":
        return Period(fiscal_year_start(today), this_month)
    if name == "last_fiscal_year":
        start = add_months(fiscal_year_start(today), -12)
        return Period(start, add_months(start, 11))
    return Period(add_months(this_month, -11), this_month)


class PeriodError(ValueError):
    """`code`: `bad_month` (for the field `field`), `order`, `future` or `too_long`."""

    def __init__(self, code: str, field: str | None = None):
        super().__init__(code)
        self.code = code
        self.field = field


def parse_month(text: str | None) -> date | None:
    """'2026-04', '2026/4', '２０２６年４月' -> date(2026, 4, 1); None when empty; ValueError."""
    value = nfkc(text).replace("年", "-").replace("月", "").replace("/", "-").replace(".", "-")
    value = "".join(value.split())
    if not value:
        return None
    year, _, month = value.partition("-")
    if not (year.isdigit() and month.isdigit() and len(year) == 4):
        raise ValueError(text)
    result = date(int(year), int(month), 1)  # ValueError for month 13
    if result < EARLIEST:
        raise ValueError(text)
    return result


def period_from(first_text: str | None, last_text: str | None, *, today: date) -> Period:
    """The period two month fields describe; a missing end means this month, a missing start
    the same month as the end. Raises PeriodError."""
    months = {}
    for field, text in (("from", first_text), ("to", last_text)):
        try:
            months[field] = parse_month(text)
        except ValueError:
            raise PeriodError("bad_month", field) from None
    this_month = today.replace(day=1)
    last = months["to"] or this_month
    first = months["from"] or last
    if last > this_month:
        raise PeriodError("future", "to")
    if first > last:
        raise PeriodError("order", "to")
    period = Period(first, last)
    if len(period.months) > MAX_MONTHS:
        raise PeriodError("too_long", "from")
    return period
