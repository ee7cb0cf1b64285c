"""Queue load benchmark: the API while calendars drip and while an L matching run works.

    python benchmarks/queue_load.py --json benchmarks/results/queue_load.json
    python benchmarks/queue_load.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/x

Prepares a fresh database (SQLite by default; with ``--postgres`` a PostgreSQL database
of that name, dropped and created again) with `vppool generate --size L`, a planner with
an API token, starts `vppool serve` with one local `vppool worker` (both as their own
processes, as `vppool serve` runs them) and measures `GET /api/v1/needs?limit=50` with an
open-loop client (requests sent on schedule whether or not earlier ones answered, so a slow
server cannot slow the load down and hide its latency), p50/p95 against idle:

a. **Slow calendars.** 30 linked calendars (3 VPs x 10) on servers in this script that send
   their headers and then one byte a second, each on its own loopback address (a host of
   its own, so the per-host limit does not hold them back: the overall limit does). Linking
   queues each one's first read; the measurement runs while the worker's fetches drip (the
   script counts the open drip connections each second). Target: p50 within 2x idle and
   no failed request.
b. **An L matching run** started over the API (`POST /api/v1/matching-runs`): the requests
   sent between the run's ``started_at`` and ``finished_at`` count (its state is read
   between chunks of the measurement, not during one). Target: p95 within 1.5x idle.

Each phase is compared with an idle measurement taken just before it, because the machine
may be shared. The figures are printed and, with ``--json``, saved.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

TODAY = date(2026, 11, 23)
PLANNER = "planner@queue-load.example"
PASSWORD = "queue-load-benchmark-password"  # noqa: S105  (a throwaway database)
NEEDS = "/api/v1/needs?limit=50"
SOURCES_PER_VP = 10
SLOW_VPS = 3
#: A small calendar, sent one byte a second: the fetch's deadline ends it long before.
DRIP_BODY = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//slow//EN\r\nBEGIN:VEVENT\r\nUID:slow\r\n"
    b"DTSTART:20261201T090000Z\r\nDTEND:20261201T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


# --------------------------------------------------------------------------- set-up


def _vppool(env: dict[str, str], *args: str) -> str:
    command = [str(Path(sys.executable).with_name("vppool")), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fresh_postgres(url: str) -> None:
    """Drop and create the database ``url`` names (the user must be allowed to)."""
    import sqlalchemy as sa

    target = sa.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def prepare(env: dict[str, str], size: str) -> dict[str, Any]:
    """Load the dataset and make the planner's API token."""
    started = time.perf_counter()
    _vppool(env, "generate", "--size", size, "--seed", "1", "--today", TODAY.isoformat())
    loaded_s = time.perf_counter() - started
    _vppool(
        env, "users", "create", "--email", PLANNER, "--name", "Load", "--role", "planner",
        "--password", PASSWORD,
    )  # fmt: skip
    bearer = _vppool(env, "tokens", "create", "--email", PLANNER, "--name", "load").strip()
    return {"bearer": bearer.splitlines()[-1], "load_s": round(loaded_s, 1), "size": size}


