"""Login cards: printed at the help desk; the resident opens the card's link (QR code) or types
its code, is signed in once, then chooses a password or stays signed in on that device."""

from flask import Blueprint, current_app, flash, g, redirect, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from ..accounts.services import may_stay_signed_in, sign_in
from ..areas.models import Role
from ..clock import now
from ..extensions import limiter
from ..i18n import current_lang
from ..pdf import pdf_response
from ..profiles.forms import NewPasswordForm
from ..profiles.routes import keep_this_device_signed_in
from ..profiles.services import ProfileError, change_password
from ..registration import assist
from ..web.auth import role_required
from ..web.htmx import render
from . import services
from .forms import CardForm, CodeForm

bp = Blueprint("login_cards", __name__)
# Set when someone has just signed in with a card or just joined: they may choose a new
# password without typing the old one (they proved who they are with the card).
FRESH_KEY = "card_sign_in"


def sign_in_fresh(person) -> None:
    sign_in(person)
    session[FRESH_KEY] = person.id


def _failed(_response) -> bool:
    # Only wrong or used-up links and codes count towards the limit.
    return bool(g.get("card_failed"))


def _too_many(_limit):
    body, _status = render("login_cards/invalid.html", blocked=True)
    return current_app.response_class(body, status=429)


card_limit = limiter.shared_limit(
    lambda: current_app.config["CARD_LIMIT_PER_ADDRESS"],
    key_func=get_remote_address,
    scope="login-card",
    deduct_when=_failed,
    on_breach=_too_many,
)


@bp.route("/help-desk/people/<int:person_id>/card", methods=["GET", "POST"])
@role_required(Role.supporter)
def card(person_id: int):
    """Print a login card for a resident (a new card stops the earlier ones working)."""
    person = assist.load_resident(person_id)
    form = CardForm(data={"layout": "a4", "lang": person.locale or current_lang()})
    if form.validate_on_submit():
        try:
            issued = services.issue_card(
                person, actor=current_user, now=now(), identity_checked=form.identity_checked.data
            )
        except services.CardError:
            form.identity_checked.errors = [_("Check who the person is before printing a card")]
        else:
            return _card_pdf(person, issued, layout=form.layout.data, lang=form.lang.data)
    return render(
        "login_cards/card.html",
        person=person,
        form=form,
        latest=services.latest_card(person),
        now_utc=now(),
        on_behalf_name=person.name,
        status=422 if form.errors else 200,
    )


def _card_pdf(person, issued, *, layout: str, lang: str):
    path = url_for("login_cards.link", token=issued.token)
    base = current_app.config.get("SITE_URL", "").rstrip("/")
    link = base + path if base else url_for("login_cards.link", token=issued.token, _external=True)
    code_page = (
        (base + url_for("login_cards.code"))
        if base
        else url_for("login_cards.code", _external=True)
    )
    with force_locale(lang):
        return pdf_response(
            "print/login_cards/card.html",
            f"login-card-{person.member_number}.pdf",
            person=person,
            area=person.household.area if person.household else None,
            issued=issued,
            link=link,
            code_page=code_page,
            layout=layout,
        )


@bp.route("/card/<token>", methods=["GET", "POST"])
@card_limit
def link(token: str):
    """A card's QR link: shows whose card it is; signing in uses it up (looking does not)."""
    record = services.card_for_token(token, now=now())
    if record is None:
        g.card_failed = True
        return render("login_cards/invalid.html", blocked=False, status=404)
    if request.method == "POST":
        person = services.use_card(record, now=now(), how="link")
        if person is None:
            g.card_failed = True
            return render("login_cards/invalid.html", blocked=False, status=404)
        sign_in_fresh(person)
        return redirect(url_for("login_cards.welcome"))
    return render("login_cards/link.html", person=record.person, token=token)


@bp.route("/card", methods=["GET", "POST"])
@card_limit
def code():
    """Type the code printed on a login card instead of scanning it."""
    form = CodeForm()
    if form.validate_on_submit():
        record = services.card_for_code(form.code.data, now=now())
        person = services.use_card(record, now=now(), how="code") if record else None
        if person is not None:
            sign_in_fresh(person)
            return redirect(url_for("login_cards.welcome"))
        g.card_failed = True
        form.code.errors = [
            _("This code does not work. Check it, or ask the help desk for a new card.")
        ]
    return render("login_cards/code.html", form=form, status=422 if form.errors else 200)


@bp.get("/welcome")
@login_required
def welcome():
    """Just signed in with a card (or just joined): choose a password, or stay signed in."""
    if session.get(FRESH_KEY) != current_user.id:
        return redirect(url_for("profiles.show"))
    return render(
        "login_cards/welcome.html",
        form=NewPasswordForm(),
        may_stay=may_stay_signed_in(current_user),
    )


@bp.post("/welcome/password")
@login_required
def choose_password():
    """Choose a password now (nobody else learns it)."""
    person = current_user._get_current_object()
    if session.get(FRESH_KEY) != person.id:
        return redirect(url_for("profiles.password"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            change_password(person, form.password.data, actor=person, identity_verified=True)
        except ProfileError:
            form.password.errors = [_("Enter at least 8 characters")]
        else:
            session.pop(FRESH_KEY, None)
            keep_this_device_signed_in(person)
            flash(_("Your password is saved. Sign in with your member number and it."), "success")
            return redirect(url_for("pages.home"))
    may_stay = may_stay_signed_in(person)
    return render("login_cards/welcome.html", form=form, may_stay=may_stay, status=422)


@bp.post("/welcome/stay")
@login_required
def stay_signed_in():
    """Stay signed in on this device (no password to remember)."""
    person = current_user._get_current_object()
    sign_in(person, remember=True)
    session.pop(FRESH_KEY, None)
    if may_stay_signed_in(person):
        flash(_("You will stay signed in on this device."), "success")
    return redirect(url_for("pages.home"))
