"""Notifications: what needs someone's attention, in the site, by e-mail, or by a phone call.

Every domain calls `notify(person, kind, ...)` (members) or `ask_for_call(...)` (people without
an account, e.g. a guest who signed up for an event). Messages are written in the recipient's
language from the kind's registered wording, at the moment they are shown or queued.
"""
