"""Who is told what about their signup, and how.

A member is told through `notify` (in the site, and by e-mail when they have an address); a
guest with an e-mail address by `queue_email`; a guest without one (or when the site sends no
e-mail) goes on the supporters' phone follow-up list with `ask_for_call`.
"""

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..i18n import format_datetime_long
from ..notifications.services import ask_for_call, notify, queue_email, register_kind
from .models import Event, Signup

PROMOTED = "event.promoted"
SIGNED_UP = "event.signed_up"
EVENT_CANCELLED = "event.cancelled"

register_kind(
    PROMOTED,
    subject=_l("You have a place at %(title)s"),
    body=_l(
        "A place became free at %(title)s on %(date)s, and it is yours: your signup code is "
        "%(code)s. If you cannot come, please cancel so that the next person can."
    ),
)
register_kind(
    SIGNED_UP,
    subject=_l("Signup received: %(title)s"),
    body=_l(
        "Thank you for signing up for %(title)s on %(date)s. Your signup code is %(code)s "
        "(%(status)s). Keep it: with your phone number it lets you cancel."
    ),
)
register_kind(
    EVENT_CANCELLED,
    subject=_l("Cancelled: %(title)s"),
    body=_l("We are sorry: %(title)s on %(date)s has been cancelled."),
)


def event_path(event: Event) -> str:
    """The public page of the event, as a path (works outside requests too)."""
    return current_app.url_map.bind("").build("events.show", {"event_id": event.id})


def _data(signup: Signup, locale: str) -> dict:
    event = signup.event
    return {
        "title": event.title,
        "date": format_datetime_long(event.starts_at, locale),
        "code": signup.code,
    }


def tell(signup: Signup, kind: str, **extra) -> None:
    """Tell the person behind `signup` about `kind`, by the best way they can be reached."""
    event = signup.event
    url = event_path(event)
    if signup.person is not None:
        locale = signup.person.locale or signup.locale
        notify(
            signup.person, kind, url=url, area_id=event.area_id, **_data(signup, locale), **extra
        )
        return
    data = {**_data(signup, signup.locale), **extra}
    if signup.email and queue_email(signup.email, kind, locale=signup.locale, url=url, **data):
        return
    if signup.phone:
        ask_for_call(
            area_id=event.area_id,
            name=signup.name,
            phone=signup.phone,
            kind=kind,
            url=url,
            locale=signup.locale,
            **data,
        )


def confirm_by_email(signup: Signup, status_label: str) -> None:
    """A guest who gave an e-mail address gets their code by e-mail (nobody is phoned)."""
    if signup.person is None and signup.email:
        queue_email(
            signup.email,
            SIGNED_UP,
            locale=signup.locale,
            url=event_path(signup.event),
            **_data(signup, signup.locale),
            status=status_label,
        )
