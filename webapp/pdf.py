"""Printed documents: ordinary templates rendered to PDF by WeasyPrint.

`render_pdf(template, **context)` renders `templates/print/...` with A4 `@page` CSS and the
IPAGothic font. WeasyPrint only ever reads the app's own static files: the URL fetcher maps
`/static/...` and `/assets/...` URLs of a placeholder host to files under `static/`, accepts
`data:` URLs we generate ourselves, and refuses everything else (`file:`, the network,
anything outside `static/`), failing closed.

WeasyPrint takes about a second to import: it is imported on the first document, once per
worker, not at start-up and not per request.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template, request
from markupsafe import Markup

BASE_URL = "https://otagai.print/"
_weasyprint = None


def _wp():
    global _weasyprint
    if _weasyprint is None:
        import weasyprint

        _weasyprint = weasyprint
    return _weasyprint


class RefusedURL(ValueError):
    pass


def resolve_static(url: str, static_folder: str) -> Path:
    """The file under static/ that `url` names; RefusedURL for anything else."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL:
        raise RefusedURL(url)
    path = unquote(parts.path)
    root = Path(static_folder).resolve()
    if path.startswith("/static/"):
        relative = path.removeprefix("/static/")
    elif path.startswith("/assets/"):
        manifest = current_app.extensions["otagai_assets"][1]
        relative = manifest.get(path.removeprefix("/assets/"), "")
    else:
        raise RefusedURL(url)
    target = (root / relative).resolve()
    if not relative or not target.is_relative_to(root) or not target.is_file():
        raise RefusedURL(url)
    return target


def make_fetcher(static_folder: str):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            target = resolve_static(url, static_folder)
            mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=target.read_bytes(), headers={"Content-Type": mime})

    return StaticOnlyFetcher(allowed_protocols={"https", "data"}, allow_redirects=False)


def render_pdf_from_html(html: str) -> bytes:
    weasyprint = _wp()
    fetcher = make_fetcher(current_app.static_folder)
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return document.write_pdf()


def render_pdf(template: str, **context) -> bytes:
    html = render_template(template, pdf=True, **context)
    return render_pdf_from_html(html)


def pdf_response(template: str, filename: str, **context):
    """The document as a PDF download, or as HTML with `?format=html` to design it."""
    if request.args.get("format") == "html":
        return render_template(template, pdf=False, **context)
    body = render_pdf(template, **context)
    response = current_app.response_class(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def qr_svg(data: str, *, scale: int = 6, border: int = 4) -> Markup:
    """A QR code as inline SVG: prints sharply and needs no fetching."""
    import segno

    svg = segno.make(data, error="m").svg_inline(scale=scale, border=border)
    return Markup(svg)  # noqa: S704  (segno writes the SVG and escapes the data itself)


def init_app(app) -> None:
    app.jinja_env.globals["qr_svg"] = qr_svg
