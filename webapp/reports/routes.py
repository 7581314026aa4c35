"""The dashboard for local staff: areas side by side, one area's figures with what needs
attention, the figures as CSV, and the monthly report PDF for the town meeting.

Coordinators see their own areas (403 for the others); admins see every area.
"""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from .. import clock
from ..areas.models import Area, Role
from ..extensions import db
from ..i18n import current_lang
from ..pdf import pdf_response
from ..web.auth import require_area_role, role_required
from ..web.htmx import is_partial
from ..web.templating import add_nav_item
from .attention import needing_attention
from .caching import audit_mark, kept
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


def _asked() -> tuple:
    """What the request asked, as typed: part of every cache key."""
    return request.args.get("from", ""), request.args.get("to", ""), current_lang()


def _page(page: str, *, status: int = 200, **context):
    """The full page around the figures, or (to htmx) the figures alone."""
    if is_partial():
        return context["figures"], status
    return render_template(page, **context), status


@bp.get("")
@role_required(Role.coordinator)
def index():
    """Areas side by side (admins: every area, a page at a time) with their sum."""
    scope = _scope()
    if scope is not None and len(scope) == 1:
        return redirect(url_for(".area", area_id=next(iter(scope)), **request.args))
    form, ok = _period_form()
    asked_page = request.args.get("page", 1, type=int)

    def context() -> dict:
        areas, page, pages = page_of_areas(scope, asked_page)
        presets = _presets(".index")
        return {
            "form": form,
            "presets": presets,
            "areas": areas,
            "page_number": page,
            "pages": pages,
        }

    if not ok:
        html = render_template("reports/_overview.html", reports=None, **context())
        return _page("reports/index.html", status=422, form=form, figures=Markup(html))  # noqa: S704
    now, today = clock.now(), clock.today()

    def build() -> str:
        values = context()
        reports = reports_for(values["areas"], form.period, now=now, today=today)
        everyone = None if scope is None else _areas(scope)  # the sum: every area, or all mine
        (total,) = reports_for(everyone, form.period, now=now, today=today, together=True)
        return render_template(
            "reports/_overview.html", reports=reports, total=total, figures_at=now, **values
        )

    ids = None if scope is None else sorted(scope)
    key = ("overview", ids, asked_page, *_asked(), today, audit_mark(ids))
    figures = Markup(kept(key, now=now, build=build))  # noqa: S704  (our own template's output)
    return _page("reports/index.html", form=form, figures=figures)


@bp.get("/figures.csv")
@role_required(Role.coordinator)
def index_csv():
    """Every visible area's figures, month by month, as CSV."""
    form, ok = _period_form()
    if not ok:
        return redirect(url_for(".index", **request.args))
    scope = _scope()
    now, today = clock.now(), clock.today()

    def build() -> bytes:
        reports = reports_for(_areas(scope), form.period, now=now, today=today, by_kind=True)
        return figures_csv(reports, lang=current_lang())

    ids = None if scope is None else sorted(scope)
    body = kept(("csv", ids, *_asked(), today, audit_mark(ids)), now=now, build=build)
    return _csv_response(body, "otagai-areas", form.period)


def _area_page(area: Area, form: PeriodForm, ok: bool, month_form: MonthForm, status=200):
    context = {
        "area": area,
        "form": form,
        "month_form": month_form,
        "presets": _presets(".area", area_id=area.id),
    }
    if not ok or month_form.errors:  # a form with errors is rare, and not kept
        figures = Markup(render_template("reports/_area_figures.html", **context))  # noqa: S704
        return _page("reports/area.html", status=422, figures=figures, **context)
    now, today = clock.now(), clock.today()

    def build() -> str:
        report = area_report(area, form.period, now=now, today=today)
        return render_template(
            "reports/_area_figures.html",
            report=report,
            charts=charts_for(report, current_lang()),
            attention=needing_attention([area.id], now=now),
            figures_at=now,
            **context,
        )

    key = ("area", area.id, *_asked(), today, audit_mark([area.id]))
    figures = Markup(kept(key, now=now, build=build))  # noqa: S704  (our own template's output)
    return _page("reports/area.html", status=status, figures=figures, **context)


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
    now, today = clock.now(), clock.today()

    def build() -> bytes:
        reports = reports_for([area], form.period, now=now, today=today, by_kind=True)
        return figures_csv(reports, lang=current_lang())

    body = kept(
        ("area-csv", area.id, *_asked(), today, audit_mark([area.id])), now=now, build=build
    )
    return _csv_response(body, f"otagai-area-{area.id}", form.period)


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
