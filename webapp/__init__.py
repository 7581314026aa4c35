"""Otagai (おたがいさま): neighbours helping each other raise children."""

from pathlib import Path

from flask import Flask
from jinja2 import StrictUndefined
from werkzeug.middleware.proxy_fix import ProxyFix

ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None) -> Flask:
    """Build the app. `config` is a dict or class applied on top of the environment's."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    from .config import load_config

    load_config(app, config)
    app.jinja_env.undefined = StrictUndefined
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    from . import db as database
    from . import i18n, models  # noqa: F401  (models: every table known to Alembic)
    from .extensions import babel, cache, csrf, db, htmx, limiter, login_manager, migrate

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)

    from .accounts import login

    login.init_app(app, login_manager)

    from .web import assets, errors, headers, templating
    from .web import htmx as htmx_helpers

    assets.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    htmx_helpers.init_app(app)
    templating.init_app(app)

    from .accounts.routes import bp as accounts_bp
    from .areas.routes import bp as areas_bp
    from .audit_log.routes import bp as audit_log_bp
    from .connections.routes import bp as connections_bp
    from .events.routes_door import bp as event_door_bp
    from .events.routes_print import bp as event_print_bp
    from .events.routes_public import bp as events_bp
    from .events.routes_staff import bp as event_staff_bp
    from .help_requests.routes import bp as help_requests_bp
    from .households.routes import bp as households_bp
    from .login_cards.routes import bp as login_cards_bp
    from .notifications.routes import bp as notifications_bp
    from .offers.routes import bp as offers_bp
    from .pages.routes import bp as pages_bp
    from .profiles.routes import bp as profiles_bp
    from .registration import assist
    from .registration.routes import bp as registration_bp
    from .reports.routes import bp as reports_bp
    from .supporters.routes import bp as supporters_bp
    from .threads.routes import bp as threads_bp

    for blueprint in (
        pages_bp,
        accounts_bp,
        areas_bp,
        households_bp,
        supporters_bp,
        audit_log_bp,
        events_bp,
        event_staff_bp,
        event_door_bp,
        event_print_bp,
        registration_bp,
        login_cards_bp,
        profiles_bp,
        connections_bp,
        help_requests_bp,
        offers_bp,
        threads_bp,
        notifications_bp,
        reports_bp,
    ):
        app.register_blueprint(blueprint)
    assist.init_app(app)

    from . import cli, pdf

    pdf.init_app(app)
    cli.init_app(app)
    return app
