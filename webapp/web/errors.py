"""Friendly error pages in both languages. A 500 never shows a traceback."""

from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..extensions import db

HANDLED = (400, 403, 404, 405, 413, 429, 500)

FALLBACK_500 = (
    "<!doctype html><html lang=ja><meta charset=utf-8><title>エラー / Error</title>"
    "<h1>問題が発生しました / Something went wrong</h1>"
    "<p>しばらくしてからもう一度お試しください。 / Please try again in a moment.</p></html>"
)


def _error_response(code: int, error=None):
    try:
        body = render_template(
            "errors/error.html", code=code, error=error, allowed=_allowed_methods(error)
        )
    except Exception:  # the error page itself must never fail
        if code != 500:
            raise
        body = FALLBACK_500
    response_headers = {}
    hx = getattr(request, "htmx", None)
    if hx:
        # Show the error page in place of the whole page, not inside a small fragment.
        response_headers.update({"HX-Retarget": "body", "HX-Reswap": "innerHTML"})
    if code == 405 and error is not None and getattr(error, "valid_methods", None):
        response_headers["Allow"] = ", ".join(error.valid_methods)
    return body, code, response_headers


def _allowed_methods(error):
    return getattr(error, "valid_methods", None)


def handle_http_error(error: HTTPException):
    """Unexpected exceptions arrive here as InternalServerError, after Flask has logged them."""
    if error.code not in HANDLED:
        return error
    if error.response is not None:  # a view built its own answer (e.g. the sign-in page at 429)
        return error.response
    if error.code == 500:
        db.session.rollback()
    return _error_response(error.code, error)


def handle_csrf_error(error: CSRFError):
    return _error_response(400, error)


def init_app(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
