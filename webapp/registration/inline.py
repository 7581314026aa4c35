"""Inline checks: a field is checked with htmx as soon as it is left, by the same form and
the same rules as sending the whole page; only that field's part of the page comes back.

`FIELD_OPTIONS` says how each field is drawn (width, autocomplete, input mode), so that the
page and the fragment that replaces one of its fields draw it alike.
"""

from flask import render_template

from ..clock import today
from ..i18n import current_lang
from .forms import NUMBERS
from .services import suggest_area

# Name fields of other people (adults, children) must not be filled in with the user's own.
OWN = {
    "name": {"width": "medium", "attrs": {"autocomplete": "name"}},
    "kana": {"width": "medium", "attrs": {"autocomplete": "off"}},
}
OTHERS = {
    "name": {"width": "medium", "attrs": {"autocomplete": "off"}},
    "kana": {"width": "medium", "attrs": {"autocomplete": "off"}},
}
COMMON = {
    "display_name": {"width": "medium", "attrs": {"autocomplete": "nickname"}},
    "phone": {"width": "medium", "attrs": {"autocomplete": "tel", "inputmode": "tel"}},
    "email": {
        "width": "medium",
        "attrs": {"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
    },
    "postal_code": {"width": "short", "attrs": {"autocomplete": "postal-code"}},
    "address": {"width": None, "attrs": {"autocomplete": "address-line1"}},
    "birth_year": {"width": "short", "attrs": {"autocomplete": "off"}},
    "birth_month": {"width": "short", "attrs": {"autocomplete": "off", "inputmode": "numeric"}},
    "care_notes": {"width": None, "attrs": {}},
}


def field_options(form, field) -> dict:
    """Width and input attributes of a registration field (also inside help-desk rows)."""
    others = getattr(form, "about_others", False) or field.name.startswith(("adult_", "child_"))
    table = {**COMMON, **(OTHERS if others else OWN)}
    options = dict(table.get(field.short_name, {"width": None, "attrs": {}}))
    # The help-desk page prints the paper form's numbers before its labels.
    options["number"] = NUMBERS.get(field.name) if getattr(form, "numbered", False) else None
    return options


def find_field(form, name: str | None):
    """The field called `name` in `form`, including fields of rows ("child_1-name")."""
    if not name:
        return None
    if name in form:
        return form[name]
    head, _, tail = name.partition("-")
    if head in form and form[head].type == "FormField" and tail in form[head].form:
        return form[head][tail]
    return None


def postal_code_suggestion(field, *, desk_area=None) -> str | None:
    """Words under a valid postal code: the area it belongs to (at a desk: when that is not
    the desk's area)."""
    from flask_babel import gettext as _

    if field.short_name != "postal_code" or field.errors or not field.data:
        return None
    area = suggest_area(field.data)
    if area is None:
        return None
    name = area.display_name(current_lang())
    if desk_area is None:
        return _("This postal code is in the area %(area)s.", area=name)
    if area.id != desk_area.id:
        return _("This postal code looks like the area %(area)s, not this one.", area=name)
    return None


def render_checked_field(form, name: str | None, *, check_url: str, desk_area=None):
    """The fragment for one field after checking the whole form, or None for an unknown
    field. Errors of other fields are not shown: they have not been left yet."""
    field = find_field(form, name)
    if field is None:
        return None
    form.validate()
    return render_template(
        "registration/_checked_field.html",
        form=form,
        field=field,
        check_url=check_url,
        suggestion=postal_code_suggestion(field, desk_area=desk_area),
        today=today(),
    )
