"""The ``vppool`` command: database, synthetic data, import/export, serving and the demo."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from vppool.errors import VppoolError
from vppool.settings import Settings, get_settings

__all__ = ["main"]

console = Console(stderr=True)
DEMO_PASSWORD = "vppool-demo"  # noqa: S105  (printed for the demo's own throw-away database)


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress display; yields a ``progress(step, done, total)`` callback."""
    with Progress(
        TextColumn("{task.description:<24}"),
        BarColumn(),
        TextColumn("{task.completed:>8,.0f}/{task.total:<8,.0f}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        tasks: dict[str, Any] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=max(total, 1))
            bar.update(tasks[step], completed=done, total=max(total, 1))

        yield report


def _fail(exc: VppoolError) -> None:
    console.print(f"[bold red]error:[/] {exc.message}")
    for field_error in getattr(exc, "errors", [])[:20]:
        console.print(f"  [red]•[/] {field_error.field}: {field_error.message}")
    raise SystemExit(2)


class _Context:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings


pass_context = click.make_pass_decorator(_Context)


@click.group()
@click.version_option(package_name="vppool")
@click.pass_context
def main(ctx: click.Context) -> None:
    """vppool: planning for providers of external trust persons."""
    try:
        ctx.obj = _Context(get_settings())
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        console.print(f"[bold red]invalid VPPOOL_* setting:[/] {exc}")
        raise SystemExit(2) from exc


# --------------------------------------------------------------------------- db


@main.group()
def db() -> None:
    """Database schema: upgrade, reset, current revision."""


@db.command("upgrade")
@pass_context
def db_upgrade(ctx: _Context) -> None:
    """Apply all migrations (creates the database if it does not exist)."""
    from vppool.db import create_engine_for, current_revision, upgrade

    engine = create_engine_for(ctx.settings)
    upgrade(engine)
    console.print(f"database at revision [bold]{current_revision(engine)}[/] ({engine.url!r})")
    engine.dispose()


@db.command("reset")
@click.option("--yes", is_flag=True, help="Confirm that every row may be deleted.")
@pass_context
def db_reset(ctx: _Context, *, yes: bool) -> None:
    """Drop every table and migrate again: an empty database."""
    if not yes:
        console.print("refusing to delete every row without --yes")
        raise SystemExit(2)
    from vppool.db import create_engine_for, upgrade
    from vppool.db.migrate import downgrade_to_base

    engine = create_engine_for(ctx.settings)
    downgrade_to_base(engine)
    upgrade(engine)
    console.print("database emptied and migrated")
    engine.dispose()


@db.command("current")
@pass_context
def db_current(ctx: _Context) -> None:
    """Print the database's migration revision."""
    from vppool.db import create_engine_for, current_revision

    engine = create_engine_for(ctx.settings)
    click.echo(current_revision(engine) or "empty")
    engine.dispose()


# --------------------------------------------------------------------------- data


def _today(value: str | None, settings: Settings) -> date:
    if value is None:
        return settings.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        msg = f"--today {value!r} is not a date like 2026-11-23"
        raise click.BadParameter(msg) from exc


def _load(settings: Settings, dataset: Any) -> dict[str, int]:
    from vppool.db import create_engine_for, session_scope, upgrade
    from vppool.services.dataset import import_dataset

    engine = create_engine_for(settings)
    upgrade(engine)
    try:
        with _progress() as report, session_scope(engine) as session:
            return import_dataset(session, dataset, progress=report)
    finally:
        engine.dispose()


def _print_counts(counts: dict[str, int]) -> None:
    table = Table("table", "rows", title="dataset")
    for name, count in counts.items():
        if count:
            table.add_row(name, f"{count:,}")
    console.print(table)


@main.command()
@click.option("--size", type=click.Choice(["S", "M", "L", "XL"]), default="S", show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--today", help="Reference date of the data (default: today).")
@click.option(
    "--stress",
    is_flag=True,
    help="The stress variant: the same clients with far fewer VPs (demand above supply).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the dataset as JSON to this file instead of loading it into the database.",
)
@pass_context
def generate(
    ctx: _Context, *, size: str, seed: int, today: str | None, stress: bool, out: Path | None
) -> None:
    """Generate a realistic synthetic dataset (deterministic for a seed and date)."""
    from vppool.synthetic import generate as make_dataset

    started = time.perf_counter()
    with _progress() as report:
        dataset = make_dataset(
            size,
            seed,
            today=_today(today, ctx.settings),
            settings=ctx.settings,
            progress=report,
            stress=stress,
        )
    if out is not None:
        out.write_text(dataset.to_json(), encoding="utf-8")
        _print_counts(dataset.counts())
        console.print(
            f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        return
    try:
        counts = _load(ctx.settings, dataset)
    except VppoolError as exc:
        _fail(exc)
    _print_counts(counts)
    console.print(f"loaded into the database in {time.perf_counter() - started:.1f} s")


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_context
def import_(ctx: _Context, file: Path) -> None:
    """Load a whole dataset (JSON from `export` or `generate --out`) into an empty database."""
    from vppool.dataset import parse_dataset

    try:
        dataset = parse_dataset(file.read_bytes())
        counts = _load(ctx.settings, dataset)
    except VppoolError as exc:
        _fail(exc)
    _print_counts(counts)


@main.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
@pass_context
def export(ctx: _Context, out: Path | None) -> None:
    """Write the whole database as a dataset (JSON)."""
    from vppool.dataset import DatasetMeta
    from vppool.db import create_engine_for, session_scope
    from vppool.services.dataset import export_dataset

    engine = create_engine_for(ctx.settings)
    meta = DatasetMeta(source="export", reference_date=_today(None, ctx.settings).isoformat())
    with _progress() as report, session_scope(engine) as session:
        dataset = export_dataset(session, meta=meta, progress=report)
    engine.dispose()
    text = dataset.to_json()
    if out is None:
        sys.stdout.write(text + "\n")
    else:
        out.write_text(text, encoding="utf-8")
        _print_counts(dataset.counts())


# --------------------------------------------------------------------------- matching


def gap_words(summary: Any) -> str:
    """The distance to the best possible plan in one figure, its basis named.

    Consistent with the objective and the bound printed beside it: the points are their
    difference; the share is the matcher's gap, over the decided cost (the plan's cost minus
    what no decision changes: kept assignments, forced changes).
    """
    if summary.solver_status == "OPTIMAL":
        return "proven optimal"
    if summary.objective is None or summary.best_bound is None or summary.gap is None:
        return "no bound known: the solver stopped before it could prove one"
    points = max(0.0, summary.objective - summary.best_bound)
    return (
        f"at most {points:,.0f} points = {100 * summary.gap:.1f} % of the decided cost "
        "from the best possible plan"
    )


def fill_words(summary: Any) -> str:
    """Where the run may have left fillable seats open: its fill against the bound, else "".

    The gap above holds for the seats the plan fills; the matcher fills seats first
    (weighted by urgency), and where it stopped before proving that no plan fills more the
    planner should know, and what to do.
    """
    from vppool.services.matching import fill_left_open

    open_fill = fill_left_open(getattr(summary, "explanation", None) or {})
    if open_fill is None:
        return ""
    filled, most = open_fill
    return (
        f"{filled:,} of at most {most:,} urgency-weighted points: more seats may be "
        "fillable; a run with a longer --time-limit may find them"
    )


def print_run(summary: Any, *, limit: int = 10) -> None:
    """Print a matching run's figures, its gaps with their reasons, and utilisation."""
    explanation = summary.explanation or {}
    table = Table("figure", "value", title=f"matching run {summary.id}")
    table.add_row("status", f"{summary.status.value} ({summary.solver_status or '-'})")
    table.add_row("seats filled", f"{summary.seats_filled} of {summary.seats_total}")
    if summary.objective is not None:
        table.add_row("objective (level 2)", f"{summary.objective:,.0f}")
        table.add_row("proven bound", f"{summary.best_bound:,.0f}")
        table.add_row("gap", gap_words(summary))
    if more_seats := fill_words(summary):
        table.add_row("seats by urgency", more_seats)
    if summary.first_feasible_s is not None:
        table.add_row("first plan after", f"{summary.first_feasible_s:.2f} s")
    if summary.wall_s is not None:
        table.add_row("total time", f"{summary.wall_s:.2f} s")
    used = explanation.get("utilisation", {})
    if used:
        table.add_row(
            "utilisation",
            f"mean {used['mean']} %, max {used['max']} %, {used['over_90']} over 90 %",
        )
    console.print(table)
    if summary.error:
        console.print(f"[bold red]error:[/] {summary.error}")
    for shortage in explanation.get("shortages", [])[:limit]:
        console.print(f"[yellow]shortage[/] {shortage['message']}")
    gaps = explanation.get("unfilled", [])
    seen: set[str] = set()
    for gap in gaps:
        if gap["message"] in seen:
            continue
        seen.add(gap["message"])
        if len(seen) > limit:
            console.print(f"... and more: {len(gaps)} unfilled seats in all")
            break
        console.print(f"[red]unfilled[/] need {gap['need_id']}: {gap['message']}")


@main.command()
@click.option("--time-limit", type=float, help="Seconds (default: VPPOOL_MATCHING_TIME_LIMIT_S).")
@click.option("--workers", type=int, help="Default: VPPOOL_MATCHING_WORKERS.")
@click.option("--seed", type=int, help="Default: VPPOOL_MATCHING_SEED.")
@click.option("--today", help="Planning date (default: today).")
@click.option("--confirm", is_flag=True, help="Confirm every proposed seat afterwards.")
@pass_context
def solve(
    ctx: _Context,
    time_limit: float | None,
    workers: int | None,
    seed: int | None,
    today: str | None,
    *,
    confirm: bool,
) -> None:
    """Run the matcher on the database now, with progress, and print the outcome."""
    from vppool.db import create_engine_for, session_scope
    from vppool.services import matching

    overrides = {
        key: value
        for key, value in {"time_limit_s": time_limit, "workers": workers, "seed": seed}.items()
        if value is not None
    }
    engine = create_engine_for(ctx.settings)
    planning_date = _today(today, ctx.settings)
    try:
        summary = run_matching(ctx.settings, engine, planning_date, overrides)
        print_run(summary)
        if confirm and summary.status.value == "succeeded":
            with session_scope(engine) as session:
                ids = matching.confirm_run(session, ctx.settings, summary.id, today=planning_date)
            console.print(f"confirmed {len(ids)} assignments")
    except VppoolError as exc:
        _fail(exc)
    finally:
        engine.dispose()


def run_matching(
    settings: Settings, engine: Any, today: date, overrides: dict[str, Any] | None = None
) -> Any:
    """Start and execute a run with a live progress line; returns its summary."""
    from vppool.db import session_scope
    from vppool.services import matching

    with session_scope(engine) as session:
        run = matching.start_run(session, settings, overrides=overrides, enqueue=False)
    limit = float((overrides or {}).get("time_limit_s", settings.matching_time_limit_s))
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("matching: building the model", total=limit)

        def report(event: Any) -> None:
            objective = "-" if event.objective is None else f"{event.objective:,.0f}"
            bound = "-" if event.bound is None else f"{event.bound:,.0f}"
            bar.update(
                task,
                completed=min(event.elapsed_s, limit),
                description=f"matching ({event.phase}): objective {objective}, bound {bound}",
            )

        summary = matching.execute_run(engine, settings, run.id, today=today, on_progress=report)
        bar.update(task, completed=limit)
    return summary


# --------------------------------------------------------------------------- intervision


@main.group()
def intervision() -> None:
    """Intervision groups of a year and their sessions."""


@intervision.command("form")
@click.option("--year", type=int, required=True, help="The year the groups meet in.")
@click.option(
    "--time-limit", type=float, help="Seconds (default: VPPOOL_INTERVISION_TIME_LIMIT_S)."
)
@click.option("--workers", type=int, help="Default: VPPOOL_INTERVISION_WORKERS.")
@click.option("--today", help="Day certificates are checked on (default: today).")
@click.option("--show", type=int, default=10, show_default=True, help="Groups to list.")
@pass_context
def intervision_form(
    ctx: _Context,
    *,
    year: int,
    time_limit: float | None,
    workers: int | None,
    today: str | None,
    show: int,
) -> None:
    """Form (or re-form) a year's groups with progress, and print the explanation."""
    from vppool.db import create_engine_for, session_scope
    from vppool.services import intervision as service

    limit = time_limit or ctx.settings.intervision_time_limit_s
    engine = create_engine_for(ctx.settings)
    try:
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console
        ) as bar:
            task = bar.add_task("intervision: loading the pool", total=limit)

            def report(event: Any) -> None:
                objective = "-" if event.objective is None else f"{event.objective:,.0f}"
                bound = "-" if event.bound is None else f"{event.bound:,.0f}"
                bar.update(
                    task,
                    completed=min(event.elapsed_s, limit),
                    description=f"intervision ({event.phase}): objective {objective}, "
                    f"bound {bound}",
                )

            with session_scope(engine) as session:
                formed = service.form_groups_for_year(
                    session,
                    ctx.settings,
                    year=year,
                    today=_today(today, ctx.settings),
                    time_limit_s=time_limit,
                    workers=workers,
                    progress=report,
                )
            bar.update(task, completed=limit)
    except VppoolError as exc:
        _fail(exc)
    finally:
        engine.dispose()
    table = Table("figure", "value", title=f"intervision groups {year}")
    table.add_row("status", formed.status)
    table.add_row("groups", f"{len(formed.groups)} ({formed.members} VPs)")
    table.add_row("objective", f"{formed.objective:,.0f}")
    table.add_row("proven bound", f"{formed.best_bound:,.0f}")
    table.add_row("gap", gap_words(formed))
    table.add_row("solver time", f"{formed.wall_s:.1f} s")
    table.add_row("groups replaced", str(formed.replaced_groups))
    table.add_row("left out", str(len(formed.left_out)))
    if formed.kept_groups:
        table.add_row("groups kept (they met)", str(formed.kept_groups))
        table.add_row("groups dissolved", str(len(formed.dissolved_group_ids)))
    console.print(table)
    groups = Table(
        "group", "members", "mean km", "max km", "seasoned", "new", "genders", "again", "common h"
    )
    for item in formed.groups[:show]:
        groups.add_row(
            item.group.name,
            str(len(item.group.members)),
            f"{item.mean_travel_km:.1f}",
            f"{item.max_travel_km:.1f}",
            str(item.seasoned_members),
            str(item.new_members),
            ", ".join(item.genders) or "-",
            str(item.repeated_pairs),
            f"{item.common_weekly_hours:g}",
        )
    console.print(groups)
    for change in formed.changes:
        console.print(f"[cyan]change[/] {change.reason}")
    for left in formed.left_out[:show]:
        console.print(f"[yellow]left out[/] {left.name}: {left.reason}")


@intervision.command("schedule")
@click.option("--year", type=int, required=True, help="The year whose groups meet.")
@click.option("--show", type=int, default=10, show_default=True, help="Windows to explain.")
@pass_context
def intervision_schedule(ctx: _Context, year: int, show: int) -> None:
    """Plan every group's sessions of a year when all members are free; say why not."""
    from vppool.db import create_engine_for, session_scope
    from vppool.services import intervision as service

    engine = create_engine_for(ctx.settings)
    try:
        with _progress() as report, session_scope(engine) as session:
            planned = service.schedule_sessions(session, ctx.settings, year=year, progress=report)
    except VppoolError as exc:
        _fail(exc)
    finally:
        engine.dispose()
    table = Table("figure", "value", title=f"intervision sessions {year}")
    table.add_row("groups", str(len(planned.groups)))
    table.add_row("sessions planned", str(planned.planned))
    table.add_row("sessions kept (took place)", str(planned.kept))
    table.add_row("windows without a session", str(planned.without_time))
    console.print(table)
    missing = [(g.name, w) for g in planned.groups for w in g.windows if w.reason]
    for name, window in missing[:show]:
        console.print(
            f"[red]no session[/] {name}, {window.starts_on} to {window.ends_on}: {window.reason}"
        )
    if len(missing) > show:
        console.print(f"... and {len(missing) - show} more windows without a session")


# --------------------------------------------------------------------------- users and tokens


# --------------------------------------------------------------------------- reports


@main.group()
def insight() -> None:
    """Planning insight: coverage gaps and whom to recruit."""


def _run_insight(settings: Settings, engine: Any, run_id: int, title: str) -> Any:
    """Work an insight run out in the foreground with a progress line; returns the run."""
    from vppool.services import insight_runs

    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console
    ) as bar:
        task = bar.add_task(title, total=1)

        def report(phase: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=max(total, 1), description=f"{title}: {phase}")

        return insight_runs.execute_run(engine, settings, run_id, on_progress=report)


@insight.command("gaps")
@click.option("--months", type=int, default=12, show_default=True, help="Months to look ahead.")
@click.option("--today", help="Planning date (default: today).")
@click.option(
    "--recruit/--no-recruit",
    default=True,
    show_default=True,
    help="Re-solve to rank VPs to recruit (takes a full solve and one short solve each).",
)
@click.option("--json", "as_json", is_flag=True, help="Print everything as JSON.")
@click.option("--show", type=int, default=10, show_default=True, help="Rows per table.")
@pass_context
def insight_gaps(
    ctx: _Context, *, months: int, today: str | None, recruit: bool, as_json: bool, show: int
) -> None:
    """Demand against supply by province, language, scope, sector and gender; whom to recruit."""
    from vppool.db import create_engine_for, session_scope
    from vppool.services import coverage, insight_runs

    engine = create_engine_for(ctx.settings)
    planning_date = _today(today, ctx.settings)
    analysis: dict[str, Any] | None = None
    try:
        insight_runs.check_months(months)
        with session_scope(engine) as session:
            found = coverage.coverage(session, planning_date, months=months)
            run = (
                insight_runs.start_recruitment(
                    session, months=months, today=planning_date, queued=False
                )
                if recruit
                else None
            )
        if run is not None:
            done = _run_insight(ctx.settings, engine, run.id, "recruitment")
            if done.error:
                console.print(f"[bold red]error:[/] {done.error}")
                raise SystemExit(1)
            analysis = done.result
    except VppoolError as exc:
        _fail(exc)
    finally:
        engine.dispose()
    if as_json:
        click.echo(json.dumps({"coverage": found.as_dict(), "recruitment": analysis}, indent=2))
        return
    for dimension, rows in found.gaps.items():
        table = Table(dimension, "seats", "filled", "open", "VPs", "spare h/month", title=None)
        for gap in rows[:show]:
            table.add_row(
                gap.key,
                str(gap.seats),
                str(gap.filled),
                str(gap.open),
                str(gap.trust_persons),
                f"{gap.spare_hours:g}",
            )
        console.print(table)
    if analysis is None:
        return
    plan = analysis["plan"]
    console.print(
        f"plan over {months} months: {plan['filled']} of {plan['seats']} seats filled, "
        f"{plan['open']} open ({plan['status']})"
    )
    for cause in analysis["causes"][:show]:
        console.print(f"[red]cause[/] {cause['rule']}: keeps {cause['seats']} seat(s) open")
    for item in analysis["suggestions"][:show]:
        console.print(f"[green]recruit[/] {item['text']}: +{item['seats']} seats")


@main.group()
def sessions() -> None:
    """Information sessions at clients' sites: requests, proposed times, booking."""


def _sessions_call(ctx: _Context, call: Callable[[Any], Any]) -> Any:
    """Run ``call(session)`` in one transaction (as the system), or fail with its error."""
    from vppool.db import create_engine_for, session_scope

    engine = create_engine_for(ctx.settings)
    try:
        with session_scope(engine) as session:
            return call(session)
    except VppoolError as exc:
        _fail(exc)
    finally:
        engine.dispose()


@sessions.command("list")
@click.option(
    "--status", type=click.Choice(["requested", "booked", "cancelled"]), help="Only these."
)
@click.option("--json", "as_json", is_flag=True, help="Print the sessions as JSON.")
@pass_context
def sessions_list(ctx: _Context, *, status: str | None, as_json: bool) -> None:
    """List information sessions (requests first, then booked ones, latest first)."""
    from vppool.services import info_sessions
    from vppool.vocab import InfoSessionStatus

    found = _sessions_call(
        ctx,
        lambda session: info_sessions.list_sessions(
            session,
            info_sessions.InfoSessionQuery(
                status=InfoSessionStatus(status) if status else None, limit=200
            ),
        ),
    )
    if as_json:
        click.echo(found.model_dump_json(indent=2))
        return
    table = Table("id", "kind", "organisation", "status", "when", "trust person", title=None)
    for item in found.items:
        when = (
            item.starts_at.astimezone(ctx.settings.zone).strftime("%Y-%m-%d %H:%M")
            if item.starts_at
            else f"{item.first_day} .. {item.last_day}"
        )
        table.add_row(
            str(item.id),
            item.kind.value,
            item.organisation_name,
            item.status.value,
            when,
            item.trust_person_name or "",
        )
    console.print(table)


@sessions.command("propose")
@click.argument("session_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the proposals as JSON.")
@pass_context
def sessions_propose(ctx: _Context, session_id: int, *, as_json: bool) -> None:
    """Times at which a suitable VP is free for session SESSION_ID, best first."""
    from vppool.services import info_sessions

    found = _sessions_call(
        ctx,
        lambda session: info_sessions.propose_times(
            session, ctx.settings, info_session_id=session_id
        ),
    )
    if as_json:
        click.echo(json.dumps([p.model_dump(mode="json") for p in found], indent=2))
        return
    table = Table("when", "trust person", "id", "travel min", "km", "own", title=None)
    for p in found:
        local = p.starts_at.astimezone(ctx.settings.zone)
        own = "preferred" if p.preferred else ("own" if p.own else "")
        table.add_row(
            local.strftime("%Y-%m-%d %H:%M"),
            p.name,
            str(p.trust_person_id),
            str(p.travel_minutes),
            f"{p.distance_km:g}",
            own,
        )
    console.print(table)


@sessions.command("book")
@click.argument("session_id", type=int)
@click.option("--trust-person", type=int, required=True, help="The VP's id.")
@click.option("--at", "starts_at", required=True, help="Start, e.g. 2027-03-22T10:00+01:00.")
@pass_context
def sessions_book(ctx: _Context, session_id: int, *, trust_person: int, starts_at: str) -> None:
    """Book session SESSION_ID with a VP at a time (checked again; everyone is told)."""
    from vppool.services import info_sessions

    try:
        moment = datetime.fromisoformat(starts_at)
    except ValueError as exc:
        console.print(f"[bold red]--at is not a date and time:[/] {starts_at}")
        raise SystemExit(2) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ctx.settings.zone)
    booked = _sessions_call(
        ctx,
        lambda session: info_sessions.book_session(
            session,
            ctx.settings,
            info_session_id=session_id,
            data=info_sessions.InfoSessionBooking(trust_person_id=trust_person, starts_at=moment),
        ),
    )
    console.print(f"booked session {booked.id} with {booked.trust_person_name}")


@main.group()
def scenario() -> None:
    """What-if scenarios: changes solved on a copy of the plan (docs/insight.md)."""


@scenario.command("run")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--today", help="Planning date (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.option("--show", type=int, default=20, show_default=True, help="Seats to list.")
@pass_context
def scenario_run(ctx: _Context, file: Path, *, today: str | None, as_json: bool, show: int) -> None:
    """Solve a scenario (FILE.json) on a copy of the plan and compare; nothing is changed."""
    import pydantic

    from vppool.db import create_engine_for, session_scope
    from vppool.services import insight_runs, scenarios

    try:
        spec = scenarios.ScenarioSpec.model_validate_json(file.read_bytes())
    except pydantic.ValidationError as exc:
        console.print(f"[bold red]{file.name} is not a valid scenario:[/]")
        for error in exc.errors()[:20]:
            where = ".".join(str(part) for part in error["loc"])
            console.print(f"  [red]•[/] {where}: {error['msg']}")
        raise SystemExit(2) from exc
    engine = create_engine_for(ctx.settings)
    try:
        with session_scope(engine) as session:
            run = insight_runs.start_scenario(
                session, spec, today=_today(today, ctx.settings), queued=False
            )
        done = _run_insight(ctx.settings, engine, run.id, "scenario")
    except VppoolError as exc:
        _fail(exc)
    finally:
        engine.dispose()
    if done.error:
        console.print(f"[bold red]error:[/] {done.error}")
        raise SystemExit(1)
    result = done.result
    if as_json:
        click.echo(json.dumps({"run_id": done.id, **result}, indent=2))
        return
    table = Table("figure", "current plan", "scenario", title=f"scenario: {result['name']}")
    for key in ("seats", "filled", "unfilled", "travel_km", "utilisation_mean", "utilisation_max"):
        table.add_row(key, str(result["current"][key]), str(result["scenario"][key]))
    table.add_row("solver", result["current"]["status"], result["scenario"]["status"])
    console.print(table)
    console.print(f"{result['seats_changed']} seats change; organisations affected:")
    for org in result["organisations"]:
        console.print(f"  {org['organisation']}: {org['seats_changed']} seat(s) changed")
    for change in result["changes"][:show]:
        console.print(
            f"  {change['organisation']} seat {change['seat']}: "
            f"{change['before'] or '-'} -> {change['after'] or 'unfilled'}"
        )
    console.print(f"scenario run {done.id}: adopt it on the web page or the API")


@main.group()
def report() -> None:
    """Annual reports (planning side: never anything about reports or cases)."""


@report.command("annual")
@click.option("--organisation", type=int, help="A client's id (default: all clients).")
@click.option("--year", type=int, required=True, help="The calendar year.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="FILE.pdf or FILE.csv (the ending chooses the format).",
)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report's figures as JSON.")
@pass_context
def report_annual(
    ctx: _Context,
    *,
    organisation: int | None,
    year: int,
    out: Path,
    lang: str,
    as_json: bool,
) -> None:
    """Write a client's (or the provider's) annual report as PDF or CSV."""
    import dataclasses

    from vppool.db import create_engine_for, session_scope
    from vppool.services import annual_report
    from vppool.web import documents

    kind = out.suffix.lower().lstrip(".")
    if kind not in {"pdf", "csv"}:
        console.print(f"[bold red]--out must end in .pdf or .csv, not {out.name}[/]")
        raise SystemExit(2)
    engine = create_engine_for(ctx.settings)
    try:
        with session_scope(engine) as session:
            made: Any = (
                annual_report.provider_report(session, ctx.settings, year=year)
                if organisation is None
                else annual_report.annual_report(
                    session, ctx.settings, organisation_id=organisation, year=year
                )
            )
    except VppoolError as exc:
        _fail(exc)
    finally:
        engine.dispose()
    out.write_bytes(documents.render(made, kind, lang))
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(made), default=str, indent=2))
    else:
        console.print(f"wrote {out} ({out.stat().st_size:,} bytes)")


