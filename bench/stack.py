"""A reference, not a bar: the least a signed-in page costs on the project's fixed stack.

The floor (hello.py) is Flask alone. Every page of Otagai also pays, before any of its own
work, for what the fixed stack does on each request: Flask-Login reads the signed session
cookie and loads the person through Flask-SQLAlchemy, Flask-Babel picks the language,
Flask-WTF makes the form's CSRF token, and Jinja renders a layout. This app does exactly
that and nothing more (one person, twenty rows of a small table, a short page with one form),
served with the same gunicorn settings as the floor and the app, so the table can show how
much of the floor is left for Otagai once the stack has taken its share.

Its SQLite file is made by `prepare()` before the server starts and named by
BENCH_STACK_DB; SECRET_KEY is the workers' shared key.
"""

import os
import secrets

from flask import Flask, render_template, request
from flask_babel import Babel
from flask_login import LoginManager, UserMixin, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from jinja2 import DictLoader
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Person(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    session_token: Mapped[str] = mapped_column(String(64), unique=True)

    def get_id(self) -> str:
        return self.session_token


class Item(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))


PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ _("Requests") }}</title></head>
<body><a href="#main">{{ _("Skip to content") }}</a>
<header><p>{{ current_user.display_name }}</p><nav><ul>
{% for label in menu %}<li><a href="/{{ loop.index }}">{{ _(label) }}</a></li>{% endfor %}
</ul></nav></header>
<main id="main"><h1>{{ _("Requests") }}</h1>
<ul>{% for item in items %}
<li><a href="/items/{{ item.id }}">{{ item.title }}</a></li>{% endfor %}</ul>
<form method="post" action="/sign-out"><input type="hidden" name="csrf_token"
 value="{{ csrf_token() }}"><button>{{ _("Sign out") }}</button></form></main></body></html>
"""
MENU = ("Home", "Requests", "Offers", "Events", "Connections", "Messages")


def create_app(database: str, secret_key: str) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secret_key, SQLALCHEMY_DATABASE_URI=database)
    app.jinja_loader = DictLoader({"page.html": PAGE})  # compiled once, as files are
    db.init_app(app)
    CSRFProtect(app)
    Babel(app, locale_selector=lambda: request.accept_languages.best_match(["ja", "en"]))
    login = LoginManager(app)

    @login.user_loader
    def load(token: str):
        return db.session.scalar(select(Person).where(Person.session_token == token))

    @app.get("/sign-in")
    def sign_in():
        login_user(db.session.get(Person, 1))
        return "signed in"

    @app.get("/")
    @login_required
    def page():
        items = db.session.scalars(select(Item).order_by(Item.id.desc()).limit(20)).all()
        lang = request.accept_languages.best_match(["ja", "en"]) or "ja"
        return render_template("page.html", items=items, menu=MENU, lang=lang)

    return app


def prepare(path: str) -> None:
    """The reference's database: one person and a thousand rows."""
    app = create_app(f"sqlite:///{path}", secrets.token_hex(32))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.add(Person(id=1, display_name="試験 花子", session_token="t" * 32))
        db.session.add_all(Item(title=f"お願い {n}") for n in range(1, 1001))
        db.session.commit()


if "BENCH_STACK_DB" in os.environ:  # under gunicorn: `bench.stack:app`, one key for all workers
    app = create_app(f"sqlite:///{os.environ['BENCH_STACK_DB']}", os.environ["SECRET_KEY"])
