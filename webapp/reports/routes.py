"""The dashboard for local staff: areas side by side, one area's figures with what needs
attention, the figures as CSV, and the monthly report PDF for the town meeting.

Coordinators see their own areas (403 for the others); admins see every area.
"""

from flask import Blueprint, current_app, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import clock
from ..areas.models import Area, Role
from ..extensions import db
from ..i18n import current_lang
from ..pdf import pdf_response
from ..web.auth import require_area_role, role_required
from ..web.htmx import render
from ..web.templating import add_nav_item
from .attention import needing_attention
from .dashboard import charts_for, events_of, page_of_areas, percent
from .export import figures_csv
from .figures import area_report, reports_for
from .forms import MonthForm, PeriodForm
from .periods import DEFAULT_PRESET, PRESETS, Period, add_months, parse_month, preset

bp = Blueprint("reports", __name__, url_prefix="/dashboard")
add_nav_item("reports.index", _l("Dashboard"), role=Role.coordinator, order=52)
bp.add_app_template_filter(percent, "percent")


def _period_form() -> tuple[PeriodForm, bool]:
    today = clock.today()
    form = PeriodForm(formdata=request.args)
    return form, form.check(today=today, default=preset(DEFAULT_PRESET, today))


def _presets(endpoint: str, **values) -> list[tuple[str, str]]:
    today = clock.today()
    return [
        (label, url_for(endpoint, **values, **preset(name, today).args()))
        for name, label in PRESETS.items()
    ]


def _scope() -> set[int] | None:
    return None if current_user.is_admin else current_user.area_ids_with(Role.coordinator)


def _areas(scope: set[int] | None) -> list[Area]:
    query = db.select(Area).order_by(Area.name, Area.id)
    if scope is not None:
        query = query.where(Area.id.in_(scope))
    return list(db.session.scalars(query))


def _coordinated(area_id: int) -> Area:
    area = db.get_or_404(Area, area_id)
    require_area_role(area.id, Role.coordinator)
    return area


def _csv_response(body: bytes, name: str, period: Period):
    response = current_app.response_class(body, mimetype="text/csv")
    first, last = period.args().values()
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{first}-{last}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("")
@role_required(Role.coordinator)
def index():
    """Areas side by side (admins: every area, a page at a time) with their sum."""
    scope = _scope()
    if scope is not None and len(scope) == 1:
        return redirect(url_for(".area", area_id=next(iter(scope)), **request.args))
    form, ok = _period_form()
    areas, page, pages = page_of_areas(scope, request.args.get("page", 1, type=int))
    context = {"form": form, "presets": _presets(".index"), "page_number": page, "pages": pages}
    if not ok:
        return render("reports/index.html", reports=None, total=None, status=422, **context)
    now, today = clock.now(), clock.today()
    reports = reports_for(areas, form.period, now=now, today=today)
    everyone = None if scope is None else _areas(scope)  # the sum: every area, or all mine
    (total,) = reports_for(everyone, form.period, now=now, today=today, together=True)
    return render("reports/index.html", reports=reports, total=total, **context)


@bp.get("/figures.csv")
@role_required(Role.coordinator)
def index_csv():
    """Every visible area's figures, month by month, as CSV."""
    form, ok = _period_form()
    if not ok:
        return redirect(url_for(".index", **request.args))
    areas = _areas(_scope())
    reports = reports_for(areas, form.period, now=clock.now(), today=clock.today(), by_kind=True)
    return _csv_response(figures_csv(reports, lang=current_lang()), "otagai-areas", form.period)


def _area_page(area: Area, form: PeriodForm, ok: bool, month_form: MonthForm, status=200):
    context = {
        "area": area,
        "form": form,
        "month_form": month_form,
        "presets": _presets(".area", area_id=area.id),
    }
    if not ok:
        return render("reports/area.html", "reports/_area_figures.html", status=422, **context)
    now = clock.now()
    report = area_report(area, form.period, now=now, today=clock.today())
    return render(
        "reports/area.html",
        "reports/_area_figures.html",
        report=report,
        charts=charts_for(report, current_lang()),
        attention=needing_attention([area.id], now=now),
        status=status,
        **context,
    )


def _last_month_form() -> MonthForm:
    last_month = add_months(clock.today().replace(day=1), -1)
    return MonthForm(formdata=None, month=last_month.strftime("%Y-%m"))


@bp.get("/areas/<int:area_id>")
@role_required(Role.coordinator)
def area(area_id: int):
    """One area: KPI progress, figures and charts for the period, what needs attention."""
    area = _coordinated(area_id)
    form, ok = _period_form()
    return _area_page(area, form, ok, _last_month_form())


@bp.get("/areas/<int:area_id>/figures.csv")
@role_required(Role.coordinator)
def area_csv(area_id: int):
    """The area's figures, month by month, as CSV."""
    area = _coordinated(area_id)
    form, ok = _period_form()
    if not ok:
        return redirect(url_for(".area", area_id=area.id, **request.args))
    (report,) = reports_for([area], form.period, now=clock.now(), today=clock.today(), by_kind=True)
    name = f"otagai-area-{area.id}"
    return _csv_response(figures_csv([report], lang=current_lang()), name, form.period)


@bp.get("/areas/<int:area_id>/monthly-report.pdf")
@role_required(Role.coordinator)
def monthly_report(area_id: int):
    """The month's report for the town meeting: figures, charts and events, counts only."""
    area = _coordinated(area_id)
    month_form = MonthForm(formdata=request.args)
    try:
        month = parse_month(month_form.month.data)
    except ValueError:
        month = None
    this_month = clock.today().replace(day=1)
    if month is None or month > this_month:
        month_form.month.errors = [_l("Enter a month up to this one, like 2026-11")]
        form, ok = _period_form()
        return _area_page(area, form, ok, month_form, status=422)
    now, today, lang = clock.now(), clock.today(), current_lang()
    report = area_report(area, Period.month(month), now=now, today=today)
    year = area_report(area, Period(add_months(month, -11), month), now=now, today=today)
    name = f"otagai-report-{area.id}-{month:%Y-%m}.pdf"
    response = pdf_response(
        "print/reports/monthly.html",
        name,
        area=area,
        month=month,
        report=report,
        charts=charts_for(year, lang, prefix="report"),
        events=events_of(area, Period.month(month)),
    )
    if request.args.get("format") != "html":  # the button says "download": save, then print
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
