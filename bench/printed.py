"""Printed documents over HTTP: seconds per PDF, and the workers' peak memory meanwhile.

The app renders PDFs in its gunicorn workers, so the memory that matters is theirs: VmHWM
from /proc (the most resident memory a process ever had). The PDFs are rendered before any
page load, right after the workers started, so that their peak is the PDFs' doing.

Each worker renders each document once first (a fresh worker loads the fonts on its first
document); the figures are the median of the renders that follow, as a busy server sees them.
"""

from .client import Browser
from .data_sets import Accounts
from .report import MAX_FLYER_S, MAX_SHEET_S, PdfResult
from .servers import cpu_ticks, peak_memory_kb


def documents(a: Accounts) -> list[tuple[str, str, float]]:
    """(name, path, bar in seconds) of each document, from webapp/events/routes_print.py."""
    return [
        ("event flyer", f"/manage/events/{a.open_event_id}/flyer.pdf", MAX_FLYER_S),
        (
            "monthly area flyer",
            f"/manage/events/areas/{a.area_id}/month-flyer.pdf?month={a.month}",
            MAX_FLYER_S,
        ),
        ("signup sheet, 200 signups", f"/manage/events/{a.full_event_id}/signup-sheet.pdf",
         MAX_SHEET_S),
    ]  # fmt: skip


def _render(browser: Browser, path: str) -> tuple[float, int]:
    answer = browser.get(path)
    if answer.status != 200 or answer.content_type != "application/pdf":
        raise RuntimeError(f"{path} answered {answer.status} {answer.content_type}, not a PDF")
    return answer.seconds, len(answer.body)


def render_all(
    browser: Browser, accounts: Accounts, *, workers: list[int], runs: int
) -> tuple[list[PdfResult], float, str]:
    """Each document `runs` times after a warm-up round; the results, the peak memory in MB
    of the workers, and a line per worker for the raw numbers."""
    ticks = {pid: cpu_ticks(pid) for pid in workers}
    started = {pid: peak_memory_kb(pid) / 1024 for pid in workers}
    warmup_lines, results = [], []
    for name, path, bar in documents(accounts):
        warm = [_render(browser, path)[0] for _ in workers]
        warmup_lines.append(f"{name}, warm-up: " + ", ".join(f"{s:.3f} s" for s in warm))
        renders = [_render(browser, path) for _ in range(runs)]
        results.append(PdfResult(name, [s for s, _ in renders], bar, pdf_bytes=renders[-1][1]))
    peaks = {pid: peak_memory_kb(pid) / 1024 for pid in workers}
    lines = [
        f"worker {pid}: VmHWM {started[pid]:.0f} MB before the PDFs, {mb:.0f} MB after"
        + (" (rendered)" if cpu_ticks(pid) > ticks[pid] else "")
        for pid, mb in peaks.items()
    ]
    return results, max(peaks.values()), "\n".join(warmup_lines + lines)
