"""The production topology from the venv, for machines without a container runtime:
two gunicorn web nodes on two ports behind a small round-robin proxy, and two schedulers
(one active by PostgreSQL's advisory lock, the other a standby). ``make cluster`` runs it.

    SAFETYOPS_DATABASE_URL=postgresql://... SAFETYOPS_SECRET_KEY=... \
    python scripts/local_cluster.py --port 8000

It is compose.yaml's topology (web x2, scheduler x2, proxy) with the same settings; the
proxy here balances TCP connections (compose uses Caddy, which also sets X-Forwarded-*).
Each child's output is printed with its name; Ctrl-C stops them all. The fault tests drive
it (tests/faults/test_scale_out.py): they read the lines below, so keep them stable:

    cluster: web-1 on 127.0.0.1:<port> pid <pid>
    cluster: scheduler-1 pid <pid>
    [scheduler-1] scheduler: active
    cluster: ready on http://127.0.0.1:<port>
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def say(line: str) -> None:
    print(f"cluster: {line}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def forward_output(name: str, proc: subprocess.Popen) -> None:
    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            print(f"[{name}] {line.rstrip()}", flush=True)

    threading.Thread(target=pump, daemon=True).start()


def start(name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
    proc = subprocess.Popen(  # noqa: S603 - our own commands, fixed arguments
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    forward_output(name, proc)
    return proc


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on {port} after {timeout}s")


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def proxy(port: int, backends: list[int]) -> None:
    """Round robin per connection; a node that refuses is skipped for that connection."""
    turn = itertools.cycle(backends)

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        for _ in backends:
            try:
                node_r, node_w = await asyncio.open_connection("127.0.0.1", next(turn))
                break
            except OSError:
                continue
        else:
            client_w.close()
            return
        await asyncio.gather(_pipe(client_r, node_w), _pipe(node_r, client_w))

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8000, help="the proxy's port")
    parser.add_argument("--web", type=int, default=2, help="gunicorn instances")
    parser.add_argument("--workers", type=int, default=2, help="workers per instance")
    parser.add_argument("--schedulers", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("SAFETYOPS_DATABASE_URL", "").startswith("postgresql"):
        raise SystemExit("set SAFETYOPS_DATABASE_URL to a PostgreSQL database (advisory locks)")
    env = {
        "SAFETYOPS_ENV": "production",
        "SAFETYOPS_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
        "SAFETYOPS_BASE_URL": f"http://127.0.0.1:{args.port}",
        **os.environ,
        "SAFETYOPS_WORKERS": str(args.workers),
        "PYTHONUNBUFFERED": "1",
    }
    children: list[subprocess.Popen] = []
    migrate = subprocess.run(  # noqa: S603 - our own CLI
        [str(BIN / "safetyops"), "db", "upgrade"], cwd=ROOT, env=env, check=False
    )
    if migrate.returncode:
        raise SystemExit("migrations failed")
    ports = [free_port() for _ in range(args.web)]
    for n, port in enumerate(ports, 1):
        proc = start(f"web-{n}", [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
                                  "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
                                  "--access-logfile", "/dev/null"], env)  # fmt: skip
        children.append(proc)
        say(f"web-{n} on 127.0.0.1:{port} pid {proc.pid}")
    for n in range(1, args.schedulers + 1):
        proc = start(f"scheduler-{n}", [str(BIN / "safetyops"), "scheduler"], env)
        children.append(proc)
        say(f"scheduler-{n} pid {proc.pid}")

    def stop(*_: object) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                child.terminate()
        for child in children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(15)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for port in ports:
        wait_for_port(port)
    say(f"ready on http://127.0.0.1:{args.port}")
    asyncio.run(proxy(args.port, ports))


if __name__ == "__main__":
    main()
