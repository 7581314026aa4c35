"""The site as production runs it: two gunicorn servers (two workers each) on one SQLite file
and one Redis. Writes that read first never fail with "database is locked", and failed
sign-ins are counted together whichever worker answers them."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# A Redis database of its own: the test empties it, as sign-in counts are kept by person id.
REDIS_URL = "redis://127.0.0.1:6379/15"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "a-long-secret"  # noqa: S105  (a throwaway database)

pytestmark = pytest.mark.slow


def _redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    return client


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Two servers, one database, one Redis: (base URLs, member numbers of two admins)."""
    tmp_path = tmp_path_factory.mktemp("site")
    redis = _redis()
    redis.flushdb()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "SECRET_KEY": "workers-test-secret",
        "OTAGAI_INSTANCE_DIR": str(tmp_path),
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "SIGNIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
        "FLASK_APP": "webapp",
    }
    env.pop("OTAGAI_ENV", None)
    flask = [str(BIN / "flask")]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    numbers = []
    for name in ("管理 一郎", "管理 二郎"):
        made = subprocess.run(
            [*flask, "create-admin", "--name", name, "--display-name", name, "--password",
             PASSWORD],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        numbers.append(re.search(r"(\d{8})", made.stdout).group(1))
    servers, urls = [], []
    for _ in range(2):
        port = _free_port()
        servers.append(
            subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "webapp:create_app()",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )  # fmt: skip
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            _wait_for(url)
        yield urls, numbers
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
        redis.flushdb()


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/health", timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer on {url}")
            time.sleep(0.2)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Device:
    """One browser: its own cookies and form token; any server may answer it."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.token = None

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=30) as response:
            html = response.read().decode()
        self.token = CSRF.search(html).group(1)
        return html

    def post(self, url: str, data: dict) -> int:
        body = urllib.parse.urlencode({**data, "csrf_token": self.token}).encode()
        try:
            with self.opener.open(url, data=body, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as answer:
            return answer.code

    def sign_in(self, base: str, number: str, password: str = PASSWORD) -> int:
        self.get(base + "/sign-in")
        return self.post(base + "/sign-in", {"identifier": number, "password": password})


def test_failed_sign_ins_are_counted_together_across_servers(site):
    (first, second), (_, number) = site
    device = Device()
    for base in (first, second, first):
        assert device.sign_in(base, number, "wrong-password") == 422
    # Three wrong passwords, spread over both servers: the account waits, on either.
    assert device.sign_in(second, number) == 429
    assert Device().sign_in(first, number) == 429


def test_read_then_write_on_two_servers_never_fails(site):
    (first, second), (number, _) = site
    admin = Device()
    assert admin.sign_in(first, number) == 302
    admin.get(first + "/areas/new")
    area = {
        "name": "美園",
        "thank_you_min_yen": "500",
        "thank_you_max_yen": "700",
        "insured_age_min": "1",
        "insured_age_max": "18",
        "request_audience": "connections",
    }
    assert admin.post(first + "/areas/new", area) == 302

    desks = [Device() for _ in range(6)]
    for n, desk in enumerate(desks):
        assert desk.sign_in((first, second)[n % 2], number) == 302
    statuses: list[int] = []
    lock = threading.Lock()

    def work(n: int, desk: Device) -> None:
        for i in range(8):
            base = (first, second)[(n + i) % 2]
            desk.get(base + "/areas/1/edit")
            status = desk.post(
                base + "/areas/1/edit", {**area, "thank_you_max_yen": str(700 + n * 10 + i)}
            )
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=work, args=(n, d)) for n, d in enumerate(desks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [302] * 48
