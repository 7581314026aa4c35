"""The results table: figures, their bars, pass or fail, the ratio to the bare-Flask floor;
and the generated section of `docs/performance.md` between its markers.

Everything here is pure: the harness hands in what it measured, tests hand in made-up figures.
"""

import re
import statistics
from dataclasses import dataclass, field

from .wrk import LoadResult

KB = 1024
# The bars of issue 7, on one 2-core machine.
MIN_SHARE_OF_FLOOR = 0.30  # requests/s at 16 connections, as a share of the floor's
MAX_P95_MS = 25.0  # with 1 connection
MAX_HTML_GZIP = 30 * KB
MAX_ASSETS_GZIP = 60 * KB  # CSS + JavaScript
MAX_FLYER_S = 0.3
MAX_SHEET_S = 1.5
MAX_WORKER_MB = 200


@dataclass
class PageResult:
    name: str
    status: int  # what the page answered before and after its loads
    expected: tuple[int, ...] = (200,)
    c1: LoadResult | None = None
    c16: LoadResult | None = None
    served_bytes: int | None = None  # the body as the app sends it
    gzip_bytes: int | None = None  # the body as the reverse proxy sends it
    content_type: str = "text/html"


@dataclass
class PdfResult:
    name: str
    seconds: list[float]
    bar_s: float
    pdf_bytes: int = 0

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)


@dataclass
class Run:
    """Everything one run measured, in the order the table shows it."""

    floor_c1: LoadResult
    floor_c16: LoadResult
    pages: list[PageResult]
    pdfs: list[PdfResult] = field(default_factory=list)
    worker_peak_mb: float | None = None
    assets: dict[str, tuple[int, int]] = field(default_factory=dict)  # path: (raw, gzip)
    gzip_types: dict[str, bool] = field(default_factory=dict)  # content type: compressed?
    notes: list[str] = field(default_factory=list)  # more raw numbers (PDF warm-ups, memory)
    # bench/stack.py with 1 and 16 connections: a reference for the pages, not a bar.
    stack: tuple[LoadResult, LoadResult] | None = None


@dataclass(frozen=True)
class Row:
    figure: str
    value: str
    bar: str = "—"
    result: str = "—"  # pass, fail, missing (404), error (500)
    ratio: str = ""


def _verdict(ok: bool) -> str:
    return "pass" if ok else "fail"


def _size(n: int) -> str:
    return f"{n / KB:.1f} KB"


def _load_verdict(ok: bool, load: LoadResult) -> str:
    # A load with failed answers measured something else than the page: never a pass.
    if load.errors:
        return f"fail ({load.errors} failed answers)"
    return _verdict(ok)


def floor_rows(run: Run) -> list[Row]:
    c1, c16 = run.floor_c1, run.floor_c16
    rows = [
        Row("bare Flask floor: requests/s, 16 connections", f"{c16.rps:,.0f}/s", ratio="100%"),
        Row(
            "bare Flask floor: latency, 1 connection",
            f"p50 {c1.p50_ms:.1f} ms, p95 {c1.p95_ms:.1f} ms",
        ),
    ]
    if run.stack is not None:
        s1, s16 = run.stack
        share = f"{s16.rps / c16.rps:.0%}" if c16.rps else ""
        name = "reference, the stack's least signed-in page"
        rows += [
            Row(f"{name}: requests/s, 16 connections", f"{s16.rps:,.0f}/s", ratio=share),
            Row(
                f"{name}: latency, 1 connection", f"p50 {s1.p50_ms:.1f} ms, p95 {s1.p95_ms:.1f} ms"
            ),
        ]
    return rows


def page_rows(page: PageResult, floor_rps: float) -> list[Row]:
    if page.status not in page.expected and page.c16 is None:
        label = "missing (404)" if page.status == 404 else f"error ({page.status})"
        return [Row(page.name, label, result=label)]
    rows = []
    if page.c16 is not None:
        share = page.c16.rps / floor_rps if floor_rps else 0.0
        rows.append(
            Row(
                f"{page.name}: requests/s, 16 connections",
                f"{page.c16.rps:,.0f}/s",
                f"≥ {MIN_SHARE_OF_FLOOR:.0%} of floor ({floor_rps * MIN_SHARE_OF_FLOOR:,.0f}/s)",
                _load_verdict(share >= MIN_SHARE_OF_FLOOR, page.c16),
                f"{share:.0%}",
            )
        )
    if page.c1 is not None:
        rows.append(
            Row(
                f"{page.name}: latency, 1 connection",
                f"p50 {page.c1.p50_ms:.1f} ms, p95 {page.c1.p95_ms:.1f} ms",
                f"p95 ≤ {MAX_P95_MS:g} ms",
                _load_verdict(page.c1.p95_ms <= MAX_P95_MS, page.c1),
            )
        )
    if page.gzip_bytes is not None and page.served_bytes is not None:
        value = f"{_size(page.gzip_bytes)} gzip ({_size(page.served_bytes)} as served)"
        if page.content_type == "text/html":
            ok = page.gzip_bytes <= MAX_HTML_GZIP
            bar = f"HTML ≤ {MAX_HTML_GZIP // KB} KB gzip"
            rows.append(Row(f"{page.name}: transferred", value, bar, _verdict(ok)))
        else:
            rows.append(Row(f"{page.name}: transferred ({page.content_type})", value))
    if page.status not in page.expected:  # it broke during its loads
        expected = " or ".join(map(str, page.expected))
        rows.append(Row(f"{page.name}: answer after the loads", str(page.status), expected, "fail"))
    return rows


