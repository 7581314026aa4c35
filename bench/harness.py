"""`bench/run`: one run, one machine, one database.

1. the scale data set (seeded once per size and kept), copied afresh for this run;
2. the floor: a bare Flask "hello" under the app's gunicorn settings, loaded with wrk; then,
   for reference, the fixed stack's least signed-in page (bench/stack.py) the same way;
3. the app, with its production settings behind a (simulated) reverse proxy: the PDFs and
   the workers' peak memory first, then each key page with 1 and 16 connections;
4. page weight through nginx with the docs' gzip snippet;
5. the table, printed and written to docs/performance.md between this database's markers,
   and every figure as JSON in bench/results/.
"""

import argparse
import dataclasses
import json
import secrets
import socket
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from . import machine, printed, report, servers, stack, weight, wrk
from .client import Browser, sign_in
from .data_sets import DataSet, clean_environment, fresh_copy, is_seeded, load_accounts, seed
from .pages import deep_page, key_pages, measure

RESULTS = servers.ROOT / "bench" / "results"
DOCS = servers.ROOT / "docs" / "performance.md"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument("--households", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=1, help="of `flask seed-scale` (default 1)")
    p.add_argument("--reseed", action="store_true", help="seed again even if a data set exists")
    p.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    p.add_argument("--duration", type=float, default=10, help="seconds per load (default 10)")
    p.add_argument("--deep-page", type=int, default=50, help="page of the list (default 50)")
    p.add_argument("--pdf-runs", type=int, default=5, help="renders per PDF (default 5)")
    p.add_argument("--pg-server", default="postgresql://postgres@127.0.0.1:5432")
    p.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/0",
        help="shared by the workers, as in production: rate limits and the dashboard's cache; "
        "'none': each worker's memory",
    )
    p.add_argument("--docs", type=Path, default=DOCS, help="where to write the table")
    p.add_argument("--no-docs", action="store_true", help="print the table only")
    return p.parse_args(argv)


def app_environment(args: argparse.Namespace) -> dict[str, str]:
    """Production settings (secure cookies, HSTS, a real secret key) behind one trusted
    proxy, which is what the benchmark's client plays: see client.py."""
    env = clean_environment()
    env.update(OTAGAI_ENV="production", SECRET_KEY=secrets.token_hex(32), OTAGAI_PROXY_COUNT="1")
    if args.redis != "none":
        parts = urlsplit(args.redis)
        try:
            socket.create_connection((parts.hostname, parts.port or 6379), timeout=2).close()
        except OSError:
            sys.exit(f"Redis does not answer at {args.redis}: start it, or pass --redis none")
        # As in production (README): the workers count sign-in limits together and share the
        # dashboard's figures, which are then drawn once a minute rather than once per worker.
        env["RATELIMIT_STORAGE_URI"] = args.redis
        env["CACHE_REDIS_URL"] = args.redis
    return env


def run_floor(args, log: Path) -> tuple[wrk.LoadResult, wrk.LoadResult]:
    port = servers.free_port()
    command = servers.gunicorn_command("bench.hello:app", port=port, workers=args.workers)
    url = f"http://127.0.0.1:{port}/"
    env = clean_environment()
    with servers.serve(command, ready_url=url, env=env, log=log):
        loads = [
            wrk.run(wrk.command(url, connections=c, duration_s=args.duration, headers={}))
            for c in (1, 16)
        ]
    return loads[0], loads[1]


def run_stack_reference(args, log: Path) -> tuple[wrk.LoadResult, wrk.LoadResult]:
    """The fixed stack's least signed-in page (bench/stack.py), same settings as the floor."""
    path = RESULTS / "stack-reference.sqlite3"
    stack.prepare(str(path))
    port = servers.free_port()
    command = servers.gunicorn_command("bench.stack:app", port=port, workers=args.workers)
    env = clean_environment()
    env.update(BENCH_STACK_DB=str(path), SECRET_KEY=secrets.token_hex(32))
    with servers.serve(command, ready_url=f"http://127.0.0.1:{port}/sign-in", env=env, log=log):
        browser = Browser(port)
        browser.get("/sign-in")
        url = f"http://127.0.0.1:{port}/"
        if browser.get("/").status != 200:
            raise RuntimeError("the stack reference did not keep its session")
        loads = [
            wrk.run(
                wrk.command(url, connections=c, duration_s=args.duration, headers=browser.headers())
            )
            for c in (1, 16)
        ]
    return loads[0], loads[1]


