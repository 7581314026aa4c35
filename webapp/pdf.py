"""Printed documents: ordinary templates rendered to PDF by WeasyPrint.

`render_pdf(template, **context)` renders `templates/print/...` with A4 `@page` CSS and the
IPAGothic font. WeasyPrint only ever reads the app's own static files: the URL fetcher maps
`/static/...` and `/assets/...` URLs of a placeholder host to files under `static/`, accepts
`data:` URLs we generate ourselves, and refuses everything else (`file:`, the network,
anything outside `static/`), failing closed.

WeasyPrint takes about a second to import: it is imported on the first document, once per
worker, not at start-up and not per request. What the worker then keeps for every document
(`_engine()`):

- one font configuration: a fresh one per document would load the fonts again each time;
- a leaner user-agent stylesheet. WeasyPrint's own gives every element a `::marker` and five
  footnote and note pseudo-elements, and works out a style for each of them whether or not it
  is ever shown: six styles per table cell, about a fifth of a 200-row sheet's time and
  15 MB of its memory. Ours gives markers to list items only (the only elements shown as
  list items) and leaves out footnotes and notes, which our documents never have. It goes in
  through `HTML._ua_stylesheets`, the hook WeasyPrint's own tests use; if a new WeasyPrint
  has other rules there, WeasyPrint's stylesheet is used unchanged and a test says so.

Memory: a laid-out document is a few hundred thousand objects that point at each other (boxes
and their parents), so only Python's cycle collector frees them. While WeasyPrint builds one,
the collector would walk the growing tree again and again and free nothing (a fifth of a
200-row sheet's time); once the PDF is written, the whole tree is garbage that would
otherwise stay in memory until some later collection, under the next document. So the
collector waits while a document is built and runs once as soon as it is written
(`collected_afterwards()`), and the objects that live as long as the worker (the app,
WeasyPrint's modules) are set aside from collections (`gc.freeze()`) on the first document,
so that running it is quick.
"""

import gc
import mimetypes
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template, request
from markupsafe import Markup

BASE_URL = "https://otagai.print/"

# In WeasyPrint's user-agent stylesheet (weasyprint/css/html5_ua.css): the five footnote and
# note rules, and the `::marker` rule that applies to every element.
_NOTE_RULES = re.compile(r"^::(?:footnote|note)-[a-z]+ \{[^}]*\}\n", re.MULTILINE)
_MARKER_RULE = re.compile(r"^::marker \{", re.MULTILINE)


@dataclass(frozen=True)
class Engine:
    """What a worker keeps from one document to the next."""

    html_class: type  # weasyprint.HTML, with the leaner user-agent stylesheet when it applies
    font_config: Any  # weasyprint.text.fonts.FontConfiguration


_engine_of_this_worker: Engine | None = None


def lean_html_class(weasyprint) -> type:
    """weasyprint.HTML with the leaner user-agent stylesheet (see the module's docstring), or
    weasyprint.HTML itself if its stylesheet is not the one this was written for."""
    try:
        from weasyprint import html as ua
        from weasyprint.css.counters import CounterStyle

        stock, text = ua.UA_STYLESHEET, ua.UA
    except (ImportError, AttributeError):
        return weasyprint.HTML
    text, notes = _NOTE_RULES.subn("", text)
    text, markers = _MARKER_RULE.subn("li::marker {", text)
    if (notes, markers) != (5, 1):
        return weasyprint.HTML
    lean = weasyprint.CSS(string=text, counter_style=CounterStyle())

    class LeanHTML(weasyprint.HTML):
        def _ua_stylesheets(self, forms=False):
            return [lean if sheet is stock else sheet for sheet in super()._ua_stylesheets(forms)]

    return LeanHTML


def _engine() -> Engine:
    global _engine_of_this_worker
    if _engine_of_this_worker is None:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        _engine_of_this_worker = Engine(lean_html_class(weasyprint), FontConfiguration())
        gc.collect()
        gc.freeze()  # what is alive now lives as long as the worker: see the module's docstring
    return _engine_of_this_worker


@contextmanager
def collected_afterwards():
    """No garbage collection while the block builds a document, one full collection after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


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


def _write_pdf(engine: Engine, html: str, fetcher) -> bytes:
    document = engine.html_class(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(font_config=engine.font_config)


def render_pdf_from_html(html: str) -> bytes:
    engine = _engine()
    fetcher = make_fetcher(current_app.static_folder)
    with collected_afterwards():
        return _write_pdf(engine, html, fetcher)


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
