"""Absolute addresses for things that leave the site: QR codes on paper, calendar files.

The site's public address (SITE_URL) when it is set, otherwise the address the request came
in on (so that a flyer printed from a test server points back at it).
"""

from flask import current_app, request, url_for


def site_base() -> str:
    configured = (current_app.config.get("SITE_URL") or "").rstrip("/")
    return configured or request.host_url.rstrip("/")


def absolute_url(endpoint: str, **values) -> str:
    return site_base() + url_for(endpoint, **values)