def run_app(args, env: dict[str, str], accounts, log: Path) -> dict:
    port = servers.free_port()
    command = servers.gunicorn_command("webapp:create_app()", port=port, workers=args.workers)
    found: dict = {}
    with servers.serve(
        command, ready_url=f"http://127.0.0.1:{port}/health", env=env, log=log
    ) as master:
        browsers = {"guest": Browser(port)}
        for who in ("member", "coordinator", "admin"):
            browsers[who] = Browser(port)
            sign_in(browsers[who], getattr(accounts, who), accounts.password)
        workers = servers.children(master.pid)
        found["pdfs"], found["peak"], found["pdf_notes"] = printed.render_all(
            browsers["coordinator"], accounts, workers=workers, runs=args.pdf_runs
        )
        deep_path, deep_number = deep_page(browsers["member"], page=args.deep_page)
        pages = key_pages(accounts, deep_path=deep_path, deep_number=deep_number)
        results = []
        for page in pages:
            browser = Browser(port) if page.method == "POST" else browsers[page.who]
            print(f"  loading: {page.name}", flush=True)
            results.append(measure(page, browser, duration_s=args.duration))
        found["pages"] = results
        weighed = [
            (r, p.path, browsers[p.who])
            for r, p in zip(results, pages, strict=True)
            if p.method == "GET" and r.status == 200
        ]
        with servers.nginx(upstream_port=port, log=log) as nginx_port:
            found["assets"], found["gzip_types"] = weight.measure(
                weighed, browsers["guest"], nginx_port=nginx_port, snippet=servers.GZIP_SNIPPET
            )
        found["deep"] = (deep_path, deep_number)
    return found


def context_lines(args, data: DataSet, deep: tuple[str, int], when: datetime) -> list[str]:
    limits = "Redis" if args.redis != "none" else "each worker's memory"
    limits = f"rate limits and the dashboard's cache in {limits}"
    return [
        f"Measured {when:%Y-%m-%d %H:%M} UTC at commit {machine.commit()}.",
        f"Machine: {machine.machine()}.",
        f"Versions: {machine.versions(args.pg_server)}.",
        f"Data: `flask seed-scale --households {data.households} --seed {data.seed}`, "
        f"a fresh copy for the run; the deep page is page {deep[1]} (`{deep[0]}`).",
        f"Server: gunicorn with {args.workers} workers (the floor too), production settings "
        f"behind one proxy, {limits}; wrk for {args.duration:g} s per load; "
        f"PDFs: median of {args.pdf_runs} after one warm-up per worker; 1 KB = 1,024 bytes.",
    ]


def main(argv: list[str] | None = None) -> int:
    try:
        return measure_and_report(parse_args(argv))
    except subprocess.CalledProcessError as error:
        print(f"bench/run: {' '.join(error.cmd)} failed (exit status {error.returncode})")
        return 1


def measure_and_report(args: argparse.Namespace) -> int:
    data = DataSet(args.db, args.households, args.seed, args.pg_server)
    if not args.no_docs:  # wrong markers fail now, not after minutes of measuring
        report.replace_section(args.docs.read_text(), args.db, "")
    env = app_environment(args)
    if args.reseed or not is_seeded(data, today=date.today()):
        print(f"Seeding {data.stem} (kept for later runs)...", flush=True)
        seed(data, env)
    accounts = load_accounts(data.accounts_file)
    env["DATABASE_URL"] = fresh_copy(data, env)
    when = datetime.now(UTC)
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = RESULTS / f"{args.db}-{when:%Y%m%d-%H%M%S}.log"
    print("Floor: bare Flask", flush=True)
    floor_c1, floor_c16 = run_floor(args, log)
    print("Reference: the fixed stack's least signed-in page", flush=True)
    stack_loads = run_stack_reference(args, log)
    print(f"App on {data.stem}", flush=True)
    found = run_app(args, env, accounts, log)
    run = report.Run(
        floor_c1, floor_c16, found["pages"], found["pdfs"], found["peak"],
        found["assets"], found["gzip_types"], [found["pdf_notes"]], stack_loads,
    )  # fmt: skip
    table = report.rows(run)
    print(report.markdown_table(table))
    print(report.summary(table))
    title = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[args.db]
    body = report.section(
        title=title,
        context=context_lines(args, data, found["deep"], when),
        table=table,
        raw=report.raw_numbers(run),
    )
    log.with_suffix(".json").write_text(
        json.dumps(dataclasses.asdict(run), indent=1, ensure_ascii=False)
    )
    if not args.no_docs:
        args.docs.write_text(report.replace_section(args.docs.read_text(), args.db, body))
        print(f"Written to {args.docs}")
    return 0
