"""A small HTTP client that talks to the app as the reverse proxy would pass a browser on.

The app runs with its production settings (secure cookies, trusted X-Forwarded-* from one
proxy), so every request says it came over HTTPS, form posts carry a same-origin Referer
(Flask-WTF checks it on HTTPS), and cookies marked Secure are kept and sent back: this client
plays browser and proxy at once on the loopback.
"""

import http.client
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes  # as transferred (still compressed when Content-Encoding says so)
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()


@dataclass
class Browser:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    via_proxy_headers: bool = True  # False when a real nginx in front adds them itself

    def proxy_headers(self) -> dict[str, str]:
        if not self.via_proxy_headers:
            return {}
        return {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept-Language": "ja", **self.proxy_headers(), **(extra or {})}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        return headers

    def request(self, method: str, path: str, *, body=None, headers=None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=self.headers(headers))
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return Answer(response.status, response.headers, data, seconds)

    def get(self, path: str, **headers: str) -> Answer:
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, fields: dict[str, str], *, referer_path: str) -> Answer:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://127.0.0.1:{self.port}{referer_path}",
        }
        return self.request("POST", path, body=urlencode(fields), headers=headers)


class _Links(HTMLParser):
    """Form tokens, "next" links, and the page's stylesheets, scripts and icons."""

    def __init__(self):
        super().__init__()
        self.csrf_tokens: list[str] = []
        self.next_links: list[str] = []
        self.assets: list[str] = []  # stylesheets and scripts
        self.icons: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") == "csrf_token" and a.get("value"):
            self.csrf_tokens.append(a["value"])
        elif tag == "a" and "next" in (a.get("rel") or "").split() and a.get("href"):
            self.next_links.append(a["href"])
        elif tag == "link" and "stylesheet" in (a.get("rel") or "").split() and a.get("href"):
            self.assets.append(a["href"])
        elif tag == "link" and "icon" in (a.get("rel") or "").split() and a.get("href"):
            self.icons.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.assets.append(a["src"])


def parse_links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def csrf_token(html: str) -> str:
    tokens = parse_links(html).csrf_tokens
    if not tokens:
        raise RuntimeError("no CSRF token on the page")
    return tokens[0]


def next_link(html: str, base: str) -> str | None:
    """The path of the page's "next page" link (rel=next), if it has one."""
    links = parse_links(html).next_links
    if not links:
        return None
    parts = urlsplit(urljoin(base, links[0]))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sign_in(browser: Browser, member_number: str, password: str) -> None:
    """Through the real sign-in form, as a person would; fails loudly when refused."""
    page = browser.get("/sign-in")
    fields = {
        "csrf_token": csrf_token(page.text),
        "identifier": member_number,
        "password": password,
    }
    answer = browser.post_form("/sign-in", fields, referer_path="/sign-in")
    if answer.status not in (302, 303):
        raise RuntimeError(f"sign-in as {member_number} failed (status {answer.status})")
    home = browser.get("/")
    if 'action="/sign-out"' not in home.text:
        raise RuntimeError(f"signed in as {member_number}, but the home page does not show it")
