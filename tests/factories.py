"""Test data builders: the same ones the demo seed uses (see webapp/builders.py)."""

from webapp.builders import (  # noqa: F401
    add_membership,
    issue_login_card,
    make_applicant,
    make_area,
    make_child,
    make_connection,
    make_draft,
    make_event,
    make_help_request,
    make_household,
    make_offer,
    make_person,
    make_signup,
    make_training_module,
    make_training_record,
    password_hash,
)
