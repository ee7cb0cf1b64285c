"""Fetching a VP's calendar URL safely: limits, conditional GET and a guard against SSRF.

Only ``https``, ``http`` and ``webcal`` (fetched as https) are followed. Every address a
host name resolves to must be public, unless the host or network is on the allow-list
(tests use that for a server on 127.0.0.1); redirects are followed by hand and each hop is
checked again. The body is read in chunks and refused past the size limit.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

__all__ = ["FetchError", "FetchResult", "fetch_calendar", "normalise_calendar_url"]

USER_AGENT = "vppool-calendar-sync/1.0 (+https://vppool.example)"
MAX_REDIRECTS = 3
CALENDAR_TYPES = ("text/calendar", "text/plain", "application/octet-stream", "application/ics")


class FetchError(Exception):
    """The calendar could not be fetched; the message says why in the VP's terms."""


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A fetched body, or ``not_modified`` when the server answered 304."""

    not_modified: bool
    body: bytes
    etag: str | None
    last_modified: str | None
    final_url: str


def normalise_calendar_url(url: str) -> str:
    """``webcal://`` becomes ``https://``; anything but http(s) is refused."""
    text = url.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme in ("webcal", "webcals"):
        parts = parts._replace(scheme="https")
    elif scheme not in ("http", "https"):
        msg = "use an https://, http:// or webcal:// address of a calendar (.ics)"
        raise FetchError(msg)
    if not parts.hostname:
        msg = "the address has no host name"
        raise FetchError(msg)
    return urlunsplit(parts)


def _allowed(host: str, address: str, allow: tuple[str, ...]) -> bool:
    ip = ipaddress.ip_address(address)
    for entry in allow:
        if entry == host:
            return True
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return ip.is_global and not ip.is_multicast


def _check_host(url: str, allow: tuple[str, ...]) -> None:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        msg = f"the host {host!r} does not exist (DNS lookup failed)"
        raise FetchError(msg) from exc
    for info in infos:
        address = str(info[4][0])
        if not _allowed(host, address, allow):
            msg = (
                f"{host} points to a private or local address ({address}); "
                "vppool only fetches public calendars"
            )
            raise FetchError(msg)


def fetch_calendar(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = 10 * 1024 * 1024,
    timeout_s: float = 15.0,
    allow: tuple[str, ...] = (),
    transport: httpx.BaseTransport | None = None,
) -> FetchResult:
    """GET a calendar with the guards above; ``FetchError`` says what went wrong."""
    current = normalise_calendar_url(url)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, text/plain;q=0.8, */*;q=0.1"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    with httpx.Client(
        timeout=httpx.Timeout(timeout_s), follow_redirects=False, transport=transport
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            _check_host(current, allow)
            try:
                with client.stream("GET", current, headers=headers) as response:
                    if response.status_code == 304:
                        return FetchResult(True, b"", etag, last_modified, current)
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        current = normalise_calendar_url(str(response.url.join(location)))
                        continue
                    return _read(response, max_bytes, current)
            except httpx.TimeoutException as exc:
                msg = f"the calendar server did not answer within {timeout_s:g} seconds"
                raise FetchError(msg) from exc
            except httpx.HTTPError as exc:
                msg = f"could not reach the calendar server: {exc}"
                raise FetchError(msg) from exc
    msg = f"more than {MAX_REDIRECTS} redirects"
    raise FetchError(msg)


def _read(response: httpx.Response, max_bytes: int, url: str) -> FetchResult:
    """Check the answer and read its body up to ``max_bytes``."""
    limit_mb = max_bytes // 1_000_000
    if response.status_code >= 400:
        msg = f"the calendar server answered {response.status_code} {response.reason_phrase}"
        raise FetchError(msg)
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "text/html":
        msg = "the address returns a web page, not a calendar; copy the .ics link"
        raise FetchError(msg)
    if kind and kind not in CALENDAR_TYPES and not kind.startswith("text/"):
        msg = f"the address returns {kind}, not a calendar (text/calendar)"
        raise FetchError(msg)
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        msg = f"the calendar is {int(declared) // 1_000_000} MB; the limit is {limit_mb} MB"
        raise FetchError(msg)
    chunks = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            msg = f"the calendar is larger than {limit_mb} MB"
            raise FetchError(msg)
        chunks.append(chunk)
    return FetchResult(
        False,
        b"".join(chunks),
        response.headers.get("etag"),
        response.headers.get("last-modified"),
        url,
    )
