"""Flask-Login wiring: people are loaded by their rotating session token."""

from flask_babel import lazy_gettext as _l

from .services import load_person


def init_app(app, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    # "basic": phones change address all the time; "strong" would sign people out for it.
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_person)
