"""The figures as CSV for spreadsheets: UTF-8 with a byte-order mark (so that Japanese Excel
reads it as UTF-8), one row per area and month, then the period's total per area.

Every text cell is made safe from formula injection: a cell that a spreadsheet would read as a
formula (starting with = + - @, their full-width forms ＝ ＋ － ＠, a tab or a carriage return)
gets a leading apostrophe, which spreadsheets show as text. Numbers are written as numbers.
"""

import csv
import io

from flask_babel import gettext as _

from ..help_requests.models import RequestKind
from ..i18n import format_month
from .figures import AreaReport, MonthFigures

FORMULA_STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠", "\t", "\r")


def safe_cell(value):
    """The value as a spreadsheet should show it: text that could run as a formula is quoted."""
    if isinstance(value, int | float) or value is None:
        return "" if value is None else value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _rate(figures) -> str:
    rate = figures.resolution_rate
    return "" if rate is None else f"{rate * 100:.1f}"


def _header() -> list[str]:
    columns = [
        _("Area"),
        _("Month"),
        _("Households joined"),
        _("Households left"),
        _("Members joined"),
        _("Members left"),
        _("Events held"),
        _("People attending"),
        _("Families attending"),
        _("Requests posted"),
        _("Requests completed"),
        _("Requests cancelled"),
        _("Requests expired"),
        _("Resolution rate (%)"),
    ]
    for kind in RequestKind:
        columns += [
            _("%(kind)s: posted", kind=kind.label),
            _("%(kind)s: completed", kind=kind.label),
        ]
    return columns


def _row(area_name: str, label: str, figures: MonthFigures, kinds) -> list:
    row = [
        area_name,
        label,
        figures.households_joined,
        figures.households_left,
        figures.members_joined,
        figures.members_left,
        figures.events_held,
        figures.attendance_people,
        figures.attendance_groups,
        figures.requests_posted,
        figures.requests_completed,
        figures.requests_cancelled,
        figures.requests_expired,
        _rate(figures),
    ]
    for kind in kinds:
        row += [kind.posted, kind.completed]
    return row


def figures_csv(reports: list[AreaReport], *, lang: str) -> bytes:
    """One row per area and month, then a total row for each area; UTF-8 with BOM, CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in _header()])
    for report in reports:
        name = report.area.display_name(lang) if report.area else _("All areas")
        for figures in report.months:
            kinds = report.kinds_by_month[figures.month]
            writer.writerow(
                [
                    safe_cell(c)
                    for c in _row(name, format_month(figures.month, lang), figures, kinds)
                ]
            )
        writer.writerow(
            [safe_cell(c) for c in _row(name, _("Whole period"), report.total, report.kinds)]
        )
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
