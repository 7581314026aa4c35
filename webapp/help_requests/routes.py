"""Request pages: lists, asking for help (form → check → post), and the request itself.

State changes (offer, choose, pre-meeting, report, confirm, cancel) are in `actions.py`.
"""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import clock
from ..areas.models import Area, Role
from ..db import write_transaction
from ..extensions import db
from ..households.models import Household
from ..offers.models import Offer
from ..offers.services import can_view as can_view_offer
from ..threads.services import threads_of
from ..web.auth import require_area_role, require_or_404, role_required
from ..web.htmx import is_partial, render
from ..web.templating import add_nav_item
from . import lifecycle, posting, queries
from .errors import HelpRequestError
from .forms import ListFilterForm, OfferToHelpForm, RequestForm
from .models import Audience, HelpRequest, RequestStatus
from .visibility import audience_includes, can_see_private_details, can_view, is_watcher

bp = Blueprint("help_requests", __name__, url_prefix="/help-requests")
add_nav_item("help_requests.index", _l("Help someone"), order=10)
add_nav_item("help_requests.mine", _l("My requests"), order=20)
add_nav_item("help_requests.watch", _l("Watching over"), role=Role.coordinator, order=60)

# Service error → (form field, message) for the request form.
POST_ERRORS = {
    "end_before_start": ("end_time", _l("The end time must be after the start time")),
    "start_passed": ("start_time", _l("Choose a time that has not passed yet")),
    "children_required": ("children", _l("Choose the children for a pick-up or childcare")),
    "unknown_child": ("children", _l("Choose from the list")),
    "audience_not_allowed": (
        "audience",
        _l(
            "In this area, pick-ups and childcare go only to people you know or to certified "
            "supporters. Choose one of those."
        ),
    ),
    "offer_not_available": ("title", _l("This offer is no longer available")),
    "own_offer": ("title", _l("This is your own offer")),
    "no_household": ("title", _l("Only members with a household can ask for help")),
}
# Asked from an offer, the audience is the offer's owner: the kind is what can be changed.
OFFER_AUDIENCE_ERROR = (
    "kind",
    _l(
        "In this area, pick-ups and childcare are asked only of people you know. Connect with "
        "this person first (at an event or a help desk), or choose another kind."
    ),
)


def _now():
    return clock.now()


def _today():
    return clock.today()


def load_request(request_id: int, *, or_audience: bool = False) -> HelpRequest:
    """The request with what its page shows; 404 unless the current person may see it.

    `or_audience` also lets through its audience after it stopped being open: a helper who
    pressed "I can help" a moment too late is told so instead of meeting a 404.
    """
    help_request = queries.request_with_offers(request_id)
    if help_request is None:
        abort(404)
    allowed = can_view(current_user, help_request, now=_now(), today=_today())
    if not allowed and or_audience:
        allowed = audience_includes(current_user, help_request, today=_today())
    require_or_404(allowed)
    return help_request


def _list_filters():
    form = ListFilterForm(request.args)
    valid = form.validate()
    kind = form.kind_value()
    day = form.day.data if valid else None
    return form, kind, day, 200 if valid else 422


@bp.get("")
@login_required
def index():
    """Requests I can help with: open, not yet started, meant for me; the soonest first."""
    form, kind, day, status = _list_filters()
    page = queries.requests_i_can_help_with(
        current_user, now=_now(), today=_today(), kind=kind, day=day, after=_after()
    )
    empty = _("There is no request for you at the moment. Thank you for looking!")
    return _list("help_requests/index.html", form, page, status, empty_text=empty)


@bp.get("/mine")
@login_required
def mine():
    """Requests I made, or those I offered to help with."""
    form, kind, day, status = _list_filters()
    role = "helping" if request.args.get("role") == "helping" else "asked"
    page = queries.my_requests(
        current_user, today=_today(), role=role, kind=kind, day=day, after=_after()
    )
    return _list(
        "help_requests/mine.html", form, page, status,
        role=role, hidden={"role": role} if role == "helping" else {},
        show_requester=role == "helping", empty_text=_("Nothing here yet."),
    )  # fmt: skip


@bp.get("/watch")
@role_required(Role.coordinator)
def watch():
    """Every request of an area, for its coordinators (watching over)."""
    area_ids = sorted(current_user.area_ids_with(Role.coordinator))
    area_id = request.args.get("area", type=int) or (area_ids[0] if area_ids else None)
    if area_id is None:  # an admin who coordinates no area
        area_id = db.session.scalar(db.select(db.func.min(Area.id)))
    require_area_role(area_id, Role.coordinator)
    form, kind, day, status = _list_filters()
    page = queries.area_requests(area_id, today=_today(), kind=kind, day=day, after=_after())
    return _list(
        "help_requests/watch.html", form, page, status,
        area=db.get_or_404(Area, area_id), hidden={"area": area_id},
        areas=db.session.scalars(db.select(Area).where(Area.id.in_(area_ids))).all(),
        empty_text=_("No requests yet."),
    )  # fmt: skip


