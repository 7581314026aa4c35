"""The registration blueprint with all its views: self sign-up and the help desk."""

from flask_babel import lazy_gettext as _l

from ..text import format_postal_code
from . import desk_routes, signup_routes  # noqa: F401  (they add their views to bp)
from .blueprint import bp
from .inline import field_options

bp.add_app_template_global(field_options, "registration_field_options")
bp.add_app_template_filter(format_postal_code, "postal_code")

__all__ = ["bp"]

REGISTERED_VIA = {
    "self": _l("on their own phone"),
    "desk": _l("at the help desk"),
    "paper": _l("from a paper form"),
    "event": _l("at an exchange event"),
}
CONSENT_METHODS = {
    "online": _l("agreed on the site"),
    "paper": _l("signed the paper form"),
    "in_person": _l("agreed in person at the help desk"),
}


@bp.app_template_global()
def registered_via_label(value: str) -> str:
    return str(REGISTERED_VIA.get(value, value))


@bp.app_template_global()
def consent_method_label(value: str) -> str:
    return str(CONSENT_METHODS.get(value, value))
