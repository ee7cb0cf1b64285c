"""Reading the raw text of an iCalendar file: decoding, unfolding and component structure.

This runs before icalendar sees anything, for three reasons: garbage gets a clear message
with a line number; one broken component can be cut out without losing the rest; and each
event can be handed to icalendar on its own, reduced to the properties an import needs.

Lenient where real files are sloppy: CRLF, LF or CR line endings; folded lines that lost
their leading space (joined to the previous line); blank lines; several VCALENDARs in one
file. Strict where leniency would hide a problem: the file must start with BEGIN:VCALENDAR
and end it, and nesting is limited.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from vppool.errors import FieldError, ValidationFailed

__all__ = [
    "MAX_NESTING",
    "Block",
    "CalendarImportError",
    "Line",
    "ScannedCalendar",
    "decode",
    "scan",
    "split_line",
]

#: VCALENDAR > VEVENT > VALARM is 3 deep; deeper than this is not a calendar.
MAX_NESTING = 8

_NAME = re.compile(r"[A-Za-z0-9-]+[;:]")
_NAME_PART = re.compile(r"[A-Za-z0-9-]+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BYTE_FOLD = re.compile(rb"(?:\r\n|\r|\n)[ \t]")
_TOP_LEVEL = frozenset({"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "VAVAILABILITY"})
#: What a file that is no calendar starts with, and what to say (a message id each).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "this is a PNG image, not an iCalendar (.ics) text file"),
    (b"\xff\xd8\xff", "this is a JPEG image, not an iCalendar (.ics) text file"),
    (b"%PDF", "this is a PDF document, not an iCalendar (.ics) text file"),
    (
        b"PK\x03\x04",
        "this is a ZIP archive (or an Office document), not an iCalendar (.ics) text file",
    ),
    (b"\x1f\x8b", "this is gzip-compressed data, not an iCalendar (.ics) text file"),
)


class CalendarImportError(ValidationFailed):
    """An uploaded or fetched calendar cannot be read; the message says what and where.

    Attributes:
        line: The 1-based line the problem was found on, if any.
        uid: The UID of the component concerned, if any.
    """

    def __init__(
        self, message: str, *, line: int | None = None, uid: str | None = None, **params: Any
    ) -> None:
        # ``message`` is a template with ``{name}`` placeholders for ``params``; where the
        # problem is joins them, so that a page finds the whole text in its language.
        where = []
        if line is not None:
            where.append("line {line}")
            params["line"] = line
        if uid is not None:
            where.append("UID {uid}")
            params["uid"] = uid
        template = f"{message} ({', '.join(where)})" if where else message
        super().__init__([FieldError("calendar", template, params)], subject="calendar")
        self.line = line
        self.uid = uid


@dataclass(slots=True)
class Line:
    """One logical (unfolded) content line and the physical line it starts on."""

    number: int
    text: str


@dataclass(slots=True)
class Block:
    """A component directly inside VCALENDAR, with all lines between its BEGIN and END.

    ``problem`` is set when its structure is broken (an END missing, or too deep).
    """

    name: str
    line: int
    lines: list[Line] = field(default_factory=list)
    problem: str | None = None


@dataclass(slots=True)
class ScannedCalendar:
    """The structure of a file: calendar-level properties and components.

    Attributes:
        properties: Properties of the VCALENDAR(s) themselves.
        blocks: Components directly inside a VCALENDAR, in file order.
        notes: Problems that did not stop the scan, with their line numbers.
    """

    properties: list[Line] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)


def decode(data: bytes | str, max_bytes: int) -> tuple[str, list[str]]:
    """Turn the raw input into text, refusing what is clearly not a calendar.

    Args:
        data: The file or response body.
        max_bytes: The size limit.

    Returns:
        The text and notes about how it was decoded.

    Raises:
        CalendarImportError: If it is too large, empty, binary or not text.
    """
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        msg = "the calendar is {size} bytes; the limit is {limit} bytes ({limit_mb} MB)"
        raise CalendarImportError(
            msg, size=f"{size:,}", limit=f"{max_bytes:,}", limit_mb=f"{max_bytes / 1024 / 1024:g}"
        )
    if isinstance(data, str):
        text = data
        notes: list[str] = []
    else:
        text, notes = _decode_bytes(data)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        msg = "the calendar is empty"
        raise CalendarImportError(msg)
    nul = text.find("\x00")
    if nul >= 0:
        msg = "binary data (a NUL character at offset {offset}): this is not an iCalendar text file"
        raise CalendarImportError(msg, offset=nul)
    return text, notes


def _decode_bytes(data: bytes) -> tuple[str, list[str]]:
    for magic, message in _MAGIC:
        if data.startswith(magic):
            raise CalendarImportError(message)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ["the file is UTF-16; read as such"]
        except UnicodeDecodeError as error:
            msg = "the file claims to be UTF-16 but is not (byte {byte})"
            raise CalendarImportError(msg, byte=error.start) from None
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        first_error = error.start
    try:
        # Some writers fold lines by characters of their own encoding, splitting UTF-8
        # sequences; RFC 5545 unfolds octets before decoding.
        unfolded = _BYTE_FOLD.sub(b"", data).decode("utf-8")
    except UnicodeDecodeError:
        note = f"the file is not valid UTF-8 (byte {first_error}); read as Windows-1252"
        return data.decode("cp1252", errors="replace"), [note]
    note = "a line was folded inside a character; line numbers count unfolded lines"
    return unfolded, [note]


def _sniff(first: str) -> tuple[str, dict[str, Any]]:
    """What a file that does not start with BEGIN:VCALENDAR is: a template and its values."""
    lowered = first.lstrip().lower()
    if lowered.startswith(("<!doctype html", "<html", "<?xml", "<")):
        return (
            "this is a web page or XML, not an iCalendar file; check the address "
            "(it may need a login, or point to a page instead of the .ics file)"
        ), {}
    if lowered.startswith(("{", "[")):
        return "this is JSON, not an iCalendar file", {}
    if lowered.startswith("begin:vcard"):
        return "this is a contact card (vCard), not a calendar", {}
    shown = repr(first.strip()[:60])
    return "this is not an iCalendar file: it starts with {shown}, not BEGIN:VCALENDAR", {
        "shown": shown
    }


def _logical_lines(text: str, notes: list[tuple[int, str]]) -> Iterator[Line]:
    """Unfold physical lines into content lines, repairing folds that lost their space."""
    current: Line | None = None
    repaired_at: int | None = None
    for number, physical in enumerate(_LINE_BREAK.split(text), start=1):
        if not physical:
            continue
        if physical[0] in " \t":
            if current is not None:
                current.text += physical[1:]
            continue
        if current is not None and not _NAME.match(physical):
            # A fold without its leading space: the text belongs to the previous line.
            current.text += physical
            if repaired_at is None:
                repaired_at = number
                notes.append((number, "a folded line without its leading space was joined"))
            continue
        if current is not None:
            yield current
        current = Line(number, physical)
    if current is not None:
        yield current


def split_line(text: str) -> tuple[str, str, str]:
    """Split a content line into name, parameter text (with leading ``;``) and value."""
    colon = text.find(":")
    if colon >= 0 and text.find('"', 0, colon) < 0:  # the common case: nothing quoted
        cut = text.find(";", 0, colon)
        if cut < 0:
            return text[:colon].upper(), "", text[colon + 1 :]
        return text[:cut].upper(), text[cut:colon], text[colon + 1 :]
    in_quotes = False
    for index, char in enumerate(text):
        if char == '"':
            in_quotes = not in_quotes
        elif char == ":" and not in_quotes:
            head = text[:index]
            cut = head.find(";")
            if cut < 0:
                return head.upper(), "", text[index + 1 :]
            return head[:cut].upper(), head[cut:], text[index + 1 :]
    return text.upper(), "", ""


def _property_name(text: str) -> str:
    match = _NAME_PART.match(text)
    return match.group().upper() if match else ""


def _component(text: str, keyword: str) -> str | None:
    if text[0] in "BbEe" and len(text) > len(keyword) and text[: len(keyword)].upper() == keyword:
        return text[len(keyword) :].strip().upper()
    return None


def scan(text: str, keep: Mapping[str, frozenset[str]] | None = None) -> ScannedCalendar:
    """Find the calendar-level properties and the components of a calendar text.

    Args:
        text: The decoded file.
        keep: For these component names, keep only the listed properties of the component
            itself and none of its sub-components' lines (saves memory and time).

    Returns:
        The structure, with notes on what was repaired or skipped.

    Raises:
        CalendarImportError: If the text is not a calendar, is cut off, or nests too deep.
    """
    result = ScannedCalendar()
    stack: list[str] = []
    block: Block | None = None
    seen_calendar = False
    trailing_noted = False
    last_line = 0
    for line in _logical_lines(text, result.notes):
        last_line = line.number
        begin = _component(line.text, "BEGIN:")
        end = None if begin is not None else _component(line.text, "END:")
        if not stack:
            if begin == "VCALENDAR":
                stack.append(begin)
                seen_calendar = True
            elif not seen_calendar:
                template, values = _sniff(line.text)
                raise CalendarImportError(template, line=line.number, **values)
            elif not trailing_noted:
                trailing_noted = True
                result.notes.append((line.number, "text after END:VCALENDAR was ignored"))
            continue
        if begin == "VCALENDAR":
            msg = "a VCALENDAR inside a VCALENDAR"
            raise CalendarImportError(msg, line=line.number)
        if block is None:
            if begin is not None:
                block = Block(begin, line.number)
                stack.append(begin)
            elif end == "VCALENDAR":
                stack.pop()
            elif end is not None:
                result.notes.append((line.number, f"END:{end} without BEGIN:{end} ignored"))
            else:
                result.properties.append(line)
            continue
        # Inside a component.
        wanted = keep.get(block.name) if keep else None
        if begin is not None:
            if begin in _TOP_LEVEL and len(stack) == 2:
                # The previous component never ended; close it and start the new one.
                block.problem = f"no END:{block.name} before line {line.number}"
                result.blocks.append(block)
                block = Block(begin, line.number)
                stack[-1] = begin
                continue
            if len(stack) >= MAX_NESTING:
                msg = "components are nested more than {most} deep"
                raise CalendarImportError(msg, line=line.number, most=MAX_NESTING)
            stack.append(begin)
            if wanted is None:
                block.lines.append(line)
        elif end is not None:
            if end == stack[-1]:
                stack.pop()
                if len(stack) == 1:
                    result.blocks.append(block)
                    block = None
                elif wanted is None:
                    block.lines.append(line)
            elif end in stack:
                missing = stack[-1]
                while stack[-1] != end:
                    stack.pop()
                block.problem = block.problem or f"no END:{missing} before line {line.number}"
                stack.pop()
                if len(stack) <= 1:
                    result.blocks.append(block)
                    block = None
                    if not stack:  # END:VCALENDAR closed an unfinished component
                        continue
                elif wanted is None:
                    block.lines.append(line)
            else:
                block.problem = block.problem or f"END:{end} without BEGIN on line {line.number}"
        elif wanted is None or (len(stack) == 2 and _property_name(line.text) in wanted):
            block.lines.append(line)
    if stack:
        msg = "the calendar ends without END:VCALENDAR: the file looks cut off"
        raise CalendarImportError(msg, line=last_line)
    if not seen_calendar:
        msg = "this is not an iCalendar file: no BEGIN:VCALENDAR found"
        raise CalendarImportError(msg)
    return result