@main.group()
def users() -> None:
    """Accounts of planners, client contacts and trust persons."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True, help="Name to show.")
@click.option(
    "--role", type=click.Choice(["admin", "planner", "client", "trust_person"]), required=True
)
@click.option("--organisation-id", type=int, help="For client contacts.")
@click.option("--trust-person-id", type=int, help="For trust persons.")
@click.password_option(help="At least 10 characters (asked for when not given).")
@pass_context
def users_create(
    ctx: _Context,
    *,
    email: str,
    display_name: str,
    role: str,
    organisation_id: int | None,
    trust_person_id: int | None,
    password: str,
) -> None:
    """Create a user who can log in."""
    from vppool.db import create_engine_for, session_scope, upgrade
    from vppool.services import access

    engine = create_engine_for(ctx.settings)
    upgrade(engine)
    try:
        with session_scope(engine) as session:
            user = access.create_user(
                session,
                email=email,
                display_name=display_name,
                role=role,
                password=password,
                organisation_id=organisation_id,
                trust_person_id=trust_person_id,
            )
    except VppoolError as exc:
        _fail(exc)
    finally:
        engine.dispose()
    console.print(f"created user {user.id} ({user.email}, {user.role.value})")


@main.group()
def tokens() -> None:
    """API bearer tokens for scripts."""


@tokens.command("create")
@click.option("--email", required=True, help="The user the token acts as.")
@click.option("--name", required=True, help="What uses the token, e.g. 'nightly export'.")
@click.option("--days", type=int, default=90, show_default=True, help="Lifetime in days.")
@pass_context
def tokens_create(ctx: _Context, *, email: str, name: str, days: int) -> None:
    """Create an API token; the secret is printed once, on standard output."""
    from sqlmodel import select

    from vppool.db import create_engine_for, session_scope
    from vppool.db.models import User
    from vppool.errors import NotFound
    from vppool.services import access

    engine = create_engine_for(ctx.settings)
    try:
        with session_scope(engine) as session:
            user = session.exec(select(User).where(User.email == email.strip().lower())).first()
            if user is None or user.id is None:
                raise NotFound("user", email)
            token, secret = access.create_api_token(session, user_id=user.id, name=name, days=days)
    except VppoolError as exc:
        _fail(exc)
    finally:
        engine.dispose()
    console.print(f"token {token.id} for {email}, expires {token.expires_at}")
    click.echo(secret)


# --------------------------------------------------------------------------- jobs


def _install_runtime(settings: Settings) -> Any:
    from datetime import UTC

    from vppool.db import create_engine_for, upgrade
    from vppool.jobs.runtime import Runtime, install

    engine = create_engine_for(settings)
    upgrade(engine)
    install(Runtime(engine=engine, settings=settings, now=lambda: datetime.now(UTC)))
    return engine


@main.command()
@click.option(
    "--parent",
    type=int,
    hidden=True,
    help="Stop when the process with this id (the server that started this worker) ends.",
)
@pass_context
def worker(ctx: _Context, parent: int | None) -> None:
    """Run the jobs on the queue; one worker per database also keeps the schedule.

    Start as many as the work needs (several need PostgreSQL to share it across machines);
    stop with Ctrl-C or SIGTERM: what still runs is handed back (a run is failed with the
    reason, a job with tries left is queued again).
    """
    import signal
    import threading

    from vppool.jobs import JOBS
    from vppool.jobs.worker import Worker

    if ctx.settings.worker_nice:
        _lower_priority(ctx.settings.worker_nice, idle_class=parent is not None)
    engine = _install_runtime(ctx.settings)
    runner = Worker(engine, ctx.settings)
    stop = threading.Event()

    def stop_on_signal(_signum: int, _frame: Any) -> None:
        # Not stop.set() here: the handler runs in the main thread, which may hold the
        # event's lock at that moment (in stop.wait), and would wait for itself for ever.
        threading.Thread(target=stop.set, name="stop", daemon=True).start()

    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    table = Table("job", "when", title=f"vppool worker {runner.name}")
    for spec in JOBS:
        table.add_row(spec.id, spec.description)
    console.print(table)
    schedule = threading.Thread(
        target=_keep_schedule, args=(ctx.settings, engine, stop), name="schedule", daemon=True
    )
    schedule.start()
    if parent is not None:
        threading.Thread(
            target=_follow_parent, args=(parent, stop), name="parent", daemon=True
        ).start()
    try:
        runner.serve(stop)
    finally:
        stop.set()
        schedule.join(timeout=10)
        engine.dispose()


def _lower_priority(nice: int, *, idle_class: bool) -> None:
    """Run below the web processes, before any thread starts (the solvers' included).

    On Linux a thread takes its priority from the thread that starts it. The local worker
    of `vppool serve` (``idle_class``: started with ``--parent``, on its server's machine)
    also takes Linux's idle scheduling class (``SCHED_IDLE``): a waiting request of its
    server always goes first, and a solve gets the processor time requests leave. It stays
    in the server's session, because where the kernel shares processor time between
    sessions (autogroup), one of its own would take a full share beside the server's. A
    worker an operator starts on its own is only niced.
    """
    os.nice(nice)
    idle = getattr(os, "SCHED_IDLE", None)
    if idle_class and idle is not None:
        try:
            os.sched_setscheduler(0, idle, os.sched_param(0))
        except OSError as error:  # a kernel or sandbox that refuses it: nice alone then
            console.print(f"could not take the idle scheduling class ({error}); nice {nice} only")


def _follow_parent(parent: int, stop: Any) -> None:
    """Stop the local worker when its server is gone (killed, so it could not stop it)."""
    while not stop.wait(1.0):
        if os.getppid() != parent:
            console.print(f"the server {parent} that started this worker is gone; stopping")
            stop.set()


#: Seconds between a worker's tries to take over the schedule held by another.
SCHEDULE_RETRY_S = 15.0


def _keep_schedule(settings: Settings, engine: Any, stop: Any) -> None:
    """Hold the schedule while no other worker does (taken over when its holder stops)."""
    from apscheduler.schedulers.background import BackgroundScheduler

    from vppool.jobs import WorkerLock, build_scheduler

    lock = WorkerLock(engine, settings.data_dir)
    while not stop.is_set():
        if lock.acquire():
            break
        stop.wait(SCHEDULE_RETRY_S)
    else:
        return
    scheduler = build_scheduler(settings, engine, scheduler_class=BackgroundScheduler)
    scheduler.start()
    console.print("this worker keeps the schedule")
    try:
        stop.wait()
    finally:
        scheduler.shutdown(wait=False)
        lock.release()


@main.command("run-job")
@click.argument("name")
@pass_context
def run_job(ctx: _Context, name: str) -> None:
    """Run one scheduled job now (e.g. compliance_sweep), here, without the queue."""
    from vppool.jobs import JOBS, tasks

    known = {spec.id for spec in JOBS}
    if name not in known:
        console.print(f"[bold red]error:[/] unknown job {name!r}; jobs: {', '.join(sorted(known))}")
        raise SystemExit(2)
    engine = _install_runtime(ctx.settings)
    try:
        getattr(tasks, name)()
    finally:
        engine.dispose()
    console.print(f"job {name} done")


# --------------------------------------------------------------------------- serving


def _serve(settings: Settings, host: str, port: int, workers: int) -> None:
    local = settings.local_worker
    if local is None:
        local = settings.resolved_database_url.startswith("sqlite")
    with _local_worker(settings) if local else contextlib.nullcontext():
        _serve_web(settings, host, port, workers)


@contextmanager
def _local_worker(settings: Settings) -> Iterator[None]:
    """One `vppool worker` process beside the server, started again if it stops."""
    import subprocess
    import threading

    environment = {
        **os.environ,
        "VPPOOL_DATABASE_URL": settings.resolved_database_url,
        "VPPOOL_DATA_DIR": str(settings.data_dir),
    }
    # With --parent it stops by itself should this server be killed without stopping it.
    command = [sys.executable, "-m", "vppool", "worker", "--parent", str(os.getpid())]
    stopping = threading.Event()
    current: list[subprocess.Popen[bytes]] = []

    def supervise() -> None:
        while not stopping.is_set():
            # The server's session (its idle scheduling class keeps it behind requests,
            # see _lower_priority) but a process group of its own: Ctrl-C in the terminal
            # stops the server, which stops the worker (and --parent if it is killed).
            process = subprocess.Popen(  # noqa: S603  (our own module)
                command, env=environment, process_group=0
            )
            current[:] = [process]
            while process.poll() is None and not stopping.wait(0.5):
                pass
            if not stopping.is_set():
                console.print(f"the local worker stopped ({process.returncode}); starting it again")
                stopping.wait(1.0)

    supervisor = threading.Thread(target=supervise, name="local-worker", daemon=True)
    supervisor.start()
    console.print("started a local vppool worker (jobs and the schedule)")
    try:
        yield
    finally:
        stopping.set()
        supervisor.join(timeout=2)
        for process in current:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _serve_web(settings: Settings, host: str, port: int, workers: int) -> None:
    import uvicorn

    if workers > 1 and settings.resolved_database_url.startswith("sqlite"):
        console.print(
            "[bold red]error:[/] several worker processes need PostgreSQL "
            "(set VPPOOL_DATABASE_URL); SQLite serves one process"
        )
        raise SystemExit(2)
    if workers > 1:
        # Worker processes build their own app from the environment.
        os.environ["VPPOOL_DATABASE_URL"] = settings.resolved_database_url
        uvicorn.run(
            "vppool.api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            access_log=settings.access_log,
            proxy_headers=True,
            forwarded_allow_ips=settings.forwarded_allow_ips,
        )
        return
    from vppool.api import create_app

    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="info",
        access_log=settings.access_log,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


@main.command()
@click.option("--host", help="Default: VPPOOL_HOST.")
@click.option("--port", type=int, help="Default: VPPOOL_PORT.")
@click.option("--workers", type=int, default=1, show_default=True)
@pass_context
def serve(ctx: _Context, host: str | None, port: int | None, workers: int) -> None:
    """Serve the web application and the API."""
    settings = ctx.settings
    _serve(settings, host or settings.host, port or settings.port, workers)


@main.command()
@click.option("--size", type=click.Choice(["S", "M"]), default="S", show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--host", help="Default: VPPOOL_HOST.")
@click.option("--port", type=int, help="Default: VPPOOL_PORT.")
@click.option(
    "--matching-seconds", type=float, default=10.0, show_default=True, help="Matching time limit."
)
@click.option("--no-serve", is_flag=True, help="Prepare the demo database and stop.")
@pass_context
def demo(
    ctx: _Context,
    *,
    size: str,
    seed: int,
    host: str | None,
    port: int | None,
    matching_seconds: float,
    no_serve: bool,
) -> None:
    """A fresh SQLite database with synthetic data and a matching run, then serve it."""
    from vppool.services.demo import prepare_demo

    base = ctx.settings
    path = (base.data_dir / "demo.sqlite3").resolve()
    settings = base.model_copy(update={"database_url": f"sqlite:///{path}"})
    with _progress() as report:
        summary = prepare_demo(
            settings, path, size=size, seed=seed, password=DEMO_PASSWORD, progress=report
        )
    _print_counts(summary.counts)
    from vppool.db import make_engine

    engine = make_engine(settings.resolved_database_url)
    try:
        run = run_matching(
            settings, engine, _today(None, settings), {"time_limit_s": matching_seconds}
        )
    finally:
        engine.dispose()
    print_run(run)
    host = host or settings.host
    port = port or settings.port
    logins = Table("role", "e-mail", "password", title="demo logins (web: log in at /app/login)")
    logins.columns[1].no_wrap = True
    for login in summary.logins:
        logins.add_row(login.role, login.email, DEMO_PASSWORD)
    console.print(logins)
    console.print(f"database: {path}")
    console.print(f"web:      http://{host}:{port}/app/")
    console.print(f"API docs: http://{host}:{port}/schema")
    if not no_serve:
        _serve(settings, host, port, 1)
