"""Security headers on every response.

The Content-Security-Policy allows scripts and styles from our own origin only: no inline
script, no inline style attribute, no eval. Referrer-Policy is `same-origin` because
Flask-WTF checks the Referer of HTTPS form posts against our host; `no-referrer` would make
every form fail in production.
"""

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if response.mimetype == "text/html":
        # Pages can carry personal data: never keep them in a shared cache or the history cache.
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app) -> None:
    app.after_request(set_security_headers)
    if app.config.get("SESSION_COOKIE_SECURE"):

        def hsts(response):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            return response

        app.after_request(hsts)
