"""Test data builders: the same ones the demo seed uses (see webapp/builders.py)."""

from webapp.builders import (  # noqa: F401
    add_membership,
    make_area,
    make_child,
    make_connection,
    make_help_request,
    make_household,
    make_offer,
    make_person,
    password_hash,
)
