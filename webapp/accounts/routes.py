"""Sign-in and sign-out."""

from flask import Blueprint, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from ..extensions import limiter
from ..web.htmx import render
from ..web.urls import safe_next_url
from . import services
from .forms import SignInForm

bp = Blueprint("accounts", __name__)


def _failed_sign_in(_response) -> bool:
    # Only wrong passwords count towards the limit, never successful sign-ins.
    return bool(g.get("sign_in_failed"))


def _account_key() -> str:
    """The account being tried, however its identifier was typed (number, phone or e-mail)."""
    if "sign_in_account_key" not in g:
        g.sign_in_account_key = services.rate_limit_key(request.form.get("identifier"))
    return g.sign_in_account_key


def _too_many(limit, message):
    form = SignInForm()  # keeps the typed identifier; the password is never sent back
    body, _status = render("accounts/sign_in.html", form=form, blocked=message)
    return current_app.response_class(body, status=429)


def _limit_for_account(limit):
    return _too_many(
        limit,
        _(
            "Too many wrong passwords for this account. Wait 15 minutes and try again, "
            "or ask a supporter at the help desk."
        ),
    )


def _limit_for_address(limit):
    return _too_many(
        limit,
        _("Too many wrong passwords from this place. Wait a while and try again."),
    )


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SIGNIN_LIMIT_PER_ADDRESS"],
    key_func=get_remote_address,
    scope="sign-in-address",
    methods=["POST"],
    deduct_when=_failed_sign_in,
    on_breach=_limit_for_address,
)
@limiter.limit(
    lambda: current_app.config["SIGNIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    scope="sign-in-account",
    methods=["POST"],
    deduct_when=_failed_sign_in,
    on_breach=_limit_for_account,
)
def sign_in():
    """Sign in with a member number, phone number or e-mail address and a password."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = SignInForm()
    if form.validate_on_submit():
        person = services.authenticate(form.identifier.data, form.password.data)
        if person is not None:
            services.sign_in(person, remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next")) or url_for("pages.home"))
        g.sign_in_failed = True
        form.password.errors = [
            _("The password does not match this member number, phone number or e-mail address")
        ]
    status = 422 if form.errors else 200
    return render("accounts/sign_in.html", form=form, blocked=None, status=status)


@bp.post("/sign-out")
@login_required
def sign_out():
    """Sign out: the session token is replaced, so old cookies stop working everywhere."""
    services.sign_out(current_user._get_current_object())
    flash(_("You have signed out."), "success")
    return redirect(url_for("pages.home"))
