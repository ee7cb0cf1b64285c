"""Fetching a VP's calendar URL safely: limits, conditional GET and a guard against SSRF.

Only ``https``, ``http`` and ``webcal`` (fetched as https) are followed. Every address a
host name resolves to must be public, unless the host or network is on the allow-list
(tests use that for a server on 127.0.0.1); redirects are followed by hand and each hop is
checked again. The connection goes to the very address that was checked (the host name is
not looked up a second time, so a DNS answer that changes in between cannot point the
request at an internal address); TLS still verifies the certificate for the host name. The
body is read in chunks and refused past the size limit, and the whole fetch, redirects
included, has one deadline (a server that drips a byte at a time cannot hold it up).

httpx logs every request URL at INFO; a VP's calendar address is often secret (it opens
their whole agenda), so its logger is set to WARNING here.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

__all__ = ["FetchError", "FetchResult", "fetch_calendar", "normalise_calendar_url"]

USER_AGENT = "vppool-calendar-sync/1.0 (+https://vppool.example)"
MAX_REDIRECTS = 3
CALENDAR_TYPES = ("text/calendar", "text/plain", "application/octet-stream", "application/ics")

logging.getLogger("httpx").setLevel(logging.WARNING)


class FetchError(Exception):
    """The calendar could not be fetched; the message says why in the VP's terms.

    ``template`` is the English text with ``{name}`` placeholders filled from ``params``
    and the message id under which a page finds it in the reader's language.
    """

    def __init__(self, template: str, **params: Any) -> None:
        super().__init__(template.format(**params) if params else template)
        self.template = template
        self.params = params


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A fetched body, or ``not_modified`` when the server answered 304."""

    not_modified: bool
    body: bytes
    etag: str | None
    last_modified: str | None
    final_url: str


def normalise_calendar_url(url: str) -> str:
    """``webcal://`` becomes ``https://``; anything but a valid http(s) address is refused."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
        host = parts.hostname
    except ValueError as exc:  # an unclosed [ or a port out of range
        msg = "this is not a valid address ({problem})"
        raise FetchError(msg, problem=str(exc)) from exc
    scheme = parts.scheme.lower()
    if scheme in ("webcal", "webcals"):
        parts = parts._replace(scheme="https")
    elif scheme not in ("http", "https"):
        msg = "use an https://, http:// or webcal:// address of a calendar (.ics)"
        raise FetchError(msg)
    if not host:
        msg = "the address has no host name"
        raise FetchError(msg)
    if port == 0:
        msg = "the address has port 0; leave the port out or give a real one"
        raise FetchError(msg)
    try:
        host.encode("idna")
    except UnicodeError as exc:
        msg = "the host name {host} is not valid"
        raise FetchError(msg, host=repr(host[:80])) from exc
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


def _check_host(url: str, allow: tuple[str, ...]) -> str:
    """Resolve the host; every address must be allowed. Returns the one to connect to."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        msg = "the host {host} does not exist (DNS lookup failed)"
        raise FetchError(msg, host=repr(host)) from exc
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        if not _allowed(host, address, allow):
            msg = (
                "{host} points to a private or local address ({address}); "
                "vppool only fetches public calendars"
            )
            raise FetchError(msg, host=host, address=address)
    if not addresses:
        msg = "the host {host} has no address"
        raise FetchError(msg, host=repr(host))
    return addresses[0]


def _pinned(url: str, address: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """The URL with the checked address as its host, the Host header and the TLS name."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    literal = f"[{address}]" if ":" in address else address
    netloc = literal if parts.port is None else f"{literal}:{parts.port}"
    header_host = host if parts.port is None else f"{host}:{parts.port}"
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    return urlunsplit(parts._replace(netloc=netloc)), {"Host": header_host}, extensions


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
    """GET a calendar with the guards above; ``FetchError`` says what went wrong.

    ``timeout_s`` bounds the whole fetch, redirects and the body included.
    """
    deadline = time.monotonic() + timeout_s
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
            address = _check_host(current, allow)
            target, host_header, extensions = _pinned(current, address)
            try:
                with client.stream(
                    "GET", target, headers=headers | host_header, extensions=extensions
                ) as response:
                    if response.status_code == 304:
                        return FetchResult(True, b"", etag, last_modified, current)
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        current = normalise_calendar_url(str(httpx.URL(current).join(location)))
                        _check_deadline(deadline, timeout_s)
                        continue
                    return _read(response, max_bytes, current, deadline, timeout_s)
            except httpx.TimeoutException as exc:
                msg = "the calendar server did not answer within {seconds} seconds"
                raise FetchError(msg, seconds=f"{timeout_s:g}") from exc
            except httpx.HTTPError as exc:
                msg = "could not reach the calendar server: {problem}"
                raise FetchError(msg, problem=str(exc)) from exc
            except (ValueError, UnicodeError, httpx.InvalidURL) as exc:
                msg = "the calendar server sent an unusable answer: {problem}"
                raise FetchError(msg, problem=str(exc)) from exc
    msg = "more than {count} redirects"
    raise FetchError(msg, count=MAX_REDIRECTS)


def _check_deadline(deadline: float, timeout_s: float) -> None:
    if time.monotonic() > deadline:
        msg = "the calendar server did not send the calendar within {seconds} seconds"
        raise FetchError(msg, seconds=f"{timeout_s:g}")


def _read(
    response: httpx.Response, max_bytes: int, url: str, deadline: float, timeout_s: float
) -> FetchResult:
    """Check the answer and read its body up to ``max_bytes`` before the deadline."""
    limit_mb = max_bytes // 1_000_000
    if response.status_code >= 400:
        msg = "the calendar server answered {status} {reason}"
        raise FetchError(msg, status=response.status_code, reason=response.reason_phrase)
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "text/html":
        msg = "the address returns a web page, not a calendar; copy the .ics link"
        raise FetchError(msg)
    if kind and kind not in CALENDAR_TYPES and not kind.startswith("text/"):
        msg = "the address returns {kind}, not a calendar (text/calendar)"
        raise FetchError(msg, kind=kind)
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        msg = "the calendar is {size} MB; the limit is {limit} MB"
        raise FetchError(msg, size=int(declared) // 1_000_000, limit=limit_mb)
    chunks = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            msg = "the calendar is larger than {limit} MB"
            raise FetchError(msg, limit=limit_mb)
        chunks.append(chunk)
        _check_deadline(deadline, timeout_s)
    return FetchResult(
        False,
        b"".join(chunks),
        response.headers.get("etag"),
        response.headers.get("last-modified"),
        url,
    )
