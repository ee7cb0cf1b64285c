"""Calendar sources: link, upload, refresh against a real HTTP server, health, the matcher.

The HTTP server runs on 127.0.0.1, so the settings put it on the fetch allow-list; one test
checks that without the allow-list the loopback address is refused.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from werkzeug import Request, Response

from tests.factories import typed
from tests.integration.seed import seed_small_pool
from vppool.db.models import BusyInterval, CalendarSource, FeedState, InfoSession, Job, Need
from vppool.db.schemas import CalendarSourceCreate, CalendarSourcePublic, CalendarSourceUpdate
from vppool.errors import Conflict, NotFound, PermissionDenied, TooManyAttempts, ValidationFailed
from vppool.jobs.worker import Worker
from vppool.services import calendar_sources, matching, queue
from vppool.services.access import Viewer
from vppool.services.queue import LaneLimits
from vppool.settings import Settings
from vppool.vocab import InfoSessionKind, InfoSessionStatus, NeedKind, Role

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def ics(*events: tuple[str, str, str]) -> bytes:
    """A calendar of (uid, DTSTART, DTEND) events, times in Europe/Amsterdam or dates."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for uid, start, end in events:
        kind = ";VALUE=DATE" if len(start) == 8 else ";TZID=Europe/Amsterdam"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20261101T000000Z",
            f"DTSTART{kind}:{start}",
            f"DTEND{kind}:{end}",
            "SUMMARY:private",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


MEETING = ics(("m1", "20261201T100000", "20261201T113000"))
TWO_MEETINGS = ics(
    ("m1", "20261201T100000", "20261201T113000"), ("m2", "20261202T140000", "20261202T150000")
)


@pytest.fixture(name="local_settings")
def fx_local_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"calendar_fetch_allow": ["127.0.0.1"]})


@pytest.fixture(name="ids")
def fx_ids(engine: Engine) -> dict[str, int]:
    return seed_small_pool(engine)


def vp_viewer(vp_id: int) -> Viewer:
    return Viewer(user_id=900 + vp_id, role=Role.TRUST_PERSON, label="VP",
                  trust_person_id=vp_id)  # fmt: skip


def link(engine: Engine, vp_id: int, url: str, **extra: object) -> int:
    with Session(engine) as session:
        source = calendar_sources.link_url(
            session,
            trust_person_id=vp_id,
            data=typed(CalendarSourceCreate, {"kind": "url", "url": url, **extra}),
        )
        session.commit()
    return source.id


def upload(
    engine: Engine,
    settings: Settings,
    vp_id: int,
    content: bytes,
    at: datetime = NOW,
    **extra: object,
) -> CalendarSourcePublic:
    """Upload a file and let a worker read it, as `vppool worker` does; the source after."""
    with Session(engine) as session:
        queued = calendar_sources.upload_file(
            session,
            settings,
            trust_person_id=vp_id,
            content=content,
            **extra,  # type: ignore[arg-type]
        )
        session.commit()
    assert queued.reading
    Worker(engine, settings, now=lambda: at).drain()
    with Session(engine) as session:
        return calendar_sources.get_source(session, trust_person_id=vp_id, source_id=queued.id)


def busy_of(engine: Engine, source_id: int) -> list[tuple[datetime, datetime]]:
    with Session(engine) as session:
        rows = session.exec(
            select(BusyInterval)
            .where(BusyInterval.calendar_source_id == source_id)
            .order_by(BusyInterval.starts_at)  # type: ignore[arg-type]
        ).all()
        return [(r.starts_at, r.ends_at) for r in rows]


def feed_changed(engine: Engine, vp_id: int) -> datetime | None:
    with Session(engine) as session:
        state = session.get(FeedState, f"vp:{vp_id}")
        return state.changed_at if state else None


# --------------------------------------------------------------------------- linking


