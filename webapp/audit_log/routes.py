"""The audit log page. Read-only: GET is the only method it answers."""

from flask import Blueprint, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..areas.models import Area, Role
from ..extensions import db
from ..i18n import current_lang
from ..web.auth import role_required
from ..web.htmx import render
from ..web.templating import add_nav_item
from . import queries
from .forms import AuditFilterForm

bp = Blueprint("audit_log", __name__, url_prefix="/audit-log")
add_nav_item("audit_log.index", _l("Audit log"), role=Role.coordinator, order=95)


def _page_url(**changes) -> str:
    args = {k: v for k, v in request.args.items() if v and k != "before"}
    args.update({k: v for k, v in changes.items() if v is not None})
    return url_for("audit_log.index", **args)


@bp.get("")
@role_required(Role.coordinator)
def index():
    """Who did what, newest first: coordinators see their areas, admins everything."""
    scope = None if current_user.is_admin else current_user.area_ids_with(Role.coordinator)
    areas = db.session.scalars(
        select(Area).where(Area.id.in_(scope)) if scope is not None else select(Area)
    )
    form = AuditFilterForm(formdata=request.args).set_choices(
        sorted(areas, key=lambda a: a.name), current_lang(), everything=scope is None
    )
    if not form.validate():
        return render("audit_log/index.html", form=form, log=None, status=422)
    before = request.args.get("before", type=int)
    log = queries.audit_page(scope=scope, **form.filters(), before=before)
    return render(
        "audit_log/index.html",
        "audit_log/_rows.html",
        form=form,
        log=log,
        more_url=_page_url(before=log.next_before) if log.next_before else None,
        newest_url=_page_url() if before else None,
    )
