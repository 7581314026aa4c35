"""Static files with a content hash in their name, cached by browsers for a year.

`asset_url('css/app.css')` gives `/assets/css/app.3f2a1b9c0d.css`; a changed file gets a new
name, so browsers on slow phones download each version exactly once.
"""

import hashlib
from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory, url_for

bp = Blueprint("assets", __name__)
ONE_YEAR = 365 * 24 * 3600


def _fingerprinted(path: str, digest: str) -> str:
    stem, dot, ext = path.rpartition(".")
    return f"{stem}.{digest}.{ext}" if dot else f"{path}.{digest}"


def build_manifest(static_folder: str) -> tuple[dict[str, str], dict[str, str]]:
    forward, backward = {}, {}
    root = Path(static_folder)
    for file in sorted(root.rglob("*")):
        if not file.is_file():
            continue
        rel = file.relative_to(root).as_posix()
        digest = hashlib.sha256(file.read_bytes()).hexdigest()[:10]
        name = _fingerprinted(rel, digest)
        forward[rel] = name
        backward[name] = rel
    return forward, backward


def asset_url(path: str) -> str:
    if current_app.debug:  # files change while developing: hash them afresh
        forward = build_manifest(current_app.static_folder)[0]
        return url_for("assets.serve", name=forward.get(path, path))
    urls = current_app.extensions["otagai_asset_urls"]  # every page asks for the same few
    if path not in urls:
        forward = current_app.extensions["otagai_assets"][0]
        urls[path] = url_for("assets.serve", name=forward.get(path, path))
    return urls[path]


@bp.get("/assets/<path:name>")
def serve(name: str):
    """A fingerprinted static file, cacheable for a year."""
    backward = current_app.extensions["otagai_assets"][1]
    if current_app.debug:
        backward = build_manifest(current_app.static_folder)[1]
    real = backward.get(name)
    if real is None:
        abort(404)
    response = send_from_directory(current_app.static_folder, real, max_age=ONE_YEAR)
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response


def init_app(app) -> None:
    app.extensions["otagai_assets"] = build_manifest(app.static_folder)
    app.extensions["otagai_asset_urls"] = {}
    app.register_blueprint(bp)
    app.jinja_env.globals["asset_url"] = asset_url
