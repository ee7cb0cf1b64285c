"""Fetching calendar URLs against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from vppool.services.fetch import FetchError, fetch_calendar, normalise_calendar_url

pytestmark = pytest.mark.integration

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n"
LOCAL = ("127.0.0.1",)


def test_webcal_is_fetched_as_https_and_other_schemes_are_refused() -> None:
    assert normalise_calendar_url("webcal://cal.example.nl/a.ics") == "https://cal.example.nl/a.ics"
    with pytest.raises(FetchError, match="https://, http:// or webcal://"):
        normalise_calendar_url("file:///etc/passwd")
    with pytest.raises(FetchError, match="no host"):
        normalise_calendar_url("https:///x.ics")


def test_loopback_is_refused_unless_allowed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/cal.ics").respond_with_data(ICS, content_type="text/calendar")
    with pytest.raises(FetchError, match="private or local address"):
        fetch_calendar(httpserver.url_for("/cal.ics"))
    result = fetch_calendar(httpserver.url_for("/cal.ics"), allow=LOCAL)
    assert result.body == ICS


def test_conditional_get_answers_not_modified(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(ICS, content_type="text/calendar", headers={"ETag": '"v1"'})

    httpserver.expect_request("/cal.ics").respond_with_handler(handler)
    first = fetch_calendar(httpserver.url_for("/cal.ics"), allow=LOCAL)
    assert first.etag == '"v1"'
    second = fetch_calendar(httpserver.url_for("/cal.ics"), etag=first.etag, allow=LOCAL)
    assert second.not_modified


def test_oversized_calendar_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big.ics").respond_with_data(
        b"x" * 50_000, content_type="text/calendar"
    )
    with pytest.raises(FetchError, match=r"larger than|MB"):
        fetch_calendar(httpserver.url_for("/big.ics"), allow=LOCAL, max_bytes=10_000)


def test_web_page_instead_of_calendar_is_explained(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/page").respond_with_data(b"<html>", content_type="text/html")
    with pytest.raises(FetchError, match="web page"):
        fetch_calendar(httpserver.url_for("/page"), allow=LOCAL)


def test_redirect_to_a_private_address_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/moved.ics").respond_with_data(
        b"", status=302, headers={"Location": "http://10.0.0.1/secret.ics"}
    )
    with pytest.raises(FetchError, match="private or local address"):
        fetch_calendar(httpserver.url_for("/moved.ics"), allow=LOCAL)


def test_error_status_and_timeouts_are_explained(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone.ics").respond_with_data(b"", status=404)
    with pytest.raises(FetchError, match="answered 404"):
        fetch_calendar(httpserver.url_for("/gone.ics"), allow=LOCAL)

    def slow(_request: Request) -> Response:
        time.sleep(0.5)
        return Response(ICS, content_type="text/calendar")

    httpserver.expect_request("/slow.ics").respond_with_handler(slow)
    with pytest.raises(FetchError, match="did not answer within"):
        fetch_calendar(httpserver.url_for("/slow.ics"), allow=LOCAL, timeout_s=0.1)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://cal.example.nl:99999/a.ics", "not a valid address"),
        ("https://[::1/a.ics", "not a valid address"),
        ("https://" + "a" * 70 + ".nl/a.ics", "is not valid"),
        ("https://cal.example.nl:0/a.ics", "port 0"),
    ],
)
def test_addresses_that_cannot_be_fetched_are_refused_up_front(url: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        normalise_calendar_url(url)


def test_a_redirect_to_an_unusable_address_is_a_fetch_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/moved.ics").respond_with_data(
        b"", status=302, headers={"Location": "https://cal.example.nl:0/x.ics"}
    )
    with pytest.raises(FetchError, match="port 0"):
        fetch_calendar(httpserver.url_for("/moved.ics"), allow=LOCAL)


def test_a_server_that_drips_the_body_is_cut_off_at_the_deadline(httpserver: HTTPServer) -> None:
    def drip(_request: Request) -> Response:
        def body() -> Iterator[bytes]:
            yield b"BEGIN:VCALENDAR\r\n"
            for _ in range(40):
                time.sleep(0.1)
                yield b"X-DRIP:1\r\n"

        return Response(body(), content_type="text/calendar")

    httpserver.expect_request("/drip.ics").respond_with_handler(drip)
    started = time.monotonic()
    with pytest.raises(FetchError, match="within 1 seconds"):
        fetch_calendar(httpserver.url_for("/drip.ics"), allow=LOCAL, timeout_s=1)
    assert time.monotonic() - started < 2.5  # a per-read timeout alone would take 4 s


def test_the_connection_goes_to_the_checked_address_with_the_host_name_kept(
    httpserver: HTTPServer,
) -> None:
    seen: list[str] = []

    def record(request: Request) -> Response:
        seen.append(request.headers.get("Host", ""))
        return Response(ICS, content_type="text/calendar")

    httpserver.expect_request("/cal.ics").respond_with_handler(record)
    url = httpserver.url_for("/cal.ics").replace("127.0.0.1", "localhost")
    fetch_calendar(url, allow=("localhost",))
    assert seen == [f"localhost:{httpserver.port}"]
