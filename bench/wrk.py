"""Running `wrk` and reading its output.

`wrk` prints p50/p75/p90/p99 but the bars need p95, so every load runs with
`lua/measure.lua`, whose `done()` adds one `BENCH key=value ...` line; `parse_output` reads
that line and the standard `Requests/sec:` line. Parsing is pure (tests feed it text).
"""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).resolve().parent / "lua"
MEASURE = LUA / "measure.lua"
SIGNUP = LUA / "signup.lua"

_BENCH_LINE = re.compile(r"^BENCH (?P<fields>.+)$", re.MULTILINE)
_RPS_LINE = re.compile(r"^Requests/sec:\s+(?P<rps>[\d.]+)", re.MULTILINE)
# The lines worth keeping as raw numbers (the rest is wrk's banner and thread statistics).
_RAW_KEEP = re.compile(r"^\s*(Latency\s|\d+ requests in|Non-2xx|Socket errors|Requests/sec|BENCH )")


class WrkOutputError(ValueError):
    """wrk printed something without the figures we asked for (it crashed, or a Lua error)."""


@dataclass(frozen=True)
class LoadResult:
    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    status_errors: int  # answers that were not 2xx or 3xx
    socket_errors: int  # connect, read, write and timeout errors together
    raw: str  # the lines of wrk's output kept for docs/performance.md

    @property
    def errors(self) -> int:
        return self.status_errors + self.socket_errors


def parse_output(text: str) -> LoadResult:
    """The figures of one wrk run, from its standard output."""
    match = _BENCH_LINE.search(text)
    if match is None:
        raise WrkOutputError("no BENCH line in wrk's output:\n" + text.strip())
    fields = dict(pair.split("=", 1) for pair in match["fields"].split())
    try:
        numbers = {key: int(value) for key, value in fields.items()}
        duration_s = numbers["duration_us"] / 1e6
        rps_match = _RPS_LINE.search(text)
        # wrk's own figure when present (it is the same division, rounded by wrk).
        rps = float(rps_match["rps"]) if rps_match else numbers["requests"] / duration_s
        return LoadResult(
            requests=numbers["requests"],
            duration_s=duration_s,
            rps=rps,
            p50_ms=numbers["p50_us"] / 1000,
            p95_ms=numbers["p95_us"] / 1000,
            p99_ms=numbers["p99_us"] / 1000,
            max_ms=numbers["max_us"] / 1000,
            status_errors=numbers["status_errors"],
            socket_errors=numbers["socket_errors"],
            raw=raw_lines(text),
        )
    except (KeyError, ValueError, ZeroDivisionError) as error:
        raise WrkOutputError(f"unreadable BENCH line: {match[0]!r}") from error


def raw_lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if _RAW_KEEP.match(line))


def command(
    url: str,
    *,
    connections: int,
    duration_s: float,
    headers: dict[str, str],
    script: Path = MEASURE,
) -> list[str]:
    """The wrk command line: one thread for one connection, two threads otherwise (wrk shares
    the machine's cores with the server being measured, as it does with the floor)."""
    threads = 1 if connections == 1 else 2
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration_s:g}s", "--timeout", "10s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    return [*args, "-s", str(script), url]


def run(args: list[str], *, env: dict[str, str] | None = None) -> LoadResult:
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if done.returncode != 0:
        raise WrkOutputError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    return parse_output(done.stdout)
