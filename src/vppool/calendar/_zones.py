"""Time zone names in imported calendars: IANA, Windows, vendor-prefixed and home-made.

icalendar keeps one process-wide cache of time zones by TZID. A VTIMEZONE whose TZID is not
an IANA name (Outlook's "Customized Time Zone", or even "W. Europe Standard Time") is cached
under that name by the first file that defines it, and every later file in the process is
read with that first definition. So before icalendar parses anything, every TZID of an
imported file is rewritten:

* a name the IANA database knows stays as it is (icalendar then ignores the file's
  definition in favour of the database);
* a Windows name (icalendar's CLDR map) or a ``/vendor/Region/City`` name becomes the IANA
  name;
* any other name that the file defines becomes ``X-VPPOOL-TZ-<hash of the definition>``,
  so equal definitions share a cache entry and different ones never collide;
* a name that is neither known nor defined is dropped: the time is read in the VP's zone,
  with a warning.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from vppool.calendar._scan import Line, split_line

__all__ = ["CUSTOM_PREFIX", "custom_tzid", "known_zone", "rewrite_tzid"]

CUSTOM_PREFIX = "X-VPPOOL-TZ-"
_IANA_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*")


#: Names the system's zoneinfo folder may have that depend on the host, not on the file.
_HOST_NAMES = frozenset({"localtime", "posixrules", "factory"})


@lru_cache(maxsize=1024)
def _iana(name: str) -> str | None:
    if len(name) > 64 or not _IANA_NAME.fullmatch(name):
        return None
    if name.rsplit("/", 1)[-1].lower() in _HOST_NAMES:
        return None
    try:
        ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return None
    return name


@lru_cache(maxsize=1024)
def known_zone(tzid: str) -> str | None:
    """The IANA name for a TZID that names a known zone, or ``None``.

    Args:
        tzid: A TZID as found in a file (IANA, Windows, or ``/vendor/Region/City``).

    Returns:
        An IANA zone name that :class:`zoneinfo.ZoneInfo` accepts, or ``None``.
    """
    cleaned = tzid.strip().strip('"').strip()
    if name := _iana(cleaned.strip("/")):
        return name
    if cleaned in WINDOWS_TO_OLSON:
        return WINDOWS_TO_OLSON[cleaned]
    if cleaned.startswith("/"):
        parts = cleaned.strip("/").split("/")
        for start in range(1, len(parts)):
            if name := _iana("/".join(parts[start:])):
                return name
    return None


def custom_tzid(lines: list[Line]) -> str:
    """The content-addressed TZID for a home-made VTIMEZONE (its lines without TZID)."""
    digest = hashlib.sha256()
    for line in lines:
        name, _, _ = split_line(line.text)
        if name != "TZID":
            digest.update(line.text.strip().upper().encode())
            digest.update(b"\n")
    return CUSTOM_PREFIX + digest.hexdigest()[:24]


def _quote(value: str) -> str:
    return f'"{value}"' if any(c in value for c in ':;,"') else value


def rewrite_tzid(text: str, resolve: Callable[[str], str | None]) -> tuple[str, str | None]:
    """Replace the TZID parameter of a content line by what ``resolve`` makes of it.

    Args:
        text: The content line.
        resolve: Maps a TZID to the TZID to write, or to ``None`` to drop the parameter.

    Returns:
        The new line and the TZID that was dropped, if any.
    """
    name, params, value = split_line(text)
    if "TZID" not in params.upper():
        return text, None
    kept: list[str] = []
    dropped: str | None = None
    for param in _split_params(params):
        key, _, raw = param.partition("=")
        if key.strip().upper() != "TZID":
            kept.append(param)
            continue
        tzid = raw.strip().strip('"')
        new = resolve(tzid)
        if new is None:
            dropped = tzid
        else:
            kept.append(f"TZID={_quote(new)}")
    prefix = "".join(f";{param}" for param in kept)
    return f"{name}{prefix}:{value}", dropped


def _split_params(params: str) -> list[str]:
    """Split ``;A=1;B="x;y"`` into ``['A=1', 'B="x;y"']``."""
    result: list[str] = []
    current: list[str] = []
    in_quotes = False
    for char in params:
        if char == '"':
            in_quotes = not in_quotes
        if char == ";" and not in_quotes:
            if current:
                result.append("".join(current))
            current = []
        else:
            current.append(char)
    if current:
        result.append("".join(current))
    return result
