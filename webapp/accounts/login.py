"""Flask-Login wiring: people are loaded by their rotating session token."""

from urllib.parse import urlsplit

from flask import flash, redirect, request
from flask_babel import lazy_gettext as _l
from flask_login import login_url

from ..web.htmx import is_partial
from ..web.urls import safe_next_url
from .services import load_person

SIGN_IN_MESSAGE = _l("Please sign in to see this page.")


def _unauthorized():
    """Send people who are not signed in to the sign-in page, and back afterwards.

    A fragment request (the unread count refreshed every minute, a check-in button) would
    otherwise follow the redirect and swap the whole sign-in page into a corner of the page
    when a session ends: htmx is told to load the sign-in page in the whole window instead,
    coming back to the page the person was on.
    """
    flash(SIGN_IN_MESSAGE, "info")
    if not is_partial():
        return redirect(login_url("accounts.sign_in", next_url=request.full_path.rstrip("?")))
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    here = safe_next_url(current.path + (f"?{current.query}" if current.query else ""))
    response = redirect(login_url("accounts.sign_in", next_url=here or "/"))
    response.status_code = 401
    response.headers["HX-Redirect"] = response.headers.pop("Location")
    return response


def init_app(app, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = SIGN_IN_MESSAGE
    login_manager.login_message_category = "info"
    # "basic": phones change address all the time; "strong" would sign people out for it.
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_person)
    login_manager.unauthorized_handler(_unauthorized)