def test_a_link_needs_a_usable_address_and_the_right_kind(engine: Engine, ids: dict) -> None:
    with Session(engine) as session:
        for data, field in (
            ({"kind": "url", "url": "ftp://cal.example.nl/a.ics"}, "url"),
            ({"kind": "url", "url": "https:///a.ics"}, "url"),
            ({"kind": "url"}, "url"),
            ({"kind": "upload", "filename": "a.ics"}, "kind"),
            ({"kind": "url", "url": "https://a.nl/x.ics", "refresh_minutes": 1}, "refresh_minutes"),
        ):
            with pytest.raises(ValidationFailed) as caught:
                calendar_sources.link_url(
                    session, trust_person_id=ids["anna"], data=typed(CalendarSourceCreate, data)
                )
            assert caught.value.errors[0].field == field, data
        assert session.exec(select(CalendarSource)).all() == []


def test_only_the_vp_and_staff_reach_a_vps_calendars(engine: Engine, ids: dict) -> None:
    source_id = link(engine, ids["anna"], "webcal://cal.example.nl/anna.ics?key=private")
    with Session(engine) as session:
        own = calendar_sources.list_sources(
            session, trust_person_id=ids["anna"], viewer=vp_viewer(ids["anna"])
        )
        assert [s.id for s in own] == [source_id]
        assert own[0].health == "pending"
        assert own[0].url == "webcal://cal.example.nl/anna.ics?key=private"
        planner = Viewer(user_id=5, role=Role.PLANNER, label="Pim")
        seen = calendar_sources.list_sources(session, trust_person_id=ids["anna"], viewer=planner)
        assert seen[0].url == "webcal://cal.example.nl/…"  # a secret address stays the VP's
        with pytest.raises(NotFound):
            calendar_sources.get_source(
                session, trust_person_id=ids["anna"], source_id=source_id,
                viewer=vp_viewer(ids["bram"]),
            )  # fmt: skip
        with pytest.raises(NotFound):  # Bram's id with Anna's source
            calendar_sources.get_source(session, trust_person_id=ids["bram"], source_id=source_id)
        client = Viewer(user_id=1, role=Role.CLIENT, label="HR", organisation_id=ids["zorg"])
        with pytest.raises(PermissionDenied):
            calendar_sources.list_sources(session, trust_person_id=ids["anna"], viewer=client)


def test_at_most_ten_calendars_per_vp(engine: Engine, ids: dict) -> None:
    for n in range(calendar_sources.MAX_SOURCES_PER_PERSON):
        link(engine, ids["anna"], f"https://cal.example.nl/{n}.ics")
    with Session(engine) as session, pytest.raises(ValidationFailed, match="at most 10"):
        calendar_sources.link_url(
            session,
            trust_person_id=ids["anna"],
            data=typed(CalendarSourceCreate, {"kind": "url", "url": "https://x.nl/a"}),
        )


# --------------------------------------------------------------------------- refresh


def test_refresh_imports_busy_time_and_a_304_changes_nothing(
    engine: Engine, ids: dict, local_settings: Settings, httpserver: HTTPServer
) -> None:
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(MEETING, content_type="text/calendar", headers={"ETag": '"v1"'})

    httpserver.expect_request("/anna.ics").respond_with_handler(handler)
    source_id = link(engine, ids["anna"], httpserver.url_for("/anna.ics"))
    first = calendar_sources.refresh_source(engine, local_settings, source_id, now=NOW)
    assert first.health == "ok"
    assert first.event_count == 1
    assert first.byte_count == len(MEETING)
    # 10:00-11:30 in Amsterdam (winter, UTC+1) is 09:00-10:30 UTC.
    assert busy_of(engine, source_id) == [
        (datetime(2026, 12, 1, 9, 0, tzinfo=UTC), datetime(2026, 12, 1, 10, 30, tzinfo=UTC))
    ]
    changed = feed_changed(engine, ids["anna"])
    assert changed is not None

    later = NOW + timedelta(hours=1)
    second = calendar_sources.refresh_source(engine, local_settings, source_id, now=later)
    assert second.last_success_at == later
    assert httpserver.log[-1][0].headers.get("If-None-Match") == '"v1"'
    assert httpserver.log[-1][1].status_code == 304
    assert feed_changed(engine, ids["anna"]) == changed  # feeds keep their ETag
    assert len(busy_of(engine, source_id)) == 1