@contextmanager
def serving(env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    """`vppool serve` (with its local worker) on 127.0.0.1:port until the block ends."""
    command = [str(Path(sys.executable).with_name("vppool")), "serve"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as output:
        # A session of its own, so that the local worker it starts ends with it below.
        server = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                if server.poll() is not None:
                    sys.exit(f"vppool serve exited with {server.returncode}; see {log}")
                try:
                    if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    sys.exit(f"vppool serve did not answer within 120 s; see {log}")
                time.sleep(0.3)
            yield base
        finally:
            os.killpg(server.pid, signal.SIGTERM)  # the server and its local worker
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)  # a worker still stopping


# --------------------------------------------------------------------------- slow calendars


class DripCounter:
    """Connections the slow servers are dripping to right now, and how many were served."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.open = 0
        self.served = 0

    def change(self, by: int) -> None:
        with self.lock:
            self.open += by
            self.served += max(by, 0)


@contextmanager
def drip_servers(addresses: list[str], port: int, counter: DripCounter) -> Iterator[None]:
    """An HTTP server on each address that sends a calendar one byte a second."""

    class Drip(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:
            counter.change(+1)
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Content-Length", str(len(DRIP_BODY)))
                self.end_headers()
                for byte in DRIP_BODY:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(1.0)
            except OSError:
                pass  # the fetch gave up (its deadline): that is the point
            finally:
                counter.change(-1)

        def log_message(self, *_args: object) -> None:
            pass

    servers = [ThreadingHTTPServer((address, port), Drip) for address in addresses]
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


# --------------------------------------------------------------------------- the load


async def open_loop(
    port: int, path: str, *, headers: dict[str, str], rate: float, seconds: float
) -> list[tuple[float, float, int]]:
    """GET ``path`` at ``rate`` per second; (due time, latency in ms, status) per request.

    A request that fails (no answer within 30 s, a broken connection) has status 0.
    """
    head = "".join(f"{key}: {value}\r\n" for key, value in headers.items())
    samples: list[tuple[float, float, int]] = []
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(32):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))

    async def one(due: float) -> None:
        reader, writer = await pool.get()
        try:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}\r\n".encode())
            status_line = await asyncio.wait_for(reader.readline(), 30)
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            await reader.readexactly(length)
            samples.append((due, (time.perf_counter() - due) * 1000, int(status_line.split()[1])))
            pool.put_nowait((reader, writer))
        except (TimeoutError, OSError, ValueError, IndexError, asyncio.IncompleteReadError):
            samples.append((due, (time.perf_counter() - due) * 1000, 0))
            writer.close()
            pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))

    tasks = []
    start = time.perf_counter() + 0.1
    for n in range(int(rate * seconds)):
        due = start + n / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        tasks.append(asyncio.create_task(one(due)))
    await asyncio.gather(*tasks)
    while not pool.empty():
        pool.get_nowait()[1].close()
    return samples


def summary(samples: list[tuple[float, float, int]]) -> dict[str, Any]:
    """Median, p95, p99 and the statuses of the samples."""
    ordered = sorted(latency for _, latency, _ in samples)
    if not ordered:
        return {"requests": 0}

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    statuses: dict[str, int] = {}
    for _, _, status in samples:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "requests": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "max_ms": round(ordered[-1], 2),
        "statuses": statuses,
        "failed": sum(n for status, n in statuses.items() if not status.startswith("2")),
    }


def measure(port: int, bearer: dict[str, str], rate: float, seconds: float) -> list[Any]:
    return asyncio.run(open_loop(port, NEEDS, headers=bearer, rate=rate, seconds=seconds))


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --------------------------------------------------------------------------- the phases


def slow_calendars(
    base: str, port: int, bearer: dict[str, str], args: argparse.Namespace
) -> dict[str, Any]:
    """Phase a: idle, then 30 dripping calendars being read."""
    people = httpx.get(f"{base}/api/v1/trust-persons?limit={SLOW_VPS}", headers=bearer).json()
    vp_ids = [person["id"] for person in people["items"]][:SLOW_VPS]
    addresses = [f"127.0.0.{n}" for n in range(1, SLOW_VPS * SOURCES_PER_VP + 1)]
    drip_port = _free_port()
    counter = DripCounter()
    load_before = load_average()
    idle = summary(measure(port, bearer, args.rate, args.seconds))
    with drip_servers(addresses, drip_port, counter):
        linked = []
        for n, address in enumerate(addresses):
            vp = vp_ids[n // SOURCES_PER_VP]
            answer = httpx.post(
                f"{base}/api/v1/trust-persons/{vp}/calendar-sources",
                json={"kind": "url", "url": f"http://{address}:{drip_port}/cal.ics"},
                headers=bearer,
                timeout=30,
            )
            linked.append(answer.status_code)
        deadline = time.monotonic() + 30
        while counter.open == 0 and time.monotonic() < deadline:
            time.sleep(0.2)  # the worker's first reads begin
        dripping: list[int] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(1.0):
                dripping.append(counter.open)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        during = summary(measure(port, bearer, args.rate, args.seconds))
        stop.set()
        sampler.join()
        load_after = load_average()
        # The rest of the reads end before the next phase (each fetch has its deadline).
        deadline = time.monotonic() + 180
        while (counter.open or counter.served < len(addresses)) and time.monotonic() < deadline:
            time.sleep(1.0)
    ratio = during["p50_ms"] / idle["p50_ms"]
    return {
        "sources": len(addresses),
        "link_statuses": sorted(set(linked)),
        "dripping_each_second": dripping,
        "dripping_median": statistics.median(dripping) if dripping else 0,
        "fetches_served": counter.served,
        "idle": idle,
        "during": during,
        "p50_ratio": round(ratio, 2),
        "target": "p50 within 2x idle, no failed request",
        "met": ratio <= 2 and during["failed"] == 0,
        "load_before": load_before,
        "load_after": load_after,
    }


def matching_run(
    base: str, port: int, bearer: dict[str, str], args: argparse.Namespace
) -> dict[str, Any]:
    """Phase b: idle, then the API while an L matching run works."""
    load_before = load_average()
    idle = summary(measure(port, bearer, args.rate, args.seconds))
    started = httpx.post(f"{base}/api/v1/matching-runs", json={}, headers=bearer, timeout=30)
    started.raise_for_status()
    run_id = started.json()["id"]
    # Measured in chunks of 5 s; the run's state is read between chunks (never while
    # measuring: reading a run is itself work for the web process), and the requests
    # that count are those sent between the run's own started_at and finished_at.
    samples: list[tuple[float, float, int]] = []
    deadline = time.monotonic() + args.run_wait
    while True:
        samples += measure(port, bearer, args.rate, 5)
        run = httpx.get(f"{base}/api/v1/matching-runs/{run_id}", headers=bearer, timeout=60)
        state = run.json()
        if state["status"] not in ("queued", "running") or time.monotonic() > deadline:
            break
    load_after = load_average()
    offset = time.time() - time.perf_counter()  # the samples' clock to the run's
    running_from = _epoch(state.get("started_at")) - offset
    running_to = _epoch(state.get("finished_at")) - offset
    during = summary([s for s in samples if running_from <= s[0] <= running_to])
    ratio = during.get("p95_ms", float("nan")) / idle["p95_ms"]
    return {
        "run_id": run_id,
        "run_status": state["status"],
        "running_s": round(running_to - running_from, 1),
        "idle": idle,
        "during": during,
        "p95_ratio": round(ratio, 2),
        "target": "p95 within 1.5x idle",
        "met": ratio <= 1.5 and during.get("failed", 1) == 0,
        "load_before": load_before,
        "load_after": load_after,
    }


def _epoch(stamp: str | None) -> float:
    """Seconds since the epoch of an API time stamp (no stamp: not yet, far ahead)."""
    if not stamp:
        return float("inf")
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def run_on(database: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    data = folder / database
    data.mkdir(parents=True, exist_ok=True)
    if database == "postgresql":
        url = args.postgres
        _fresh_postgres(url)
    else:
        url = f"sqlite:///{data / 'queue-load.sqlite3'}"
    env = {
        **os.environ,
        "VPPOOL_DATA_DIR": str(data),
        "VPPOOL_DATABASE_URL": url,
        "VPPOOL_LOCAL_WORKER": "true",  # one worker beside the server on both databases
        "VPPOOL_CALENDAR_FETCH_ALLOW": '["127.0.0.0/8"]',
        "VPPOOL_MATCHING_TIME_LIMIT_S": str(args.solve_seconds),
        "VPPOOL_ACCESS_LOG": "false",
    }
    prepared = prepare(env, args.size)
    port = _free_port()
    bearer = {"Authorization": f"Bearer {prepared['bearer']}"}
    with serving(env, port, data / "serve.log") as base:
        for _ in range(20):  # warm-up: first queries, caches, connections
            httpx.get(base + NEEDS, headers=bearer, timeout=30).raise_for_status()
        drip: dict[str, Any] | None = None
        run: dict[str, Any] | None = None
        if args.only in (None, "calendars"):
            drip = slow_calendars(base, port, bearer, args)
            print(f"{database} a: {json.dumps(drip)}", flush=True)
        if args.only in (None, "run"):
            run = matching_run(base, port, bearer, args)
            print(f"{database} b: {json.dumps(run)}", flush=True)
    return {
        "dataset": {"size": args.size, "seed": 1, "load_s": prepared["load_s"]},
        "slow_calendars": drip,
        "matching_run": run,
        "serve_log_tail": (data / "serve.log").read_text(errors="replace")[-3000:],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--size", default="L", choices=["S", "M", "L"])
    parser.add_argument("--rate", type=float, default=20.0, help="GETs per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of a measurement")
    parser.add_argument("--solve-seconds", type=float, default=60.0, help="the run's limit")
    parser.add_argument("--run-wait", type=float, default=600.0, help="most to wait for a run")
    parser.add_argument(
        "--postgres",
        default=None,
        help="also on PostgreSQL: the URL of a database to drop and create for this",
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument(
        "--only", choices=["calendars", "run"], help="measure one phase (a or b) only"
    )
    args = parser.parse_args()
    results: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "rate_per_s": args.rate,
        "seconds": args.seconds,
        "path": NEEDS,
    }
    with tempfile.TemporaryDirectory(prefix="vppool-queue-load-") as folder:
        databases = ([] if args.skip_sqlite else ["sqlite"]) + (
            ["postgresql"] if args.postgres else []
        )
        for database in databases:
            results[database] = run_on(database, args, Path(folder))
    for database in ("sqlite", "postgresql"):
        if database not in results:
            continue
        drip, run = results[database]["slow_calendars"], results[database]["matching_run"]
        if drip is not None:
            print(
                f"{database}: slow calendars: idle p50 {drip['idle']['p50_ms']} ms -> "
                f"{drip['during']['p50_ms']} ms ({drip['p50_ratio']}x, target <= 2x), "
                f"failed {drip['during']['failed']}, dripping median {drip['dripping_median']}; "
                f"load {drip['load_before']} -> {drip['load_after']}"
            )
        if run is not None:
            print(
                f"{database}: L run ({run['run_status']}, {run['running_s']} s): idle p95 "
                f"{run['idle']['p95_ms']} ms -> {run['during'].get('p95_ms')} ms "
                f"({run['p95_ratio']}x, target <= 1.5x); load {run['load_before']} -> "
                f"{run['load_after']}"
            )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