def _after() -> str | None:
    return request.args.get("after")


def _list(template: str, filters, page, status: int, **context):
    """A list page, or (to htmx) just its filters and results."""
    now = _now()
    context = {"hidden": {}, "show_requester": True, **context}
    return render(
        template, "help_requests/_results.html",
        filters=filters, results=page, now=now, action=request.path, status=status,
        # Each name translated once per page, not once per card.
        kind_labels={k: str(k.label) for k in {r.kind for r in page.items}},
        status_labels={s: str(s.label) for s in {r.status_on(now) for r in page.items}},
        **context,
    )  # fmt: skip


def _requester_household() -> Household:
    household = current_user.household
    if household is None:
        abort(403)
    return household


def _offer_from_args() -> Offer | None:
    offer_id = request.values.get("offer", type=int) or request.form.get("offer_id", type=int)
    if not offer_id:
        return None
    offer = db.get_or_404(Offer, offer_id)
    require_or_404(can_view_offer(current_user, offer) and offer.active)
    return offer


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Ask for help: the form, then a check page (thank-you, warnings), then post."""
    household = _requester_household()
    offer = _offer_from_args()
    area = household.area
    form = RequestForm(
        household=household, offer=offer, default_audience=Audience(area.request_audience.value)
    )
    step = request.form.get("step")
    if form.is_submitted() and step != "edit" and form.validate():
        draft = form.draft({c.id: c for c in household.children})
        try:
            posting.check_draft(draft, requester=current_user, now=_now())
            if step == "post":
                posted = posting.post_request(
                    draft, requester=current_user, actor=current_user, now=_now()
                )
                flash(_("Your request is posted."), "success")
                return redirect(url_for("help_requests.show", request_id=posted.id))
        except HelpRequestError as error:
            field, message = POST_ERRORS[error.code]
            if offer is not None and field == "audience":
                field, message = OFFER_AUDIENCE_ERROR
            getattr(form, field).errors.append(message)
        else:
            warnings = posting.uninsured_children(area, draft.children, draft.day)
            return render(
                "help_requests/check.html", form=form, draft=draft, area=area, warnings=warnings
            )
    status = 422 if form.errors else 200
    return render("help_requests/new.html", form=form, area=area, offer=offer, status=status)


@bp.get("/thank-you")
@login_required
def thank_you():
    """The recommended thank-you for the times typed so far (an htmx fragment of the form)."""
    household = _requester_household()
    if not is_partial():
        return redirect(url_for("help_requests.new"))
    form = RequestForm(request.args, household=household, meta={"csrf": False})
    return render(
        "help_requests/new.html", "help_requests/_thank_you.html", form=form, area=household.area
    )


@bp.get("/<int:request_id>")
@login_required
def show(request_id: int):
    """A request: its details, and what the person looking at it can do next."""
    help_request = load_request(request_id)
    if help_request.status_on(_now()) != help_request.status:
        with write_transaction():
            lifecycle.refresh_status(help_request, now=_now())
    return show_page(help_request)


def show_page(help_request: HelpRequest, *, offer_form=None, status: int = 200):
    me, now, today = current_user, _now(), _today()
    my_offer = next((o for o in help_request.offers if o.helper_id == me.id), None)
    watching = is_watcher(me, help_request)
    may_offer = help_request.status_on(now) is RequestStatus.open and (
        # Someone neither involved nor watching got here only as its audience (load_request).
        audience_includes(me, help_request, today=today)
        if my_offer is not None or watching or me.id == help_request.requester_id
        else True
    )
    named = [help_request.requester_id, help_request.helper_id]
    return render(
        "help_requests/show.html",
        help_request=help_request,
        now=now,
        my_offer=my_offer,
        may_offer=may_offer,
        private=can_see_private_details(me, help_request),
        watching=watching,
        threads=threads_of(help_request, me),
        certified=queries.certified_supporters(
            [*named, *(o.helper_id for o in help_request.offers)], help_request.area_id, today
        ),
        offer_form=offer_form or (OfferToHelpForm() if may_offer else None),
        form=offer_form,
        status=status,
    )


# Registered on import: the state-changing routes on bp, and the daily expiry task.
from . import actions, expiry  # noqa: E402, F401