def test_same_content_again_leaves_the_feed_unchanged_new_content_replaces(
    engine: Engine, ids: dict, local_settings: Settings, httpserver: HTTPServer
) -> None:
    # A 60-day leave that started before the import window: it crosses the window's
    # start, which must not make every refresh of the same file look like a change.
    long_leave = ics(
        ("leave", "20261014", "20261213"), ("m1", "20261201T100000", "20261201T113000")
    )
    bodies = [long_leave, long_leave, TWO_MEETINGS]
    httpserver.expect_request("/a.ics").respond_with_handler(
        lambda _request: Response(bodies.pop(0), content_type="text/calendar")
    )
    source_id = link(engine, ids["anna"], httpserver.url_for("/a.ics"))
    calendar_sources.refresh_source(engine, local_settings, source_id, now=NOW)
    changed = feed_changed(engine, ids["anna"])
    stored = busy_of(engine, source_id)
    again = calendar_sources.refresh_source(
        engine, local_settings, source_id, now=NOW + timedelta(hours=3)
    )
    assert again.health == "ok"
    assert busy_of(engine, source_id) == stored
    assert feed_changed(engine, ids["anna"]) == changed
    calendar_sources.refresh_source(engine, local_settings, source_id, now=NOW + timedelta(hours=4))
    assert len(busy_of(engine, source_id)) == 2
    after = feed_changed(engine, ids["anna"])
    assert after is not None
    assert changed is not None
    assert after > changed


def test_a_source_changed_while_it_was_fetched_keeps_the_newer_state(
    engine: Engine, ids: dict, local_settings: Settings, httpserver: HTTPServer
) -> None:
    source_id = 0

    def answer_and_move(_request: Request) -> Response:
        with Session(engine) as session:  # the VP changes the address meanwhile
            calendar_sources.update_source(
                session,
                trust_person_id=ids["anna"],
                source_id=source_id,
                data=typed(CalendarSourceUpdate, {"url": "https://cal.example.nl/new.ics"}),
            )
            session.commit()
        return Response(MEETING, content_type="text/calendar")

    httpserver.expect_request("/a.ics").respond_with_handler(answer_and_move)
    source_id = link(engine, ids["anna"], httpserver.url_for("/a.ics"))
    result = calendar_sources.refresh_source(engine, local_settings, source_id, now=NOW)
    assert result.url == "https://cal.example.nl/…"  # redacted: the system asked
    assert result.health == "pending"  # the new address is still to be read
    assert busy_of(engine, source_id) == []


