"""Home page and language switch."""

from functools import lru_cache

from flask import Blueprint, current_app, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import Integer, bindparam, select

from ..areas.models import Area
from ..extensions import db
from ..i18n import LANG_COOKIE
from ..web.htmx import render
from ..web.urls import safe_next_url

bp = Blueprint("pages", __name__)


@lru_cache(maxsize=1)
def _areas_statement():
    # Built once, with a bind parameter: building a statement costs more than running it.
    return select(Area).where(Area.id.in_(bindparam("ids", expanding=True, type_=Integer)))


@bp.get("/")
def home():
    """The start page: what Otagai is, or the signed-in person's own page."""
    if current_user.is_authenticated:
        ids = sorted({m.area_id for m in current_user.memberships})
        areas = db.session.scalars(_areas_statement(), {"ids": ids}) if ids else []
        return render("pages/home_member.html", areas={area.id: area for area in areas})
    return render("pages/home_guest.html")


@bp.post("/language")
def set_language():
    """Switch between 日本語 and English; remembered for the person and in a cookie."""
    lang = request.form.get("lang")
    target = safe_next_url(request.form.get("next")) or url_for("pages.home")
    response = redirect(target)
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANG_COOKIE,
            lang,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return response


@bp.get("/health")
def health():
    """For load balancers and the benchmark: the app answers and reaches its database."""
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
