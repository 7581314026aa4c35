"""Page weight as a phone receives it: each key page and the site's CSS and JavaScript,
fetched through nginx configured with the docs' gzip snippet (docs/nginx-gzip.conf).

Measuring through the real snippet is also its test: every text response at least
`gzip_min_length` long must arrive gzip-compressed, or the run reports it.
"""

import re
from pathlib import Path

from .client import Browser, parse_links
from .report import PageResult

REQUIRED_TYPES = (
    "text/css",
    "application/javascript",
    "text/javascript",
    "image/svg+xml",
    "application/json",
    "text/csv",
)


def snippet_settings(text: str) -> dict[str, list[str]]:
    """The directives of an nginx snippet, name: arguments (comments dropped)."""
    settings: dict[str, list[str]] = {}
    for statement in re.sub(r"#[^\n]*", "", text).split(";"):
        words = statement.split()
        if words:
            settings[words[0]] = words[1:]
    return settings


def min_length(snippet: Path) -> int:
    return int(snippet_settings(snippet.read_text()).get("gzip_min_length", ["20"])[0])


def _fetch(browser: Browser, path: str, gzip_types: dict[str, bool], threshold: int):
    answer = browser.get(path, **{"Accept-Encoding": "gzip"})
    if answer.status != 200:
        raise RuntimeError(f"{path} answered {answer.status} through nginx")
    compressed = answer.headers.get("Content-Encoding") == "gzip"
    if compressed or len(answer.body) >= threshold:  # shorter ones are meant to stay plain
        gzip_types[answer.content_type] = gzip_types.get(answer.content_type, True) and compressed
    return answer


def measure(
    pages: list[tuple[PageResult, str, Browser]],
    direct: Browser,
    *,
    nginx_port: int,
    snippet: Path,
) -> tuple[dict[str, tuple[int, int]], dict[str, bool]]:
    """Fill in each page's gzip size; the assets (path: served, gzip) and the types seen."""
    threshold = min_length(snippet)
    gzip_types: dict[str, bool] = {}
    asset_paths: set[str] = set()
    for result, path, browser in pages:
        via = Browser(nginx_port, dict(browser.cookies), via_proxy_headers=False)
        answer = _fetch(via, path, gzip_types, threshold)
        result.gzip_bytes = len(answer.body)
        if result.content_type == "text/html":
            html = browser.get(path).text  # the same page uncompressed, for its links
            links = parse_links(html)
            asset_paths.update(links.assets)
            asset_paths.update(links.icons)
    assets: dict[str, tuple[int, int]] = {}
    via = Browser(nginx_port, via_proxy_headers=False)
    for path in sorted(asset_paths):
        answer = _fetch(via, path, gzip_types, threshold)
        if path.endswith((".css", ".js")):
            assets[path] = (len(direct.get(path).body), len(answer.body))
    return assets, gzip_types
