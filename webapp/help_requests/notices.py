"""Notification kinds of requests and their wording. Every transition tells someone."""

from flask_babel import lazy_gettext as _l

from ..notifications.services import notify, register_kind

KINDS = {
    "help_request.new": (
        _l("New request: %(title)s"),
        _l("%(name)s is asking for help. Open the request to see if you can help."),
    ),
    "help_request.offered": (
        _l("%(name)s offered to help: %(title)s"),
        _l("Open the request to read their message and choose your helper."),
    ),
    "help_request.accepted": (
        _l("%(name)s will help: %(title)s"),
        _l("%(name)s said yes to your request. Open it to see the next steps."),
    ),
    "help_request.chosen": (
        _l("You were chosen to help: %(title)s"),
        _l("%(name)s chose you. Open the request to see all the details."),
    ),
    "help_request.not_chosen": (
        _l("Another helper was chosen: %(title)s"),
        _l("Thank you for offering to help %(name)s."),
    ),
    "help_request.offer_withdrawn": (
        _l("%(name)s withdrew their offer: %(title)s"),
        _l("You can choose someone else who offered, or wait for more offers."),
    ),
    "help_request.premeeting": (
        _l("Please hold a pre-meeting: %(title)s"),
        _l(
            "This is the first time you and %(name)s do this together. Meet or talk before the "
            "day, and tick the checklist on the request page."
        ),
    ),
    "help_request.premeeting_done": (
        _l("%(name)s ticked the pre-meeting checklist: %(title)s"),
        _l("When you have ticked it too, everything is ready for the day."),
    ),
    "help_request.reported": (
        _l("Please confirm the report: %(title)s"),
        _l("%(name)s filed the activity report. Check it and confirm it."),
    ),
    "help_request.completed": (
        _l("Completed: %(title)s"),
        _l("%(name)s confirmed your report. Thank you for helping."),
    ),
    "help_request.cancelled": (
        _l("Request cancelled: %(title)s"),
        _l("%(name)s cancelled. Reason: %(reason)s"),
    ),
    "help_request.expired": (
        _l("Your request ended without a helper: %(title)s"),
        _l("Nobody was chosen before the start time. You are welcome to ask again."),
    ),
}

for _name, (_subject, _body) in KINDS.items():
    register_kind(_name, subject=_subject, body=_body)


def request_url(help_request) -> str:
    return f"/help-requests/{help_request.id}"


def tell(person, kind: str, help_request, *, name: str, **data):
    """Notify `person` about `help_request` (its title and area go with every notice)."""
    return notify(
        person,
        kind,
        url=request_url(help_request),
        area_id=help_request.area_id,
        title=help_request.title,
        name=name,
        **data,
    )
