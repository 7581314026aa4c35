"""The servers a run starts and stops: gunicorn (the floor, then the app), and nginx in front
of the app to measure what the gzip snippet of the docs sends.

Each server is started in a session of its own and stopped by its own process id, so a run
never touches anything it did not start.
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
GZIP_SNIPPET = ROOT / "docs" / "nginx-gzip.conf"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_command(app: str, *, port: int, workers: int) -> list[str]:
    """The one set of gunicorn settings, used for the floor and for the app alike (those of
    README's "Running in production", on a port of the run's own)."""
    return [
        str(VENV_BIN / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app,
    ]


def _wait_until_up(url: str, process: subprocess.Popen, *, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start (exit status {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within {timeout_s:g} s")


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is not None:
        return
    process.send_signal(sig)  # gunicorn and nginx both stop their workers on this
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def serve(command: list[str], *, ready_url: str, env: dict[str, str], log: Path):
    """Run a server until the block ends; yields its process (the master)."""
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 (our own command line)
            command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )
    try:
        _wait_until_up(ready_url, process)
        yield process
    finally:
        _stop(process)


def children(pid: int) -> list[int]:
    """The worker processes of a gunicorn master."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in brackets and may hold spaces: fields start after the last ")".
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return sorted(found)


def peak_memory_kb(pid: int) -> int:
    """VmHWM: the most resident memory the process ever had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM for process {pid}")


def cpu_ticks(pid: int) -> int:
    """User plus system CPU time so far: a worker whose count moved has served something."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def nginx_config(*, prefix: Path, port: int, upstream_port: int) -> str:
    """A minimal nginx in front of the app with the docs' gzip snippet included as is.

    It listens on plain HTTP on the loopback, so it tells the app the original request was
    HTTPS, as the TLS-terminating proxy of a real deployment does.
    """
    temp = "\n".join(
        f"    {name}_temp_path {prefix / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
{temp}
    server {{
        listen 127.0.0.1:{port};
        include {GZIP_SNIPPET};
        location / {{
            proxy_pass http://127.0.0.1:{upstream_port};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
        }}
    }}
}}
"""


@contextmanager
def nginx(*, upstream_port: int, log: Path):
    """nginx in front of the app; yields its port. `nginx -t` checks the snippet first."""
    with tempfile.TemporaryDirectory(prefix="otagai-nginx-") as tmp:
        prefix = Path(tmp)
        prefix.chmod(0o755)  # nginx's workers drop root and still need to reach the temp paths
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (prefix / name).mkdir(mode=0o777)
            (prefix / name).chmod(0o777)
        port = free_port()
        conf = prefix / "nginx.conf"
        conf.write_text(nginx_config(prefix=prefix, port=port, upstream_port=upstream_port))
        base = ["nginx", "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)]
        subprocess.run([*base, "-t", "-q"], check=True)  # noqa: S603
        env = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin")}
        with serve(base, ready_url=f"http://127.0.0.1:{port}/health", env=env, log=log):
            yield port
