"""The benchmark's pure parts: reading wrk's output, the table and its bars, the markers of
docs/performance.md and the nginx gzip snippet. No timing here: bench/run measures."""

from datetime import date
from pathlib import Path

import pytest

from bench import report, servers, weight, wrk
from bench.client import csrf_token, next_link, parse_links
from bench.data_sets import is_fresh
from bench.report import PageResult, PdfResult, Row, Run

ROOT = Path(__file__).resolve().parents[2]

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:18931/help-requests
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.59ms    2.10ms  22.57ms   91.04%
    Req/Sec     1.22k   103.37     1.41k    70.00%
  24300 requests in 10.00s, 3.57MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   2430.12
Transfer/sec:    370.95KB
BENCH requests=24300 duration_us=10004371 p50_us=6079 p95_us=10362 p99_us=15980 \
max_us=22569 status_errors=3 socket_errors=2
"""


def load(rps=1000.0, p95_ms=10.0, status_errors=0) -> wrk.LoadResult:
    return wrk.LoadResult(
        requests=int(rps * 10), duration_s=10.0, rps=rps, p50_ms=p95_ms / 2, p95_ms=p95_ms,
        p99_ms=p95_ms * 2, max_ms=p95_ms * 3, status_errors=status_errors, socket_errors=0,
        raw=f"Requests/sec: {rps}",
    )  # fmt: skip


def test_wrk_output_is_read_with_the_p95_of_the_lua_line():
    result = wrk.parse_output(WRK_OUTPUT)
    assert result.requests == 24300
    assert result.rps == 2430.12
    assert (result.p50_ms, result.p95_ms, result.p99_ms) == (6.079, 10.362, 15.98)
    assert result.duration_s == pytest.approx(10.004371)
    assert (result.status_errors, result.socket_errors, result.errors) == (3, 2, 5)
    # The raw numbers keep wrk's figures, not its banner.
    assert "Latency     6.59ms" in result.raw
    assert "Non-2xx or 3xx responses: 3" in result.raw
    assert "Running 10s test" not in result.raw
    assert "Req/Sec" not in result.raw


def test_wrk_output_without_the_lua_line_is_an_error():
    with pytest.raises(wrk.WrkOutputError):
        wrk.parse_output(WRK_OUTPUT.split("BENCH")[0])
    with pytest.raises(wrk.WrkOutputError):
        wrk.parse_output("BENCH requests=12 p50_us=oops\n")


def test_wrk_command_line():
    one = wrk.command("http://h/x", connections=1, duration_s=10, headers={"Cookie": "a=b"})
    assert one[:4] == ["wrk", "-t1", "-c1", "-d10s"]
    assert ["-H", "Cookie: a=b"] == one[one.index("-H") : one.index("-H") + 2]
    assert one[-3:] == ["-s", str(wrk.MEASURE), "http://h/x"]
    many = wrk.command("http://h/x", connections=16, duration_s=2.5, headers={}, script=wrk.SIGNUP)
    assert many[1:4] == ["-t2", "-c16", "-d2.5s"] and str(wrk.SIGNUP) in many


def run_with(pages, **extra) -> Run:
    return Run(floor_c1=load(2000, 1.0), floor_c16=load(2000, 1.0), pages=pages, **extra)


def by_figure(rows: list[Row]) -> dict[str, Row]:
    return {r.figure: r for r in rows}


def test_table_judges_each_page_against_the_floor_and_the_bars():
    fast = PageResult(
        "home", 200, c1=load(500, 24.0), c16=load(600), served_bytes=40_000, gzip_bytes=9_000
    )
    slow = PageResult(
        "list", 200, c1=load(100, 26.0), c16=load(590), served_bytes=90_000, gzip_bytes=31 * 1024
    )
    rows = by_figure(report.rows(run_with([fast, slow])))
    assert rows["bare Flask floor: requests/s, 16 connections"].ratio == "100%"
    home = rows["home: requests/s, 16 connections"]
    assert (home.value, home.result, home.ratio) == ("600/s", "pass", "30%")
    assert "600/s" in home.bar  # 30% of a 2,000/s floor
    assert rows["list: requests/s, 16 connections"].result == "fail"  # 29.5%
    assert rows["home: latency, 1 connection"].result == "pass"
    assert rows["list: latency, 1 connection"].result == "fail"
    assert rows["home: transferred"].result == "pass"
    assert rows["list: transferred"].result == "fail"
    assert rows["home: transferred"].value == "8.8 KB gzip (39.1 KB as served)"


def test_failed_answers_fail_a_load_and_missing_pages_are_reported():
    errors = PageResult("signup", 303, expected=(302, 303), c1=load(), c16=load(status_errors=4))
    missing = PageResult("dashboard", 404)
    broken = PageResult("export", 500, content_type="text/csv")
    rows = by_figure(report.rows(run_with([errors, missing, broken])))
    assert rows["signup: requests/s, 16 connections"].result == "fail (4 failed answers)"
    assert rows["signup: latency, 1 connection"].result == "pass"
    assert rows["dashboard"].value == rows["dashboard"].result == "missing (404)"
    assert rows["export"].result == "error (500)"
    table = report.rows(run_with([errors, missing]))
    assert report.summary(table) == "1 of 3 bars met, 1 not met, 1 pages missing"


def test_a_page_that_breaks_during_its_loads_fails():
    page = PageResult("home", 500, c1=load(), c16=load(1000))
    rows = by_figure(report.rows(run_with([page])))
    assert rows["home: answer after the loads"].result == "fail"


def test_pdfs_memory_assets_and_gzip_rows():
    run = run_with(
        [],
        pdfs=[
            PdfResult("event flyer", [0.2, 0.35, 0.25], 0.3, pdf_bytes=30_000),
            PdfResult("signup sheet", [1.6, 1.4, 1.7], 1.5),
        ],
        worker_peak_mb=201.0,
        assets={"/a.css": (20_000, 5_000), "/b.js": (52_000, 17_000)},
        gzip_types={"text/html": True, "text/css": True, "text/csv": False},
    )
    rows = by_figure(report.rows(run))
    assert rows["event flyer: seconds per PDF (median of 3)"].result == "pass"
    assert rows["event flyer: seconds per PDF (median of 3)"].value.startswith("0.25 s")
    assert rows["signup sheet: seconds per PDF (median of 3)"].result == "fail"
    assert rows["worker peak memory while rendering the PDFs (VmHWM)"].result == "fail"
    assets = rows["CSS + JavaScript (2 files)"]
    assert (assets.value, assets.result) == ("21.5 KB gzip (70.3 KB as served)", "pass")
    gzip_row = rows["gzip at the reverse proxy (nginx snippet)"]
    assert gzip_row.result == "fail" and "not: text/csv" in gzip_row.value


def test_the_stack_reference_is_shown_against_the_floor_but_not_judged():
    run = run_with([], stack=(load(400.0, 3.0), load(700.0, 5.0)))
    table = report.rows(run)
    rows = by_figure(table)
    many = rows["reference, the stack's least signed-in page: requests/s, 16 connections"]
    assert (many.value, many.ratio, many.result) == ("700/s", "35%", "—")
    one = rows["reference, the stack's least signed-in page: latency, 1 connection"]
    assert one.value == "p50 1.5 ms, p95 3.0 ms"
    assert report.summary(table) == "0 of 0 bars met"
    assert "stack reference, 16 connections\nRequests/sec: 700" in report.raw_numbers(run)


def test_the_stack_reference_signs_in_and_pays_for_what_every_page_pays(tmp_path):
    from bench import stack

    path = tmp_path / "stack.sqlite3"
    stack.prepare(str(path))
    client = stack.create_app(f"sqlite:///{path}", "k" * 32).test_client()
    assert client.get("/").status_code == 401  # Flask-Login guards the page
    client.get("/sign-in")
    page = client.get("/", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "試験 花子" in page  # the person, loaded from the session
    assert page.count('<li><a href="/items/') == 20
    assert csrf_token(page)


def test_markdown_table_escapes_pipes():
    text = report.markdown_table([Row("a | b", "1")])
    assert text.splitlines()[2] == "| a \\| b | 1 | — | — |  |"


DOC = """# Title
hand-written
<!-- bench:sqlite:begin -->
old sqlite
<!-- bench:sqlite:end -->
between
<!-- bench:postgresql:begin -->
old postgresql
<!-- bench:postgresql:end -->
end
"""


def test_a_section_is_replaced_between_its_markers_only():
    new = report.replace_section(DOC, "sqlite", "### SQLite\nnew table")
    assert "old sqlite" not in new and "### SQLite\nnew table" in new
    assert new.replace("### SQLite\nnew table", "old sqlite") == DOC
    assert report.replace_section(new, "sqlite", "### SQLite\nnew table") == new


@pytest.mark.parametrize(
    "document",
    [
        "no markers at all",
        DOC.replace("<!-- bench:sqlite:end -->", ""),
        DOC + "<!-- bench:sqlite:begin -->",
        "<!-- bench:sqlite:end -->\n<!-- bench:sqlite:begin -->",
    ],
)
def test_wrong_markers_are_refused(document):
    with pytest.raises(report.MarkerError):
        report.replace_section(document, "sqlite", "table")


def test_docs_have_a_section_for_each_database():
    document = (ROOT / "docs" / "performance.md").read_text()
    for db in ("sqlite", "postgresql"):
        replaced = report.replace_section(document, db, f"{db} figures")
        assert f"{db} figures" in replaced


def test_a_section_holds_the_context_the_table_and_the_raw_numbers():
    run = run_with([PageResult("home", 200, c1=load(), c16=load(900))])
    text = report.section(
        title="SQLite", context=["Machine: a test"], table=report.rows(run),
        raw=report.raw_numbers(run),
    )  # fmt: skip
    assert text.startswith("### SQLite\n\n- Machine: a test\n")
    assert "| home: requests/s, 16 connections | 900/s |" in text
    assert "home, 16 connections\nRequests/sec: 900" in text
    assert "**2 of 2 bars met.**" in text


def test_the_gzip_snippet_covers_the_text_types():
    settings = weight.snippet_settings(servers.GZIP_SNIPPET.read_text())
    assert settings["gzip"] == ["on"]
    assert set(weight.REQUIRED_TYPES) <= set(settings["gzip_types"])
    assert "text/html" not in settings["gzip_types"]  # always on; listing it makes nginx warn
    assert 256 <= int(settings["gzip_min_length"][0]) <= 1400
    assert settings["gzip_vary"] == ["on"]


def test_the_bench_nginx_includes_the_snippet_as_it_is(tmp_path):
    conf = servers.nginx_config(prefix=tmp_path, port=8081, upstream_port=8000)
    assert f"include {servers.GZIP_SNIPPET};" in conf
    assert "proxy_pass http://127.0.0.1:8000;" in conf
    assert "listen 127.0.0.1:8081;" in conf


def test_pages_give_their_token_next_link_and_assets():
    html = """<form><input type="hidden" name="csrf_token" value="tok.123"></form>
    <link rel="stylesheet" href="/assets/css/app.1a.css"><link rel="icon" href="/assets/i.svg">
    <script src="/assets/js/htmx.2b.min.js" defer></script>
    <nav class="pager">
    <a class="button" href="/help-requests?kind=lend&amp;after=2026.5" rel="next">Next</a></nav>"""
    assert csrf_token(html) == "tok.123"
    assert next_link(html, "/help-requests") == "/help-requests?kind=lend&after=2026.5"
    links = parse_links(html)
    assert links.assets == ["/assets/css/app.1a.css", "/assets/js/htmx.2b.min.js"]
    assert links.icons == ["/assets/i.svg"]
    assert next_link("<p>last page</p>", "/help-requests") is None
    with pytest.raises(RuntimeError):
        csrf_token("<p>no form</p>")


def test_a_data_set_is_reused_for_a_week_only(tmp_path):
    accounts = tmp_path / "accounts.json"
    accounts.write_text('{"today": "2026-12-03", "member": "1"}')
    assert is_fresh(accounts, today=date(2026, 12, 10))
    assert not is_fresh(accounts, today=date(2026, 12, 11))
    accounts.write_text('{"member": "1"}')  # a file of unknown age: seed again
    assert not is_fresh(accounts, today=date(2026, 12, 3))


def test_the_app_shares_rate_limits_and_the_dashboard_cache_in_redis_as_in_production(
    monkeypatch,
):
    from bench import harness

    class Answering:
        def close(self):
            pass

    monkeypatch.setattr(harness.socket, "create_connection", lambda *a, **k: Answering())
    env = harness.app_environment(harness.parse_args(["--redis", "redis://127.0.0.1:6390/0"]))
    assert env["RATELIMIT_STORAGE_URI"] == env["CACHE_REDIS_URL"] == "redis://127.0.0.1:6390/0"
    assert env["OTAGAI_ENV"] == "production"

    alone = harness.app_environment(harness.parse_args(["--redis", "none"]))
    assert "CACHE_REDIS_URL" not in alone and "RATELIMIT_STORAGE_URI" not in alone


def test_cpu_tool_takes_a_relative_sqlite_path_from_the_current_folder(tmp_path, monkeypatch):
    from bench.cpu import absolute

    monkeypatch.chdir(tmp_path)
    assert absolute("sqlite:///data/run.sqlite3") == f"sqlite:///{tmp_path}/data/run.sqlite3"
    assert absolute("sqlite:////srv/x.sqlite3") == "sqlite:////srv/x.sqlite3"
    pg = "postgresql+psycopg://postgres@127.0.0.1:5432/otagai"
    assert absolute(pg) == pg
