"""HTTP load benchmark: `vppool serve` (one process) on 127.0.0.1 with the M dataset.

    python benchmarks/load.py --json benchmarks/results/load.json

Prepares a fresh SQLite database with `vppool generate --size M`, a planner with an API
token (`vppool users create`, `vppool tokens create`) and a feed token for the VP with the
fullest schedule, starts `vppool serve` as its own process and measures:

* the VP's feed with full 200 answers, 50 connections (wrk): requests/s and p50/p99;
* the 304 path (If-None-Match with the feed's current ETag), 50 connections (wrk);
* paginated lists (/api/v1/trust-persons, /needs, /assignments with a planner bearer
  token) at a fixed 100 requests/s (an open-loop client here: requests are sent on
  schedule whether or not earlier ones have answered, so a slow server cannot slow the
  load down and hide its latency): p50/p95/p99 per endpoint.

Targets (issue 5): feed >= 1,000 req/s with full answers and >= 3,000 req/s on the 304
path, p99 < 50 ms at 50 connections; lists p95 < 30 ms at 100 req/s.

wrk (Debian package `wrk`) generates the feed load: it is C with an event loop and uses
far less CPU per request than the server, but on a 2-core machine it still shares the cores
with the server process, so the figures are a lower bound of what the server does alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TODAY = date(2026, 11, 23)
PLANNER = "planner@load.example"
PASSWORD = "load-benchmark-password"  # noqa: S105  (a throwaway database)

WRK_REPORT = r"""
local etag = os.getenv("LOAD_ETAG")
if etag and etag ~= "" then wrk.headers["If-None-Match"] = etag end
local pause = tonumber(os.getenv("LOAD_DELAY_MS") or "0")
if pause > 0 then
  delay = function() return pause end
end
local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
  local ms = function(us) return us / 1000.0 end
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_s": %.3f, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_ms": {"mean": %.3f, "p50": %.3f, "p90": %.3f, "p99": %.3f, "max": %.3f}}\n',
    summary.requests, summary.duration / 1e6, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    ms(latency.mean), ms(latency:percentile(50)), ms(latency:percentile(90)),
    ms(latency:percentile(99)), ms(latency.max)))
end
"""


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


def prepare(env: dict[str, str]) -> dict[str, Any]:
    """Load M, make the planner's API token and a feed token for the busiest VP."""
    started = time.perf_counter()
    _vppool(env, "generate", "--size", "M", "--seed", "1", "--today", TODAY.isoformat())
    loaded_s = time.perf_counter() - started
    _vppool(
        env, "users", "create", "--email", PLANNER, "--name", "Load", "--role", "planner",
        "--password", PASSWORD,
    )  # fmt: skip
    bearer = _vppool(env, "tokens", "create", "--email", PLANNER, "--name", "load").strip()
    bearer = bearer.splitlines()[-1]

    # No command makes feed tokens; the service the API uses does, as the planner.
    os.environ.update(env)
    from sqlmodel import Session, col, func, select

    from vppool.db import create_engine_for
    from vppool.db.models import Assignment, User
    from vppool.services import access, feed_tokens
    from vppool.settings import Settings
    from vppool.vocab import AssignmentStatus, Role

    engine = create_engine_for(Settings())
    with Session(engine) as session:
        busiest = session.exec(
            select(Assignment.trust_person_id, func.count())
            .where(col(Assignment.status) == AssignmentStatus.CONFIRMED)
            .group_by(col(Assignment.trust_person_id))
            .order_by(func.count().desc(), col(Assignment.trust_person_id))
        ).first()
        if busiest is None:
            sys.exit("the M dataset has no confirmed assignments to show in a feed")
        planner = session.exec(select(User).where(User.email == PLANNER)).one()
        viewer = access.Viewer(user_id=planner.id or 0, role=Role.PLANNER, label="load")
        _, secret = feed_tokens.create_feed_token(
            session, viewer, kind="vp_schedule", trust_person_id=busiest[0]
        )
        session.commit()
    engine.dispose()
    return {
        "bearer": bearer,
        "feed_path": f"/feeds/{secret}.ics",
        "trust_person_id": busiest[0],
        "confirmed_assignments": busiest[1],
        "load_s": round(loaded_s, 1),
    }


