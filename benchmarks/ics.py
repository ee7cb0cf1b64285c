"""Calendar benchmark: rendering a VP's feed and importing a 10 MB calendar.

    python benchmarks/ics.py --json results.json

* feed: a VP's year (sessions, trainings, assignments, deadlines; at least 500 events)
  rendered cold (empty caches) and warm (unchanged data, the usual case for a feed that is
  polled); median of the repeats, wall and CPU time.
* import: an Outlook-like export of ten years just under 10 MB (1 in 10 events recurring),
  imported for a window of 30 days back and a year ahead, in a child process so that its
  peak RSS is its own; also the RSS before the import.
* upload of 50,000 events (what the worker's ``upload`` lane parses; 7.9 MB, 1 in 10
  recurring), in two shapes: spread over twelve years (a long export) and all within the
  window (the worst case for memory: every event is parsed and expanded); peak RSS and time
  in a child process each, with the import's default limits (10,000 occurrences, 20 s).

Target figures (issue): feed under 20 ms, import under 5 s with bounded memory. The machine
may be shared, so CPU times are reported next to wall times.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 23)


def vp_year() -> dict[str, list[Any]]:
    from vppool.calendar import (
        DeadlineKind,
        FeedAssignment,
        FeedDeadline,
        FeedSession,
        FeedTraining,
    )
    from vppool.vocab import AssignmentStatus, NeedKind

    start = datetime(2026, 10, 24, 7, 30, tzinfo=UTC)
    changed = datetime(2026, 9, 1, tzinfo=UTC)
    sessions = [
        FeedSession(
            id=i,
            revision=1,
            updated_at=changed,
            group_name=f"Intervisiegroep {i % 12}",
            starts_at=start + timedelta(days=i * 0.8),
            ends_at=start + timedelta(days=i * 0.8, hours=3),
            location="Utrecht",
        )
        for i in range(420)
    ]
    trainings = [
        FeedTraining(
            id=i,
            revision=0,
            updated_at=changed,
            title=f"Bijscholing {i}",
            starts_at=start + timedelta(days=3 * i, hours=5),
            ends_at=start + timedelta(days=3 * i, hours=8),
        )
        for i in range(110)
    ]
    assignments = [
        FeedAssignment(
            id=i,
            revision=2,
            updated_at=changed,
            organisation_name=f"Organisatie {i}",
            need_kind=NeedKind.STANDING,
            starts_on=TODAY + timedelta(days=7 * i - 20),
            ends_on=TODAY + timedelta(days=7 * i + 60),
            status=AssignmentStatus.CONFIRMED,
        )
        for i in range(40)
    ]
    deadlines = [
        FeedDeadline(
            certification_id=1,
            revision=1,
            updated_at=changed,
            kind=DeadlineKind.CERTIFICATION_EXPIRES,
            on=date(2027, 6, 1),
            certificate_number="LVV-1",
        )
    ]
    return {
        "sessions": sessions,
        "trainings": trainings,
        "assignments": assignments,
        "deadlines": deadlines,
    }


def bench_feed(repeats: int) -> dict[str, Any]:
    from vppool.calendar import _feeds, render_vp_feed

    data = vp_year()

    def render() -> bytes:
        return render_vp_feed(
            trust_person_id=1,
            display_name="Anna Bakker",
            timezone="Europe/Amsterdam",
            today=TODAY,
            **data,
        )

    def timed(clear: bool) -> tuple[float, float, bytes]:
        if clear:
            for cached in (
                _feeds._session_event,
                _feeds._training_event,
                _feeds._assignment_event,
                _feeds._deadline_event,
                _feeds._vtimezone,
                _feeds._tzid,
            ):
                cached.cache_clear()
        wall, cpu = time.perf_counter(), time.process_time()
        body = render()
        return time.perf_counter() - wall, time.process_time() - cpu, body

    render()  # imports and first-use costs
    cold = [timed(clear=True) for _ in range(max(3, repeats // 10))]
    warm = [timed(clear=False) for _ in range(repeats)]
    body = warm[-1][2]
    return {
        "events": body.count(b"BEGIN:VEVENT"),
        "bytes": len(body),
        "cold_ms": round(statistics.median(t[0] for t in cold) * 1000, 2),
        "cold_cpu_ms": round(statistics.median(t[1] for t in cold) * 1000, 2),
        "warm_ms": round(statistics.median(t[0] for t in warm) * 1000, 2),
        "warm_cpu_ms": round(statistics.median(t[1] for t in warm) * 1000, 2),
        "target_ms": 20,
    }


def ten_megabytes(limit: int = 10 * 1024 * 1024) -> bytes:
    head = (
        b"BEGIN:VCALENDAR\r\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\n"
        b"VERSION:2.0\r\nMETHOD:PUBLISH\r\n"
    )
    parts, size = [head], len(head) + 15
    for n in itertools.count():
        day = f"{2017 + n % 11}{1 + n % 12:02d}{1 + n % 28:02d}"
        hour = 8 + n % 9
        rule = f"RRULE:FREQ=WEEKLY;COUNT={4 + n % 20}\r\n" if n % 10 == 0 else ""
        text = (
            "BEGIN:VEVENT\r\nCLASS:PUBLIC\r\n"
            f"DESCRIPTION:Overleg {n} over de voortgang\\, de planning en de begroting.\r\n"
            f"DTSTART;TZID=W. Europe Standard Time:{day}T{hour:02d}0000\r\n"
            f"DTEND;TZID=W. Europe Standard Time:{day}T{hour + 1:02d}0000\r\n"
            f"DTSTAMP:20260101T000000Z\r\n{rule}LOCATION:Kantoor Utrecht\r\n"
            f"SUMMARY:Afspraak {n}\r\nTRANSP:OPAQUE\r\nUID:event-{n:032X}\r\n"
            "ATTENDEE;CN=Jan de Vries;RSVP=TRUE:mailto:jan@example.nl\r\n"
            "X-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\n"
            "BEGIN:VALARM\r\nTRIGGER:-PT15M\r\nACTION:DISPLAY\r\nEND:VALARM\r\nEND:VEVENT\r\n"
        ).encode()
        if size + len(text) > limit:
            break
        parts.append(text)
        size += len(text)
    parts.append(b"END:VCALENDAR\r\n")
    return b"".join(parts)


def fifty_thousand(*, in_window: bool, count: int = 50_000) -> bytes:
    parts = [b"BEGIN:VCALENDAR\r\nPRODID:-//Benchmark//EN\r\nVERSION:2.0\r\n"]
    for n in range(count):
        year = 2027 if in_window else 2016 + n % 12
        day = f"{year}{1 + n % 12:02d}{1 + n % 28:02d}"
        hour = 8 + n % 9
        rule = f"RRULE:FREQ=WEEKLY;COUNT={4 + n % 20}\r\n" if n % 10 == 0 else ""
        parts.append(
            (
                "BEGIN:VEVENT\r\n"
                f"DTSTART;TZID=Europe/Amsterdam:{day}T{hour:02d}0000\r\n"
                f"DTEND;TZID=Europe/Amsterdam:{day}T{hour + 1:02d}0000\r\n"
                f"{rule}SUMMARY:Afspraak {n}\r\nUID:event-{n}@benchmark\r\nEND:VEVENT\r\n"
            ).encode()
        )
    parts.append(b"END:VCALENDAR\r\n")
    return b"".join(parts)


def upload_child(shape: str) -> dict[str, Any]:
    """Run in a child process: parse a 50,000-event upload once; the figures as JSON."""
    from vppool.calendar import Interval, import_ics

    data = fifty_thousand(in_window=shape == "window")
    window = Interval(datetime(2026, 10, 24, tzinfo=UTC), datetime(2027, 11, 23, tzinfo=UTC))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    wall, cpu = time.perf_counter(), time.process_time()
    result = import_ics(data, window=window)
    return {
        "shape": shape,
        "bytes": len(data),
        "events_in_file": 50_000,
        "wall_s": round(time.perf_counter() - wall, 3),
        "cpu_s": round(time.process_time() - cpu, 3),
        "events_read": result.event_count,
        "occurrences": result.occurrence_count,
        "busy_blocks": len(result.busy),
        "capped": result.capped,
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def bench_upload() -> list[dict[str, Any]]:
    results = []
    for shape in ("spread", "window"):
        done = subprocess.run(
            [sys.executable, __file__, "--child-upload", shape],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(done.stdout))
    return results


def import_child() -> dict[str, Any]:
    """Run in a child process: generate, then import once; print the figures as JSON."""
    from vppool.calendar import Interval, import_ics

    data = ten_megabytes()
    window = Interval(datetime(2026, 10, 24, tzinfo=UTC), datetime(2027, 11, 23, tzinfo=UTC))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    wall, cpu = time.perf_counter(), time.process_time()
    result = import_ics(data, window=window)
    return {
        "bytes": len(data),
        "wall_s": round(time.perf_counter() - wall, 3),
        "cpu_s": round(time.process_time() - cpu, 3),
        "events": result.event_count,
        "occurrences": result.occurrence_count,
        "busy_blocks": len(result.busy),
        "capped": result.capped,
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "target_s": 5,
    }


def bench_import(runs: int) -> dict[str, Any]:
    results = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, __file__, "--child-import"],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(done.stdout))
    best = min(results, key=lambda r: r["wall_s"])
    best["wall_s_all"] = [r["wall_s"] for r in results]
    best["cpu_s_all"] = [r["cpu_s"] for r in results]
    return best


def main() -> None:
    # This script shares its name with the standard library's calendar module, which
    # ``holidays`` imports: keep the script's own folder off the import path.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--repeats", type=int, default=50, help="feed renders to time")
    parser.add_argument("--import-runs", type=int, default=3, help="10 MB imports to run")
    parser.add_argument("--child-import", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-upload", choices=["spread", "window"], help=argparse.SUPPRESS)
    parser.add_argument("--only-upload", action="store_true", help="only the 50,000 events")
    args = parser.parse_args()
    if args.child_import:
        print(json.dumps(import_child()))
        return
    if args.child_upload:
        print(json.dumps(upload_child(args.child_upload)))
        return
    figures: dict[str, Any] = {"load_before": list(os.getloadavg())}
    if not args.only_upload:
        figures["feed"] = bench_feed(args.repeats)
        figures["import"] = bench_import(args.import_runs)
    figures["upload_50k"] = bench_upload()
    figures["load_after"] = list(os.getloadavg())
    for row in figures["upload_50k"]:
        print(
            f"upload of 50,000 events ({row['shape']}): {row['bytes']:,} bytes, "
            f"{row['events_read']:,} events read, {row['occurrences']:,} occurrences, capped "
            f"{row['capped']}; {row['wall_s']} s (cpu {row['cpu_s']}); peak RSS "
            f"{row['peak_rss_mb']} MB (before {row['rss_before_mb']} MB)"
        )
    print(f"load average {figures['load_before']} -> {figures['load_after']}")
    if args.only_upload:
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n")
        return
    feed, imported = figures["feed"], figures["import"]
    print(
        f"feed: {feed['events']} events, {feed['bytes']:,} bytes; cold {feed['cold_ms']} ms "
        f"(cpu {feed['cold_cpu_ms']}), warm {feed['warm_ms']} ms (cpu {feed['warm_cpu_ms']}); "
        f"target {feed['target_ms']} ms"
    )
    print(
        f"import: {imported['bytes']:,} bytes, {imported['events']:,} events, "
        f"{imported['occurrences']:,} occurrences in the window; best {imported['wall_s']} s "
        f"(all {imported['wall_s_all']}, cpu {imported['cpu_s_all']}); "
        f"peak RSS {imported['peak_rss_mb']} MB (before {imported['rss_before_mb']} MB); "
        f"target {imported['target_s']} s"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
