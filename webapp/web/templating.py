"""Template globals shared by every page."""

from flask import current_app, request
from flask_login import current_user

from ..areas.models import Role
from ..i18n import current_lang
from ..text import format_phone


def _globals():
    return {
        "current_lang": current_lang,
        "Role": Role,
        "demo_mode": current_app.config.get("DEMO_MODE", False),
    }


def nav_items():
    """The main navigation for the signed-in person: (endpoint, label) pairs by role."""
    from flask_babel import gettext as _

    items = [("pages.home", _("My page"))]
    if not current_user.is_authenticated:
        return [("pages.home", _("Home"))]
    if current_user.has_role(Role.coordinator):
        items.append(("areas.index", _("Areas")))
    return items


def _demo_accounts():
    from ..demo import demo_accounts

    return demo_accounts()


def _demo_password():
    from ..demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def init_app(app) -> None:
    app.context_processor(_globals)
    app.jinja_env.globals["demo_accounts"] = _demo_accounts
    app.jinja_env.globals["demo_password"] = _demo_password
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["request_path"] = lambda: request.full_path.rstrip("?")
    app.jinja_env.filters["phone"] = format_phone