@contextmanager
def serving(env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    """`vppool serve` on 127.0.0.1:port until the block ends."""
    command = [str(Path(sys.executable).with_name("vppool")), "serve"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base + "/api/v1/health", server)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"vppool serve exited with {server.returncode} before answering")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    sys.exit(f"vppool serve did not answer {url} within 60 s")


def wrk(
    url: str,
    *,
    connections: int,
    seconds: float,
    etag: str | None = None,
    rate: float | None = None,
) -> dict[str, Any]:
    """Run wrk against ``url`` and return its figures.

    Without ``rate`` every connection sends its next request as soon as the answer is in
    (the most the server can do, where latency is mostly queueing); with ``rate`` each
    connection waits ``connections / rate`` seconds between requests, about ``rate``
    requests/s in all (latency is then the server's answer time at that load).
    """
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    # Less the millisecond an answer takes, so the pace reaches the rate.
    delay_ms = max(1, int(1000 * connections / rate) - 1) if rate else 0
    env = {**os.environ, "LOAD_ETAG": etag or "", "LOAD_DELAY_MS": str(delay_ms)}
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "-s"]
    command += [script.name, url]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    finally:
        Path(script.name).unlink()
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK_JSON "))
    figures: dict[str, Any] = json.loads(line.removeprefix("WRK_JSON "))
    figures["requests_per_s"] = round(figures["requests"] / figures["duration_s"], 1)
    figures["bytes_per_request"] = round(figures["bytes"] / max(1, figures["requests"]))
    figures["connections"] = connections
    figures["paced_rate_per_s"] = rate
    return figures


