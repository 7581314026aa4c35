"""htmx helpers: one view serves a full page or, to htmx, just the fragment that changed.

A fragment is only returned to a real htmx request that is neither a boosted navigation nor
a history restore: those two replace the whole page and need the full document.
"""

from flask import render_template, request


def is_partial() -> bool:
    hx = getattr(request, "htmx", None)
    return bool(hx) and not hx.boosted and not hx.history_restore_request


def render(page: str, partial: str | None = None, *, status: int = 200, **context):
    """Render `page`, or `partial` for an htmx fragment request.

    The page template always includes the partial, so the two never drift apart.
    """
    template = partial if partial and is_partial() else page
    return render_template(template, **context), status


def add_vary_header(response):
    # The same URL answers htmx with a fragment and browsers with a page: caches must know.
    response.vary.add("HX-Request")
    return response


def init_app(app) -> None:
    app.after_request(add_vary_header)
