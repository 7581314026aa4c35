"""What each EventError code says to people, and next to which field of a form."""

from flask_babel import gettext as _

from .errors import EventError

# code: (field name or None for the whole form, message)
MESSAGES = {
    "not_open": (None, lambda e: _("This event is not taking signups.")),
    "deadline_passed": (None, lambda e: _("The signup deadline has passed.")),
    "already_started": (None, lambda e: _("The event has already started.")),
    "already_signed_up": (
        "phone",
        lambda e: _("This person or phone number is already signed up for this event"),
    ),
    "party_too_large": (
        "adults",
        lambda e: _("This is more people than the event has places: please phone the organiser"),
    ),
    "not_found": (
        "code",
        lambda e: _("No signup matches this code and phone number: check both and try again"),
    ),
    "already_cancelled": ("code", lambda e: _("This signup is already cancelled")),
    "capacity_below_taken": (
        "capacity",
        lambda e: _(
            "%(taken)s places are already taken: enter %(taken)s or more",
            taken=e.details.get("taken", 0),
        ),
    ),
    "bad_transition": (None, lambda e: _("The event cannot change to that state now.")),
    "already_ended": (None, lambda e: _("The event is over: it cannot be published.")),
    "person_not_found": (
        "identifier",
        lambda e: _("No account found: check the number"),
    ),
    "person_ambiguous": (
        "identifier",
        lambda e: _("Several people share this phone number: enter their member number instead"),
    ),
    "not_a_supporter": ("identifier", lambda e: _("This person is not a supporter")),
    "already_staff": ("identifier", lambda e: _("This supporter already helps with this event")),
    "not_staff": (None, lambda e: _("This person does not help with this event.")),
    "not_an_image": (
        "picture",
        lambda e: _("This file is not a picture: choose a JPEG, PNG, GIF or WebP file"),
    ),
    "image_too_large": (
        "picture",
        lambda e: _("This picture is too large: choose one under 40 million pixels"),
    ),
    "cannot_check_in": (None, lambda e: _("A cancelled signup cannot be checked in.")),
}


def error_message(error: EventError) -> str:
    entry = MESSAGES.get(error.code)
    return entry[1](error) if entry else error.code


def apply_error(form, error: EventError) -> None:
    """Put the message next to its field (or at the top of the form)."""
    field_name, message = MESSAGES.get(error.code, (None, lambda e: e.code))
    field = getattr(form, field_name, None) if field_name else None
    if field is not None:
        field.errors = [*field.errors, message(error)]
    else:
        form.form_errors.append(message(error))
