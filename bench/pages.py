"""The key pages of issue 7, their URLs (from the routes), who loads them, and how.

Each page is probed once before its loads and once after: a page that does not answer as
expected is reported (e.g. "missing (404)") instead of measured, and a load is never counted
if it measured redirects to the sign-in page.
"""

import os
from dataclasses import dataclass

from . import wrk
from .client import Answer, Browser, csrf_token, next_link
from .data_sets import Accounts
from .report import PageResult


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    who: str  # member, coordinator, admin or guest
    method: str = "GET"

    @property
    def expected(self) -> tuple[int, ...]:
        return (200,) if self.method == "GET" else (302, 303)


def deep_page(member: Browser, *, page: int) -> tuple[str, int]:
    """Follow the list's "next page" links (keyset pagination has no page numbers) up to
    `page`; the URL of the last page reached and its number."""
    path, number = "/help-requests", 1
    while number < page:
        following = next_link(member.get(path).text, path)
        if following is None:
            break
        path, number = following, number + 1
    return path, number


def key_pages(accounts: Accounts, *, deep_path: str, deep_number: int) -> list[Page]:
    a = accounts
    pages = [
        Page("home, signed-in member", "/", "member"),
        Page("requests I can help with, page 1", "/help-requests", "member"),
        Page(f"requests I can help with, page {deep_number}", deep_path, "member"),
        Page("a request with its thread", f"/help-requests/{a.request_id}", "member"),
    ]
    if a.thread_id:
        pages.append(Page("the request's conversation", f"/threads/{a.thread_id}", "member"))
    pages += [
        Page("public event page", f"/events/{a.open_event_id}", "guest"),
        Page("event signup (guest POST)", f"/events/{a.open_event_id}/sign-up", "guest", "POST"),
        Page(
            "check-in list, 200 signups", f"/manage/events/{a.full_event_id}/check-in",
            "coordinator",
        ),
        Page("dashboard, one area", f"/dashboard/areas/{a.area_id}", "coordinator"),
        Page("dashboard, all areas (admin)", "/dashboard", "admin"),
        Page("area CSV export", f"/dashboard/areas/{a.area_id}/figures.csv", "coordinator"),
    ]  # fmt: skip
    return pages


class SignupPost:
    """A guest's session and form token for the signup POST, and one real signup as a probe."""

    def __init__(self, browser: Browser, page: Page):
        self.browser, self.page = browser, page
        self.token = csrf_token(browser.get(page.path).text)
        self.count = 0

    def probe(self) -> Answer:
        self.count += 1
        fields = {
            "csrf_token": self.token,
            "name": f"試験 花子 {self.count}",
            "phone": f"0701234{self.count:04d}",
            "adults": "1",
            "children": "0",
        }
        return self.browser.post_form(self.page.path, fields, referer_path=self.page.path)

    def wrk_headers(self) -> dict[str, str]:
        headers = self.browser.headers({"Referer": f"https://127.0.0.1:{self.browser.port}/"})
        headers.pop("X-Forwarded-For")  # the Lua script gives every request its own
        return headers


def measure(page: Page, browser: Browser, *, duration_s: float) -> PageResult:
    """Probe, load with 1 then 16 connections, probe again."""
    signup = SignupPost(browser, page) if page.method == "POST" else None
    probe = signup.probe if signup else lambda: browser.get(page.path)
    first = probe()
    result = PageResult(
        page.name, first.status, expected=page.expected, content_type=first.content_type
    )
    if first.status not in page.expected:
        return result
    if signup is None:
        result.served_bytes = len(first.body)
    url = f"http://127.0.0.1:{browser.port}{page.path}"
    headers = signup.wrk_headers() if signup else browser.headers()
    script = wrk.SIGNUP if signup else wrk.MEASURE
    env = {"PATH": os.environ.get("PATH", ""), "BENCH_CSRF": signup.token} if signup else None
    for connections in (1, 16):
        args = wrk.command(
            url, connections=connections, duration_s=duration_s, headers=headers, script=script
        )
        load = wrk.run(args, env=env)
        setattr(result, "c1" if connections == 1 else "c16", load)
    result.status = probe().status
    return result
