"""Scheduled jobs against a controllable clock, the persistent job store, retries, SMTP."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from apscheduler.schedulers.background import BackgroundScheduler
from pytest_httpserver import HTTPServer
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.integration.seed import seed_small_pool
from vppool.db.models import Assignment, Certification, Job, Notification
from vppool.jobs import JOBS, WorkerLock, build_scheduler, tasks
from vppool.jobs.runtime import Runtime, install
from vppool.jobs.scheduler import enqueue_scheduled
from vppool.jobs.worker import Worker
from vppool.services import access, matching
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus, JobStatus

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


@pytest.fixture(name="runtime")
def fx_runtime(engine: Engine, settings: Settings) -> Runtime:
    runtime = Runtime(engine=engine, settings=settings, now=lambda: NOW)
    install(runtime)
    return runtime


@pytest.fixture(name="ids")
def fx_ids(engine: Engine) -> dict[str, int]:
    ids = seed_small_pool(engine)
    with Session(engine) as session:
        user = access.create_user(
            session,
            email="anna@vp.nl",
            display_name="Anna",
            role="trust_person",
            trust_person_id=ids["anna"],
        )
        ids["anna_user"] = user.id
        session.commit()
    return ids


def _expire_in(engine: Engine, vp_id: int, days: int) -> None:
    with Session(engine) as session:
        cert = session.exec(
            select(Certification).where(Certification.trust_person_id == vp_id)
        ).one()
        cert.expires_on = NOW.date() + timedelta(days=days)
        session.add(cert)
        session.commit()


def test_certification_reminder_is_queued_once_at_the_tightest_threshold(
    runtime: Runtime, ids: dict[str, int], engine: Engine
) -> None:
    _expire_in(engine, ids["anna"], 80)
    tasks.certification_reminders()
    tasks.certification_reminders()  # a second run (or a retry) sends nothing new
    with Session(engine) as session:
        rows = session.exec(select(Notification)).all()
    assert [(n.kind, n.recipient_email) for n in rows] == [("certification_reminder", "anna@vp.nl")]
    assert rows[0].dedupe_key.endswith(":90:" + str(ids["anna_user"]))


def test_sending_without_smtp_logs_and_marks_sent(
    runtime: Runtime, ids: dict[str, int], engine: Engine
) -> None:
    _expire_in(engine, ids["anna"], 20)
    tasks.certification_reminders()
    tasks.send_notifications()
    with Session(engine) as session:
        (row,) = session.exec(select(Notification)).all()
    assert row.sent_at is not None
    assert row.attempts == 1


@pytest.fixture(name="smtp")
def fx_smtp() -> Iterator[tuple[Controller, list[object]]]:
    received: list[object] = []

    class Collect(Message):
        def handle_message(self, message: object) -> None:
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, received
    controller.stop()


def test_notifications_are_delivered_to_a_real_smtp_server(
    engine: Engine, settings: Settings, ids: dict[str, int], smtp: tuple[Controller, list[object]]
) -> None:
    controller, received = smtp
    port = controller.port
    mail = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False}
    )
    install(Runtime(engine=engine, settings=mail, now=lambda: NOW))
    _expire_in(engine, ids["anna"], 300)
    tasks.certification_reminders()
    tasks.send_notifications()
    assert len(received) == 1
    message = received[0]
    assert message["To"] == "anna@vp.nl"  # type: ignore[index]
    assert "verloopt" in message["Subject"]  # type: ignore[index]


def test_lifecycle_ends_finished_assignments_and_frees_capacity(
    runtime: Runtime, ids: dict[str, int], engine: Engine, settings: Settings
) -> None:
    with Session(engine) as session:
        session.add(
            Assignment(
                need_id=ids["school"],
                trust_person_id=ids["bram"],
                seat=1,
                starts_on=date(2026, 1, 1),
                ends_on=NOW.date(),
                status=AssignmentStatus.CONFIRMED,
            )
        )
        session.commit()
    tasks.need_lifecycle()
    with Session(engine) as session:
        (row,) = session.exec(select(Assignment)).all()
        assert row.status is AssignmentStatus.ENDED
        instance = matching.build_instance(session, settings, today=NOW.date()).instance
    assert instance.assignments == ()


def test_jobs_survive_a_restart_of_the_worker(engine: Engine, settings: Settings) -> None:
    first = build_scheduler(settings, engine, scheduler_class=BackgroundScheduler)
    first.start(paused=True)
    first.shutdown(wait=False)
    second = build_scheduler(settings, engine, scheduler_class=BackgroundScheduler)
    second.start(paused=True)
    try:
        jobs = {job.id: job for job in second.get_jobs()}
        assert set(jobs) == {spec.id for spec in JOBS}
        assert all(job.next_run_time is not None for job in jobs.values())
    finally:
        second.shutdown(wait=False)


def test_the_schedule_only_enqueues_and_a_failing_task_is_retried_later(
    runtime: Runtime, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def broken(_runtime: Runtime, _payload: dict[str, object]) -> None:
        calls.append("need_lifecycle")
        raise RuntimeError("database went away")

    monkeypatch.setitem(tasks.TASKS, "need_lifecycle", tasks.Task(broken, retry=True))
    enqueue_scheduled("need_lifecycle")
    enqueue_scheduled("need_lifecycle")  # still queued: not twice
    assert calls == []  # the schedule runs nothing itself
    Worker(engine, settings).drain()
    assert calls == ["need_lifecycle"]
    with Session(engine) as session:
        job = session.exec(select(Job)).one()
    assert job.status is JobStatus.QUEUED
    assert job.attempts == 1
    assert job.error == "RuntimeError: database went away"
    assert job.run_after > datetime.now(UTC)  # a little later, not at once


def test_only_one_worker_per_database(engine: Engine, tmp_path: Path) -> None:
    first = WorkerLock(engine, tmp_path)
    second = WorkerLock(engine, tmp_path)
    assert first.acquire()
    try:
        assert not second.acquire()
    finally:
        first.release()
    assert second.acquire()
    second.release()


def test_compliance_sweep_notifies_a_vp_behind_once_and_planners_in_a_digest(
    engine: Engine, settings: Settings, ids: dict[str, int]
) -> None:
    with Session(engine) as session:
        access.create_user(session, email="pim@provider.nl", display_name="Pim", role="planner")
        session.commit()
    # Two years into the certificate cycle (2024-01-01 .. 2028-01-01) with no education.
    install(Runtime(engine=engine, settings=settings, now=lambda: datetime(2026, 1, 2, tzinfo=UTC)))
    tasks.compliance_sweep()
    tasks.compliance_sweep()
    with Session(engine) as session:
        rows = session.exec(select(Notification).order_by(Notification.id)).all()
    kinds = sorted((n.kind, n.recipient_email) for n in rows)
    assert kinds == [
        ("compliance_digest", "pim@provider.nl"),
        ("education_status", "anna@vp.nl"),
    ]
    assert "32 h intervision" in next(n.body for n in rows if n.kind == "education_status")


def test_calendar_refresh_job_reads_due_calendars_on_their_interval(
    engine: Engine, settings: Settings, ids: dict[str, int], httpserver: HTTPServer
) -> None:
    from vppool.db.models import BusyInterval, CalendarSource
    from vppool.vocab import CalendarSourceKind

    body = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:a\r\n"
        b"DTSTAMP:20261101T000000Z\r\nDTSTART:20261201T090000Z\r\nDTEND:20261201T100000Z\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    httpserver.expect_request("/a.ics").respond_with_data(body, content_type="text/calendar")
    clock = [NOW]
    local = settings.model_copy(update={"calendar_fetch_allow": ["127.0.0.1"]})
    install(Runtime(engine=engine, settings=local, now=lambda: clock[0]))
    with Session(engine) as session:
        session.add(
            CalendarSource(
                trust_person_id=ids["anna"],
                kind=CalendarSourceKind.URL,
                url=httpserver.url_for("/a.ics"),
                refresh_minutes=30,
            )
        )
        session.commit()
    worker = Worker(engine, local, now=lambda: clock[0])
    tasks.refresh_calendars()
    assert len(httpserver.log) == 0  # the job only queues reads
    worker.drain()
    clock[0] = NOW + timedelta(minutes=10)
    tasks.refresh_calendars()  # not due yet
    worker.drain()
    assert len(httpserver.log) == 1
    clock[0] = NOW + timedelta(minutes=30)
    tasks.refresh_calendars()
    worker.drain()
    assert len(httpserver.log) == 2
    with Session(engine) as session:
        assert len(session.exec(select(BusyInterval)).all()) == 1
        source = session.exec(select(CalendarSource)).one()
        assert source.last_success_at == NOW + timedelta(minutes=30)