def test_a_person_may_not_ask_for_a_refresh_again_within_the_cool_down(
    engine: Engine, ids: dict, local_settings: Settings, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/a.ics").respond_with_data(MEETING, content_type="text/calendar")
    source_id = link(engine, ids["anna"], httpserver.url_for("/a.ics"))
    anna = vp_viewer(ids["anna"])
    calendar_sources.refresh_source(engine, local_settings, source_id, viewer=anna, now=NOW)
    with pytest.raises(TooManyAttempts, match="try again in 30 seconds") as caught:
        calendar_sources.refresh_source(
            engine, local_settings, source_id, viewer=anna, now=NOW + timedelta(seconds=30)
        )
    assert caught.value.retry_after_s == 30
    # The job has no cool-down; after it, a person may ask again.
    calendar_sources.refresh_source(engine, local_settings, source_id, now=NOW)
    calendar_sources.refresh_source(
        engine, local_settings, source_id, viewer=anna, now=NOW + timedelta(seconds=61)
    )
    assert len(httpserver.log) == 3


def test_an_unexpected_error_is_recorded_and_not_retried_every_minute(
    engine: Engine,
    ids: dict,
    local_settings: Settings,
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    httpserver.expect_request("/a.ics").respond_with_data(MEETING, content_type="text/calendar")
    source_id = link(engine, ids["anna"], httpserver.url_for("/a.ics"))

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(calendar_sources, "_parse", broken)
    assert calendar_sources.refresh_due(engine, local_settings, now=NOW).due == 1
    assert Worker(engine, local_settings, now=lambda: NOW).drain() == 1
    with Session(engine) as session:
        source = session.get(CalendarSource, source_id)
        assert source is not None
        assert source.last_fetched_at == NOW
        assert "error on its side" in (source.last_error or "")
    assert calendar_sources.refresh_due(engine, local_settings, now=NOW).due == 0


def test_a_read_still_queued_is_not_queued_twice_and_one_host_waits_its_turn(
    engine: Engine, ids: dict, local_settings: Settings, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/a.ics").respond_with_data(MEETING, content_type="text/calendar")
    for vp in ("anna", "bram", "cees"):
        link(engine, ids[vp], httpserver.url_for("/a.ics"))  # each queues its first read
    assert calendar_sources.refresh_due(engine, local_settings, now=NOW).model_dump() == {
        "due": 3,
        "queued": 0,
    }
    with Session(engine) as session:
        jobs = session.exec(select(Job)).all()
    assert {job.limit_key for job in jobs} == {"host:localhost"}
    limits = LaneLimits("fetch", per_key=local_settings.calendar_fetch_per_host)
    held = [queue.claim(engine, "w", limits, lease_s=20) for _ in range(3)]
    assert [job is not None for job in held] == [True, True, False]  # 2 per host at once


def test_vppools_own_feed_events_are_not_read_back(
    engine: Engine, ids: dict, settings: Settings
) -> None:
    both = ics(
        ("assignment-7@vppool", "20261201T090000", "20261201T170000"),
        ("m1", "20261201T100000", "20261201T113000"),
    )
    source = upload(engine, settings, ids["anna"], both)
    assert busy_of(engine, source.id) == [
        (datetime(2026, 12, 1, 9, 0, tzinfo=UTC), datetime(2026, 12, 1, 10, 30, tzinfo=UTC))
    ]


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (Response("oops", status=500), "answered 500"),
        (Response("<html>login</html>", content_type="text/html"), "web page"),
        (Response(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", content_type="text/calendar"), ""),
        (Response(b"\x00\x01\x02binary" * 100, content_type="text/calendar"), ""),
    ],
    ids=["server-error", "html", "cut-off", "binary"],
)
def test_a_failed_refresh_keeps_the_last_good_import(
    engine: Engine,
    ids: dict,
    local_settings: Settings,
    httpserver: HTTPServer,
    *,
    response: Response,
    message: str,
) -> None:
    answers = [Response(MEETING, content_type="text/calendar"), response]
    httpserver.expect_request("/a.ics").respond_with_handler(lambda _r: answers.pop(0))
    source_id = link(engine, ids["anna"], httpserver.url_for("/a.ics"))
    calendar_sources.refresh_source(engine, local_settings, source_id, now=NOW)
    good = busy_of(engine, source_id)
    later = NOW + timedelta(hours=2)
    failed = calendar_sources.refresh_source(engine, local_settings, source_id, now=later)
    assert failed.health == "error"
    assert failed.last_error
    assert message in failed.last_error
    assert failed.last_error_at == later
    assert failed.last_success_at == NOW
    assert busy_of(engine, source_id) == good


def test_a_private_address_is_refused_without_the_allow_list(
    engine: Engine, ids: dict, settings: Settings, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/a.ics").respond_with_data(MEETING, content_type="text/calendar")
    source_id = link(engine, ids["anna"], httpserver.url_for("/a.ics"))
    result = calendar_sources.refresh_source(engine, settings, source_id, now=NOW)
    assert result.health == "error"
    assert "private or local address" in (result.last_error or "")
    assert httpserver.log == []


def test_uploaded_and_switched_off_sources_are_not_fetched(
    engine: Engine, ids: dict, local_settings: Settings
) -> None:
    uploaded = upload(engine, local_settings, ids["anna"], MEETING)
    with pytest.raises(ValidationFailed, match="uploading the file again"):
        calendar_sources.refresh_source(engine, local_settings, uploaded.id, now=NOW)
    source_id = link(engine, ids["anna"], "https://cal.example.nl/a.ics", enabled=False)
    with pytest.raises(ValidationFailed, match="switched off"):
        calendar_sources.refresh_source(engine, local_settings, source_id, now=NOW)
    with pytest.raises(NotFound):
        calendar_sources.refresh_source(
            engine, local_settings, source_id, trust_person_id=ids["bram"], now=NOW
        )


def test_the_job_refreshes_what_is_due_and_one_failure_does_not_stop_the_rest(
    engine: Engine, ids: dict, local_settings: Settings, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/good.ics").respond_with_data(MEETING, content_type="text/calendar")
    httpserver.expect_request("/bad.ics").respond_with_data("no", status=404)
    bad = link(engine, ids["anna"], httpserver.url_for("/bad.ics"))
    good = link(engine, ids["bram"], httpserver.url_for("/good.ics"), refresh_minutes=60)
    assert calendar_sources.refresh_due(engine, local_settings, now=NOW).due == 2
    assert Worker(engine, local_settings, now=lambda: NOW).drain() == 2
    assert len(busy_of(engine, good)) == 1
    assert busy_of(engine, bad) == []
    # Half an hour later nothing is due; an hour later both are again.
    assert (
        calendar_sources.refresh_due(engine, local_settings, now=NOW + timedelta(minutes=30)).due
        == 0
    )
    hour = NOW + timedelta(minutes=60)
    again = calendar_sources.refresh_due(engine, local_settings, now=hour)
    assert again.model_dump() == {"due": 2, "queued": 2}
    assert Worker(engine, local_settings, now=lambda: hour).drain() == 2
    with Session(engine) as session:
        sources = {s.id: s for s in session.exec(select(CalendarSource)).all()}
    assert sources[good].last_success_at == hour
    assert sources[bad].last_error_at == hour


# --------------------------------------------------------------------------- upload


def test_upload_reads_the_file_first_and_a_refused_file_keeps_the_previous(
    engine: Engine, ids: dict, settings: Settings
) -> None:
    first = upload(
        engine, settings, ids["anna"], MEETING, filename="Werk.ics", content_type="text/calendar"
    )
    assert first.label == "Werk"
    assert (first.health, first.reading) == ("ok", False)
    # Refused in the request: nothing is queued, nothing changes.
    refusals = [
        (b"", "text/calendar", "empty"),
        (b"\x89PNG\r\n\x1a\n", "image/png", "image/png, not a calendar"),
        (
            b"x" * (settings.calendar_max_bytes + 1),
            "text/calendar",
            "larger than the limit of 10 MB",
        ),
    ]
    for content, kind, message in refusals:
        with Session(engine) as session:
            with pytest.raises(ValidationFailed, match=message) as caught:
                calendar_sources.upload_file(
                    session, settings, trust_person_id=ids["anna"], content=content,
                    content_type=kind, source_id=first.id,
                )  # fmt: skip
            assert caught.value.errors[0].field == "file"
    with Session(engine) as session:
        assert queue.counts(session) == {"succeeded": 1}
    # Refused by the worker: the reason is on the source, the previous file stays in effect.
    cut_off = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026"
    later = NOW + timedelta(hours=1)
    failed = upload(engine, settings, ids["anna"], cut_off, later, source_id=first.id)
    assert (failed.health, failed.reading, failed.last_success_at) == ("error", False, NOW)
    assert "looks cut off" in (failed.last_error or "")
    # ... also as a message id with its values, for a page in the reader's language.
    assert failed.last_error_words == {
        "message_id": (
            "the calendar ends without END:VCALENDAR: the file looks cut off (line {line})"
        ),
        "params": {"line": 3},
    }
    assert len(busy_of(engine, first.id)) == 1
    again = later + timedelta(hours=1)
    replaced = upload(engine, settings, ids["anna"], TWO_MEETINGS, again, source_id=first.id)
    assert replaced.id == first.id
    assert (replaced.health, replaced.event_count) == ("ok", 2)
    assert len(busy_of(engine, first.id)) == 2


def test_a_new_upload_is_read_by_a_worker_and_its_bytes_leave_with_the_job(
    engine: Engine, ids: dict, settings: Settings
) -> None:
    with Session(engine) as session:
        queued = calendar_sources.upload_file(
            session, settings, trust_person_id=ids["anna"], content=MEETING, filename="a.ics"
        )
        session.commit()
    assert (queued.health, queued.reading, queued.event_count) == ("pending", True, 0)
    assert busy_of(engine, queued.id) == []
    with Session(engine) as session:
        job = session.exec(select(Job)).one()
        assert (job.task, job.lane, job.data) == ("calendar_upload", "upload", MEETING)
        listed = calendar_sources.list_sources(session, trust_person_id=ids["anna"])
    assert [(s.id, s.reading) for s in listed] == [(queued.id, True)]
    assert Worker(engine, settings, now=lambda: NOW).drain() == 1
    with Session(engine) as session:
        job = session.exec(select(Job)).one()
        assert (job.status.value, job.data) == ("succeeded", None)
        read = calendar_sources.get_source(
            session, trust_person_id=ids["anna"], source_id=queued.id
        )
    assert (read.health, read.reading, read.event_count, read.byte_count) == (
        "ok", False, 1, len(MEETING),
    )  # fmt: skip
    assert len(busy_of(engine, queued.id)) == 1


def test_a_newer_file_replaces_one_not_read_yet_and_waits_for_one_being_read(
    engine: Engine, ids: dict, settings: Settings
) -> None:
    first = upload(engine, settings, ids["anna"], MEETING)
    with Session(engine) as session:
        calendar_sources.upload_file(
            session, settings, trust_person_id=ids["anna"], content=MEETING, source_id=first.id
        )
        session.commit()
    with Session(engine) as session:  # a second file before a worker took the first
        calendar_sources.upload_file(
            session, settings, trust_person_id=ids["anna"], content=TWO_MEETINGS,
            source_id=first.id,
        )  # fmt: skip
        session.commit()
    with Session(engine) as session:
        assert queue.counts(session) == {"succeeded": 1, "cancelled": 1, "queued": 1}
    held = queue.claim(engine, "w", LaneLimits("upload"), lease_s=20)
    assert held is not None
    with Session(engine) as session, pytest.raises(Conflict, match="being read right now"):
        calendar_sources.upload_file(
            session, settings, trust_person_id=ids["anna"], content=MEETING,
            source_id=first.id,
        )  # fmt: skip
    calendar_sources.read_upload(engine, settings, first.id, TWO_MEETINGS, now=NOW)
    assert len(busy_of(engine, first.id)) == 2


def test_a_worker_that_dies_reading_an_upload_leaves_the_reason_on_the_source(
    engine: Engine, ids: dict, settings: Settings
) -> None:
    with Session(engine) as session:
        queued = calendar_sources.upload_file(
            session, settings, trust_person_id=ids["anna"], content=MEETING
        )
        session.commit()
    assert queue.claim(engine, "gone", LaneLimits("upload"), lease_s=20) is not None
    Worker(engine, settings, now=lambda: NOW).keep()  # its lease has not passed: nothing yet
    with Session(engine) as session:
        assert calendar_sources.get_source(
            session, trust_person_id=ids["anna"], source_id=queued.id
        ).reading
    abandoned = {calendar_sources.UPLOAD_TASK: calendar_sources.abandon_upload}
    later = datetime.now(UTC) + timedelta(seconds=30)
    assert [status.value for _, status in queue.reap(engine, abandoned, now=later)] == ["failed"]
    with Session(engine) as session:
        source = calendar_sources.get_source(
            session, trust_person_id=ids["anna"], source_id=queued.id
        )
        job = session.exec(select(Job)).one()
    assert (source.health, source.reading) == ("error", False)
    assert source.last_error == calendar_sources.UPLOAD_ABANDONED
    assert job.data is None


def test_deleting_or_switching_off_a_source_removes_its_busy_time(
    engine: Engine, ids: dict, settings: Settings
) -> None:
    source = upload(engine, settings, ids["anna"], MEETING)
    before = feed_changed(engine, ids["anna"])
    with Session(engine) as session:
        off = calendar_sources.update_source(
            session,
            trust_person_id=ids["anna"],
            source_id=source.id,
            data=typed(CalendarSourceUpdate, {"enabled": False}),
        )
        session.commit()
    assert off.health == "off"
    assert busy_of(engine, source.id) == []
    after = feed_changed(engine, ids["anna"])
    assert before is not None
    assert after is not None
    assert after > before
    with Session(engine) as session:
        calendar_sources.delete_source(session, trust_person_id=ids["anna"], source_id=source.id)
        session.commit()
        assert session.get(CalendarSource, source.id) is None
    assert feed_changed(engine, ids["anna"]) == after  # nothing left to show had changed

    second = upload(engine, settings, ids["anna"], MEETING)
    marked = feed_changed(engine, ids["anna"])
    with Session(engine) as session:
        calendar_sources.delete_source(session, trust_person_id=ids["anna"], source_id=second.id)
        session.commit()
    deleted = feed_changed(engine, ids["anna"])
    assert marked is not None
    assert deleted is not None
    assert deleted > marked


def test_a_new_address_reads_as_never_fetched_and_is_due_at_once(
    engine: Engine, ids: dict, local_settings: Settings, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/a.ics").respond_with_data(MEETING, content_type="text/calendar")
    httpserver.expect_request("/b.ics").respond_with_data(
        TWO_MEETINGS, content_type="text/calendar"
    )
    source_id = link(engine, ids["anna"], httpserver.url_for("/a.ics"), refresh_minutes=10080)
    Worker(engine, local_settings, now=lambda: NOW).drain()
    with Session(engine) as session:
        moved = calendar_sources.update_source(
            session,
            trust_person_id=ids["anna"],
            source_id=source_id,
            data=typed(CalendarSourceUpdate, {"url": httpserver.url_for("/b.ics")}),
        )
        session.commit()
    assert (moved.health, moved.event_count, moved.last_success_at) == ("pending", 0, None)
    assert busy_of(engine, source_id) == []
    later = NOW + timedelta(minutes=5)
    assert calendar_sources.refresh_due(engine, local_settings, now=later).queued == 1
    assert Worker(engine, local_settings, now=lambda: later).drain() == 1
    assert len(busy_of(engine, source_id)) == 2


def test_fields_that_do_not_fit_the_kind_and_unsafe_names_are_refused(
    engine: Engine, ids: dict, settings: Settings
) -> None:
    uploaded = upload(
        engine, settings, ids["anna"], MEETING, filename="C:\\Users\\anna\\Werk\x07.ics"
    )
    assert uploaded.filename == "Werk.ics"
    linked = link(engine, ids["anna"], "https://cal.example.nl/a.ics")
    with Session(engine) as session:
        for source_id, data, field in (
            (uploaded.id, {"url": "http://169.254.169.254/x"}, "url"),
            (linked, {"filename": "x.ics"}, "filename"),
            (linked, {"url": "https://cal.example.nl:99999/a.ics"}, "url"),
        ):
            with pytest.raises(ValidationFailed) as caught:
                calendar_sources.update_source(
                    session,
                    trust_person_id=ids["anna"],
                    source_id=source_id,
                    data=typed(CalendarSourceUpdate, data),
                )
            assert caught.value.errors[0].field == field
        with pytest.raises(ValidationFailed) as caught:
            calendar_sources.upload_file(
                session, settings, trust_person_id=ids["anna"], content=MEETING,
                label="a\x00b",
            )  # fmt: skip
        assert caught.value.errors[0].field == "label"
    assert len(busy_of(engine, uploaded.id)) == 1


# --------------------------------------------------------------------------- the matcher


def test_days_the_vps_calendar_fills_count_as_absences_for_the_matcher(
    engine: Engine, ids: dict, settings: Settings
) -> None:
    # A holiday from Mon 7 to Fri 11 December (all-day, DTEND exclusive) and one
    # ordinary meeting, which books no day.
    holiday = ics(
        ("leave", "20261207", "20261212"), ("meeting", "20261214T100000", "20261214T110000")
    )
    upload(engine, settings, ids["anna"], holiday)
    with Session(engine) as session:
        booked = calendar_sources.booked_days(session, date(2026, 11, 23), date(2027, 1, 1))
        assert {vp: [(d.starts_on, d.ends_on) for d in days] for vp, days in booked.items()} == {
            ids["anna"]: [(date(2026, 12, 7), date(2026, 12, 12))]
        }
        bundle = matching.build_instance(session, settings, today=date(2026, 11, 23))
    anna = next(vp for vp in bundle.instance.trust_persons if vp.id == ids["anna"])
    assert [(p.starts_on, p.ends_on) for p in anna.absences] == [
        (date(2026, 12, 7), date(2026, 12, 12))
    ]


def test_an_information_session_that_fills_a_day_books_it_for_the_matcher_without_a_calendar(
    engine: Engine, ids: dict, settings: Settings
) -> None:
    """Bram imports no calendar. A session of 09:00-17:00 with half an hour's travel each
    way fills his (office-hours) Tuesday: the matcher treats the day as an absence. A
    session of two hours books no day: it does not change his monthly capacity."""
    amsterdam = ZoneInfo("Europe/Amsterdam")
    with Session(engine) as session:
        for day, start, end in ((8, 9, 17), (9, 10, 12)):
            session.add(
                InfoSession(
                    kind=InfoSessionKind.INFORMATION,
                    organisation_id=ids["zorg"],
                    starts_on=date(2026, 12, 1),
                    ends_on=date(2026, 12, 20),
                    duration_minutes=(end - start) * 60,
                    status=InfoSessionStatus.BOOKED,
                    trust_person_id=ids["bram"],
                    starts_at=datetime(2026, 12, day, start, tzinfo=amsterdam),
                    ends_at=datetime(2026, 12, day, end, tzinfo=amsterdam),
                    travel_minutes=30,
                )
            )
        session.commit()
        booked = calendar_sources.booked_days(session, date(2026, 11, 23), date(2027, 1, 1))
        assert [(d.starts_on, d.ends_on) for d in booked[ids["bram"]]] == [
            (date(2026, 12, 8), date(2026, 12, 9))
        ]
        bundle = matching.build_instance(session, settings, today=date(2026, 11, 23))
    bram = next(vp for vp in bundle.instance.trust_persons if vp.id == ids["bram"])
    assert [(p.starts_on, p.ends_on) for p in bram.absences] == [
        (date(2026, 12, 8), date(2026, 12, 9))
    ]


def test_a_short_need_during_a_calendar_holiday_is_not_offered_to_that_vp(
    engine: Engine, ids: dict, settings: Settings
) -> None:
    holiday = ics(("leave", "20261207", "20261219"))
    upload(engine, settings, ids["anna"], holiday)
    with Session(engine) as session:
        need = session.exec(select(Need).where(Need.organisation_id == ids["zorg"])).one()
        need.kind = NeedKind.ABSENCE_COVER
        need.starts_on = date(2026, 12, 7)
        need.ends_on = date(2026, 12, 19)
        need.requires_gender_mix = False
        need.seats = 1
        session.add(need)
        session.commit()
        assert need.id is not None
        ranking = matching.quick_match_need(session, settings, need.id, today=date(2026, 11, 23))
    ranked = {c.trust_person_id for c in ranking.candidates}
    assert ids["anna"] not in ranked
    assert ranking.ineligible.get("absence_overlap", 0) >= 1
