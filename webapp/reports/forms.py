"""The period picker: a GET form (no CSRF token: it changes nothing, and its URL can be
bookmarked or sent to a colleague)."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from ..web.fields import TextField
from .periods import Period, PeriodError, period_from

MESSAGES = {
    "bad_month": _l("Enter the month like 2026-04"),
    "order": _l("The last month must not be before the first month"),
    "future": _l("The last month cannot be after this month"),
    "too_long": _l("Choose a period of at most five years"),
}


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    start = TextField(_l("Start month"), name="from", description=_l("For example 2026-04"))
    end = TextField(_l("End month"), name="to", description=_l("For example 2027-03"))

    period: Period | None = None

    def check(self, *, today: date, default: Period) -> bool:
        """Read the period typed (or take `default` when both fields are empty)."""
        if not (self.start.data or self.end.data):
            self.period = default
            self.start.data, self.end.data = (
                m.strftime("%Y-%m") for m in (default.first, default.last)
            )
            return True
        try:
            self.period = period_from(self.start.data, self.end.data, today=today)
        except PeriodError as error:
            target = self.start if error.field == "from" else self.end
            target.errors = [MESSAGES[error.code]]
            return False
        return True


class MonthForm(FlaskForm):
    """Which month the monthly report is for."""

    class Meta:
        csrf = False

    month = TextField(_l("Month of the report"), description=_l("For example 2026-11"))