async def _open_loop(
    host: str, port: int, paths: list[str], *, headers: dict[str, str], rate: float, seconds: float
) -> dict[str, Any]:
    """Send GETs at a fixed rate over a pool of keep-alive connections; time each answer."""
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(16):
        pool.put_nowait(await asyncio.open_connection(host, port))
    head = "".join(f"{key}: {value}\r\n" for key, value in headers.items())
    latencies: dict[str, list[float]] = {path: [] for path in paths}
    statuses: dict[int, int] = {}
    late: list[float] = []

    async def one(path: str, due: float) -> None:
        reader, writer = await pool.get()
        started = time.perf_counter()
        late.append(max(0.0, started - due))
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{head}\r\n".encode())
        status_line = await reader.readline()
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        await reader.readexactly(length)
        # Measured from when the request was due, so queueing in the client counts too.
        latencies[path].append((time.perf_counter() - due) * 1000)
        status = int(status_line.split()[1])
        statuses[status] = statuses.get(status, 0) + 1
        pool.put_nowait((reader, writer))

    tasks = []
    start = time.perf_counter() + 0.1
    total = int(rate * seconds)
    for n in range(total):
        due = start + n / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        tasks.append(asyncio.create_task(one(paths[n % len(paths)], due)))
    await asyncio.gather(*tasks)
    while not pool.empty():
        _, writer = pool.get_nowait()
        writer.close()

    def summary(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)

        def pick(q: float) -> float:
            return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

        return {
            "requests": len(ordered),
            "p50_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(pick(0.95), 2),
            "p99_ms": round(pick(0.99), 2),
            "max_ms": round(ordered[-1], 2),
        }

    return {
        "rate_per_s": rate,
        "seconds": seconds,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "all": summary([v for values in latencies.values() for v in values]),
        "per_path": {path: summary(values) for path, values in latencies.items()},
        "client_late_p99_ms": round(sorted(late)[int(0.99 * len(late))] * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--seconds", type=float, default=10, help="length of each wrk run")
    parser.add_argument("--list-seconds", type=float, default=20, help="length of the list run")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--list-rate", type=float, default=100.0, help="list requests per s")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="keep the prepared database here and reuse it on the next run (default: fresh)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: install the Debian package (apt-get install wrk)")

    import httpx

    with tempfile.TemporaryDirectory(prefix="vppool-load-") as folder:
        data = args.data_dir or Path(folder)
        data.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "VPPOOL_DATA_DIR": str(data),
            "VPPOOL_DATABASE_URL": f"sqlite:///{data / 'load.sqlite3'}",
        }
        kept = data / "prepared.json"
        if kept.exists():
            prepared = json.loads(kept.read_text())
        else:
            prepared = prepare(env)
            kept.write_text(json.dumps(prepared))
        port = _free_port()
        with serving(env, port, data / "serve.log") as base:
            feed_url = base + prepared["feed_path"]
            first = httpx.get(feed_url)
            first.raise_for_status()
            feed = {
                "events": first.content.count(b"BEGIN:VEVENT"),
                "bytes": len(first.content),
                "status": first.status_code,
            }
            # Warm-up: first renders, caches, connection setup.
            wrk(feed_url, connections=args.connections, seconds=2)
            full = wrk(feed_url, connections=args.connections, seconds=args.seconds)
            not_modified = wrk(
                feed_url,
                connections=args.connections,
                seconds=args.seconds,
                etag=first.headers["etag"],
            )
            # The targets' rates at 50 connections: the answer time the subscribers see.
            paced_full = wrk(
                feed_url, connections=args.connections, seconds=args.seconds, rate=1000
            )
            paced_not_modified = wrk(
                feed_url,
                connections=args.connections,
                seconds=args.seconds,
                etag=first.headers["etag"],
                rate=3000,
            )
            check = httpx.get(feed_url, headers={"If-None-Match": first.headers["etag"]})
            bearer = {"Authorization": f"Bearer {prepared['bearer']}"}
            paths = [
                "/api/v1/trust-persons?limit=50",
                "/api/v1/needs?limit=50",
                "/api/v1/assignments?limit=50",
            ]
            for path in paths:
                answer = httpx.get(base + path, headers=bearer)
                answer.raise_for_status()
            lists = asyncio.run(
                _open_loop(
                    "127.0.0.1",
                    port,
                    paths,
                    headers=bearer,
                    rate=args.list_rate,
                    seconds=args.list_seconds,
                )
            )
        log_tail = (data / "serve.log").read_text(errors="replace")[-2000:]

    figures = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "dataset": {"size": "M", "seed": 1, "load_s": prepared["load_s"]},
        "feed": {
            **feed,
            "trust_person_id": prepared["trust_person_id"],
            "confirmed_assignments": prepared["confirmed_assignments"],
        },
        "feed_200": full,
        "feed_304": {**not_modified, "checked_status": check.status_code},
        "feed_200_paced": paced_full,
        "feed_304_paced": paced_not_modified,
        "lists": lists,
        "targets": {
            "feed_200_per_s": 1000,
            "feed_304_per_s": 3000,
            "feed_p99_ms": 50,
            "lists_p95_ms": 30,
        },
        "server_log_tail": log_tail,
    }
    print(
        f"feed: {feed['events']} events, {feed['bytes']:,} bytes\n"
        f"feed 200: {full['requests_per_s']:,} req/s, p50 {full['latency_ms']['p50']} ms, "
        f"p99 {full['latency_ms']['p99']} ms, {full['bytes_per_request']:,} B/answer, "
        f"errors {full['errors']} (target >= 1,000 req/s, p99 < 50 ms)\n"
        f"feed 304: {not_modified['requests_per_s']:,} req/s, "
        f"p50 {not_modified['latency_ms']['p50']} ms, p99 {not_modified['latency_ms']['p99']} ms,"
        f" errors {not_modified['errors']}, status {check.status_code} (target >= 3,000 req/s)\n"
        f"feed 200 paced at 1,000 req/s: {paced_full['requests_per_s']:,} req/s, "
        f"p50 {paced_full['latency_ms']['p50']} ms, p99 {paced_full['latency_ms']['p99']} ms\n"
        f"feed 304 paced at 3,000 req/s: {paced_not_modified['requests_per_s']:,} req/s, "
        f"p50 {paced_not_modified['latency_ms']['p50']} ms, "
        f"p99 {paced_not_modified['latency_ms']['p99']} ms (target p99 < 50 ms)\n"
        f"lists at {lists['rate_per_s']:.0f} req/s: p50 {lists['all']['p50_ms']} ms, "
        f"p95 {lists['all']['p95_ms']} ms, p99 {lists['all']['p99_ms']} ms, "
        f"statuses {lists['statuses']} (target p95 < 30 ms)"
    )
    for path, row in lists["per_path"].items():
        print(f"  {path}: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
