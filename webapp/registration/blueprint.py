"""The registration blueprint: self sign-up (/join) and the help desk (/help-desk)."""

from flask import Blueprint

bp = Blueprint("registration", __name__)
