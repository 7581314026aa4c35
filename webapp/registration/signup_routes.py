"""Self sign-up, one question per screen: /join, then about you, how to reach you, home area,
other adults, children, consents, check your answers. Answers live in a server-side draft."""

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import now
from ..extensions import limiter
from ..i18n import current_lang
from ..login_cards.routes import sign_in_fresh
from ..web.htmx import render
from . import drafts, signup
from .blueprint import bp
from .inline import render_checked_field
from .services import RegistrationError, suggest_area

DRAFT_KEY = "signup_draft"
CHECKED = ("about", "contact", "adults", "children")  # steps with inline checks
STEP_NUMBERS = {step: i + 1 for i, step in enumerate(signup.STEPS)} | {"check": 7}


def _draft():
    return drafts.find_draft(session.get(DRAFT_KEY), now=now())


def _no_draft():
    flash(_("Your sign-up was not found or is more than a day old. Please start again."), "info")
    return redirect(url_for("registration.join"))


def _step_url(step: str) -> str:
    return url_for(f"registration.{step}")


def _after(step: str) -> str:
    """Where to go once a step is answered: back to the check page when changing an answer."""
    return _step_url("check" if request.args.get("change") else signup.next_step(step))


def _back(step: str) -> str:
    if request.args.get("change") and step != "check":
        return _step_url("check")
    previous = signup.previous_step(step)
    return _step_url(previous) if previous else url_for("registration.join")


def _page(step: str, status=200, **context):
    return render(
        f"registration/signup/{step}.html",
        step_number=STEP_NUMBERS[step],
        back_url=_back(step),
        action=url_for(f"registration.{step}", change=request.args.get("change")),
        check_url=url_for("registration.check_field", step=step) if step in CHECKED else None,
        status=status,
        **context,
    )


@bp.get("/join")
def join():
    """What signing up asks for, and the button to start (or to go on with a started one)."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    return render("registration/signup/join.html", started=_draft() is not None)


@bp.post("/join")
@limiter.limit(lambda: current_app.config["SIGNUP_LIMIT_PER_ADDRESS"], scope="sign-up")
def start():
    """Start a sign-up: a new draft, kept for a day (starting again drops the old one)."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    old = _draft()
    if old is not None:
        drafts.discard_draft(old)
    _draft_obj, token = drafts.start_draft(now=now())
    session[DRAFT_KEY] = token
    return redirect(_step_url("about"))


def _simple_step(step: str, defaults: dict | None = None, **context):
    draft = _draft()
    if draft is None:
        return _no_draft()
    if request.method == "POST":
        form = signup.FORMS[step]()
        if step == "area":
            form.set_areas(signup.all_areas(), current_lang())
        if form.validate():
            drafts.save_answers(draft, step, signup.typed_values(form), now=now())
            return redirect(_after(step))
    else:
        values = draft.answers.get(step) or defaults
        form = signup.form_from(step, values, areas=signup.all_areas(), lang=current_lang())
    return _page(step, form=form, status=422 if form.errors else 200, **context)


@bp.route("/join/about", methods=["GET", "POST"])
def about():
    """Step 1: name, reading in kana, and the name shown on the site."""
    return _simple_step("about")


@bp.route("/join/contact", methods=["GET", "POST"])
def contact():
    """Step 2: phone and/or e-mail, postal code and address."""
    return _simple_step("contact")


@bp.route("/join/area", methods=["GET", "POST"])
def area():
    """Step 3: the home area, suggested from the postal code."""
    draft = _draft()
    postal = ((draft.answers if draft else {}).get("contact") or {}).get("postal_code")
    form = signup.form_from("contact", {"postal_code": postal} if postal else None)
    form.postal_code.validate(form)
    suggested = suggest_area(form.postal_code.data) if not form.postal_code.errors else None
    defaults = {"area_id": str(suggested.id)} if suggested else None
    return _simple_step("area", defaults, suggested=suggested)


@bp.route("/join/consents", methods=["GET", "POST"])
def consents():
    """Step 6: the terms, the privacy notice and the insurance notice."""
    return _simple_step("consents")


def _add_entry(draft, step: str, form):
    """A redirect once the step is answered, or None to show the form again (with errors).

    "Continue" with empty fields goes on; with filled fields it adds them first. "Add" adds
    and stays, for one more."""
    adding = request.form.get("action") == "add"
    typed = signup.typed_values(form)
    if not typed and not adding:
        entries = None  # nothing to add
    elif form.validate():
        entries = [*draft.answers.get(step, []), typed]
    else:
        return None
    drafts.save_answers(draft, step, entries or list(draft.answers.get(step, [])), now=now())
    if adding:
        flash(_("Added. You can add another, or continue."), "success")
        return redirect(url_for(f"registration.{step}", change=request.args.get("change")))
    return redirect(_after(step))


def _list_step(step: str):
    """Other adults or children, one at a time (see _add_entry)."""
    draft = _draft()
    if draft is None:
        return _no_draft()
    form = signup.FORMS[step]() if request.method == "POST" else signup.FORMS[step](formdata=None)
    if request.method == "POST":
        done = _add_entry(draft, step, form)
        if done is not None:
            return done
    listed = [signup.form_from(step, values) for values in draft.answers.get(step, [])]
    for entry in listed:
        entry.validate()
    return _page(step, form=form, listed=listed, status=422 if form.errors else 200)


@bp.route("/join/adults", methods=["GET", "POST"])
def adults():
    """Step 4: other adults living in the household (optional)."""
    return _list_step("adults")


@bp.route("/join/children", methods=["GET", "POST"])
def children():
    """Step 5: the children, with their year and month of birth."""
    return _list_step("children")


@bp.post("/join/<any(adults, children):step>/<int:index>/remove")
def remove_entry(step: str, index: int):
    """Take one adult or child off the list."""
    draft = _draft()
    if draft is None:
        return _no_draft()
    entries = list(draft.answers.get(step, []))
    if not 0 <= index < len(entries):
        abort(404)
    del entries[index]
    drafts.save_answers(draft, step, entries, now=now())
    flash(_("Removed."), "success")
    return redirect(url_for(f"registration.{step}", change=request.args.get("change")))


@bp.route("/join/check", methods=["GET", "POST"])
def check():
    """Check your answers, with a link to change each; sending it creates the account."""
    draft = _draft()
    if draft is None:
        return _no_draft()
    result = signup.review(draft, lang=current_lang())
    if result.incomplete:
        return redirect(_step_url(result.incomplete))
    problem = None
    if request.method == "POST":
        try:
            person = signup.complete_signup(draft, result, now=now())
        except RegistrationError as error:
            problem = error.code
        else:
            session.pop(DRAFT_KEY, None)
            sign_in_fresh(person)
            flash(_("Welcome! Your member number is %(n)s.", n=person.member_number), "success")
            return redirect(url_for("login_cards.welcome"))
    return _page("check", review=result, problem=problem, status=422 if problem else 200)


@bp.post("/join/check-field/<any(about, contact, adults, children):step>")
def check_field(step: str):
    """htmx: check the field just left, with the step's own rules; returns that field."""
    form = signup.FORMS[step]()
    fragment = render_checked_field(
        form,
        request.headers.get("HX-Trigger-Name"),
        check_url=url_for("registration.check_field", step=step) if step in CHECKED else None,
    )
    if fragment is None:
        abort(404)
    return fragment
