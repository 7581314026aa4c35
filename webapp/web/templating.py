"""Template globals shared by every page."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..areas.models import Role
from ..clock import today
from ..i18n import current_lang
from ..text import format_phone


def _globals():
    return {"demo_mode": current_app.config.get("DEMO_MODE", False)}


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # lazy string
    role: Role | None = None  # None: every signed-in person
    admin_only: bool = False
    order: int = 50
    when: Callable | None = None  # a further test on the signed-in person


NAV_ITEMS: list[NavItem] = []


def add_nav_item(
    endpoint: str, label, *, role: Role | None = None, admin_only=False, order=50, when=None
):
    """Each domain adds its entries to the main menu when its routes are imported.

    `when(person)` narrows an entry further, e.g. to people who hold exactly one role.
    """
    NAV_ITEMS.append(NavItem(endpoint, label, role, admin_only, order, when))
    NAV_ITEMS.sort(key=lambda item: item.order)


def nav_items():
    """The main menu for the signed-in person: (endpoint, URL, label) of what they may use.

    Every page shows it, so the URLs and labels of each possible menu are worked out once per
    language and kept: a page only decides which entries the person may see.
    """
    if not current_user.is_authenticated:
        return []
    person = current_user._get_current_object()
    allowed = tuple(
        item.endpoint
        for item in NAV_ITEMS
        if (item.role is None or person.has_role(item.role))
        and (not item.admin_only or person.is_admin)
        and (item.when is None or item.when(person))
    )
    menus = current_app.extensions.setdefault("otagai_menus", {})
    key = (current_lang(), allowed)
    menu = menus.get(key)
    if menu is None:
        labels = {item.endpoint: item.label for item in NAV_ITEMS}
        menu = menus[key] = [(e, url_for(e), str(labels[e])) for e in allowed]
    return menu


def _demo_accounts():
    from ..demo import demo_accounts

    return demo_accounts()


def _demo_password():
    from ..demo import DEMO_PASSWORD

    return DEMO_PASSWORD


add_nav_item("pages.home", _l("My page"), order=0)


def init_app(app) -> None:
    app.context_processor(_globals)
    # Globals, not context: imported macros see them too.
    app.jinja_env.globals.update(today=today, current_lang=current_lang, Role=Role)
    app.jinja_env.globals["demo_accounts"] = _demo_accounts
    app.jinja_env.globals["demo_password"] = _demo_password
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["request_path"] = lambda: request.full_path.rstrip("?")
    app.jinja_env.filters["phone"] = format_phone