def pdf_rows(run: Run) -> list[Row]:
    rows = [
        Row(
            f"{pdf.name}: seconds per PDF (median of {len(pdf.seconds)})",
            f"{pdf.median_s:.2f} s ({_size(pdf.pdf_bytes)})",
            f"≤ {pdf.bar_s:g} s",
            _verdict(pdf.median_s <= pdf.bar_s),
        )
        for pdf in run.pdfs
    ]
    if run.worker_peak_mb is not None:
        rows.append(
            Row(
                "worker peak memory while rendering the PDFs (VmHWM)",
                f"{run.worker_peak_mb:.0f} MB",
                f"≤ {MAX_WORKER_MB} MB",
                _verdict(run.worker_peak_mb <= MAX_WORKER_MB),
            )
        )
    return rows


def weight_rows(run: Run) -> list[Row]:
    rows = []
    if run.assets:
        raw = sum(r for r, _ in run.assets.values())
        gz = sum(g for _, g in run.assets.values())
        rows.append(
            Row(
                f"CSS + JavaScript ({len(run.assets)} files)",
                f"{_size(gz)} gzip ({_size(raw)} as served)",
                f"≤ {MAX_ASSETS_GZIP // KB} KB gzip",
                _verdict(gz <= MAX_ASSETS_GZIP),
            )
        )
    if run.gzip_types:
        missing = sorted(t for t, ok in run.gzip_types.items() if not ok)
        rows.append(
            Row(
                "gzip at the reverse proxy (nginx snippet)",
                "compressed: "
                + ", ".join(sorted(t for t, ok in run.gzip_types.items() if ok))
                + (f"; not: {', '.join(missing)}" if missing else ""),
                "every text type seen",
                _verdict(not missing),
            )
        )
    return rows


def rows(run: Run) -> list[Row]:
    floor_rps = run.floor_c16.rps
    page_part = [row for page in run.pages for row in page_rows(page, floor_rps)]
    return [*floor_rows(run), *page_part, *pdf_rows(run), *weight_rows(run)]


def summary(table: list[Row]) -> str:
    judged = [r for r in table if r.result != "—"]
    passed = sum(r.result == "pass" for r in judged)
    missing = sum(r.result.startswith("missing") for r in judged)
    failed = len(judged) - passed - missing
    text = f"{passed} of {len(judged)} bars met"
    if failed:
        text += f", {failed} not met"
    if missing:
        text += f", {missing} pages missing"
    return text


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table(table: list[Row]) -> str:
    lines = ["| figure | value | bar | result | vs floor |", "| --- | --- | --- | --- | --- |"]
    lines += [
        "| " + " | ".join(_cell(c) for c in (r.figure, r.value, r.bar, r.result, r.ratio)) + " |"
        for r in table
    ]
    return "\n".join(lines)


def raw_numbers(run: Run) -> str:
    """wrk's own lines for every load, and the seconds of every PDF."""
    blocks = [
        f"floor, 1 connection\n{run.floor_c1.raw}",
        f"floor, 16 connections\n{run.floor_c16.raw}",
    ]
    if run.stack is not None:
        blocks += [
            f"stack reference, 1 connection\n{run.stack[0].raw}",
            f"stack reference, 16 connections\n{run.stack[1].raw}",
        ]
    for page in run.pages:
        for label, load in (("1 connection", page.c1), ("16 connections", page.c16)):
            if load is not None:
                blocks.append(f"{page.name}, {label}\n{load.raw}")
    for pdf in run.pdfs:
        blocks.append(f"{pdf.name}: " + ", ".join(f"{s:.3f} s" for s in pdf.seconds))
    blocks += run.notes
    return "\n\n".join(blocks)


def section(*, title: str, context: list[str], table: list[Row], raw: str) -> str:
    """The generated part of docs/performance.md for one database."""
    lines = [f"### {title}", "", *(f"- {line}" for line in context), ""]
    lines += [markdown_table(table), "", f"**{summary(table)}.**", ""]
    lines += [
        "<details><summary>Raw numbers</summary>",
        "",
        "```text",
        raw,
        "```",
        "",
        "</details>",
    ]
    return "\n".join(lines)


class MarkerError(ValueError):
    """docs/performance.md lacks the markers of a section, or has them twice or reversed."""


def markers(key: str) -> tuple[str, str]:
    return f"<!-- bench:{key}:begin -->", f"<!-- bench:{key}:end -->"


def replace_section(document: str, key: str, body: str) -> str:
    """The document with the text between the two markers of `key` replaced by `body`; the
    hand-written rest, and other sections, stay exactly as they were."""
    begin, end = markers(key)
    found = [len(re.findall(re.escape(m), document)) for m in (begin, end)]
    if found != [1, 1]:
        raise MarkerError(f"expected one {begin} and one {end}, found {found[0]} and {found[1]}")
    start, stop = document.index(begin) + len(begin), document.index(end)
    if stop < start:
        raise MarkerError(f"{end} comes before {begin}")
    return document[:start] + "\n" + body.strip() + "\n" + document[stop:]
