"""CPU time per request of each key page, in process (Flask's test client, no HTTP), and
optionally where it goes (cProfile). For working on a page's speed between benchmark runs:
CPU time, unlike wall time, barely moves when other work shares the machine.

    .venv/bin/python -m bench.cpu DATABASE_URL ACCOUNTS_JSON [--only TEXT] [--profile N]

DATABASE_URL is a seeded copy (e.g. `sqlite:///bench/data/run.sqlite3`, which `bench/run`
leaves behind, migrated and seeded); ACCOUNTS_JSON the seed's accounts file. `--only` keeps
the pages whose URL contains TEXT; `--profile N` prints the N costliest functions of each.
"""

import argparse
import cProfile
import json
import pstats
import re
import time
from pathlib import Path

from sqlalchemy.engine import make_url

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def key_pages(a: dict) -> list[tuple[str | None, str]]:
    """(who, URL) of the benchmark's GET pages (bench/pages.py has the same list)."""
    return [
        ("member", "/"),
        ("member", "/help-requests"),
        ("member", f"/help-requests/{a['request_id']}"),
        ("member", f"/threads/{a['thread_id']}"),
        (None, f"/events/{a['open_event_id']}"),
        ("coordinator", f"/manage/events/{a['full_event_id']}/check-in"),
        ("coordinator", f"/dashboard/areas/{a['area_id']}"),
        ("admin", "/dashboard"),
        ("coordinator", f"/dashboard/areas/{a['area_id']}/figures.csv"),
    ]


def signed_in(app, accounts: dict, who: str | None):
    client = app.test_client()
    if who is not None:
        token = TOKEN.search(client.get("/sign-in").get_data(as_text=True)).group(1)
        data = {"identifier": accounts[who], "password": accounts["password"], "csrf_token": token}
        assert client.post("/sign-in", data=data).status_code == 302, f"{who} cannot sign in"
    return client


def cpu_ms(client, url: str, runs: int) -> tuple[float, int, int]:
    """Median-free, simple: CPU milliseconds per request over `runs` after a warm-up."""
    for _ in range(5):
        client.get(url)
    started = time.process_time()
    for _ in range(runs):
        response = client.get(url)
    return (time.process_time() - started) / runs * 1000, response.status_code, len(response.data)


def absolute(database_url: str) -> str:
    """A relative SQLite path taken from the current folder, as the shell means it
    (Flask-SQLAlchemy would take it from the app's instance folder)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        url = url.set(database=str(Path(url.database).resolve()))
    return url.render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("accounts")
    parser.add_argument("--only", default="")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args()

    from webapp import create_app

    accounts = json.load(open(args.accounts, encoding="utf-8"))  # noqa: SIM115
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": absolute(args.database_url), "RATELIMIT_ENABLED": False}
    )
    clients: dict = {}
    for who, url in key_pages(accounts):
        if args.only not in url:
            continue
        client = clients.get(who) or clients.setdefault(who, signed_in(app, accounts, who))
        ms, status, size = cpu_ms(client, url, args.runs)
        print(f"{ms:7.2f} ms CPU  {status}  {size:7d} B  {who or 'guest':11s} {url}")
        if args.profile:
            profiler = cProfile.Profile(time.process_time)
            for _ in range(args.runs):
                profiler.runcall(client.get, url)
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
