"""Calendars (pure): availability, RFC 5545 feeds and import of busy time.

* :mod:`availability <vppool.calendar._availability>`: a VP's working, busy and free time
  in a window from weekly hours, overrides, absences, Dutch holidays, imported busy time and
  vppool's own commitments, computed in the VP's wall time; common free time of a group.
* :mod:`feeds <vppool.calendar._feeds>`: a VP's own feed and busy/free-only availability
  feeds (per VP and per client team), with stable UIDs and HTTP validators.
* :mod:`import <vppool.calendar._import>`: busy time from an uploaded or fetched ICS file,
  robust against real-world quirks and hostile input.

Nothing here touches the database, HTTP or the scheduler; ``now``/``today`` are parameters.
"""

from __future__ import annotations

from vppool.calendar._availability import (
    Availability,
    AvailabilityProfile,
    Commitment,
    CommitmentKind,
    DateOverride,
    DayRange,
    TimeRange,
    WeeklyHours,
    availability,
    booked_days,
    common_free_time,
    dutch_public_holidays,
    local_day,
)
from vppool.calendar._feeds import (
    PRODID,
    UID_DOMAIN,
    DeadlineKind,
    FeedAssignment,
    FeedDeadline,
    FeedInfoSession,
    FeedOptions,
    FeedResponse,
    FeedSession,
    FeedTraining,
    FeedWindow,
    Language,
    TeamMember,
    feed_response,
    render_availability_feed,
    render_team_feed,
    render_vp_feed,
    team_labels,
)
from vppool.calendar._import import (
    BusyKind,
    ImportLimits,
    ImportProblem,
    ImportResult,
    busy_kind,
    import_ics,
)
from vppool.calendar._intervals import (
    BusyBlock,
    Interval,
    clip,
    intersect,
    intersect_all,
    merge,
    merge_busy,
    subtract,
    total_duration,
)
from vppool.calendar._scan import CalendarImportError

__all__ = [
    "PRODID",
    "UID_DOMAIN",
    "Availability",
    "AvailabilityProfile",
    "BusyBlock",
    "BusyKind",
    "CalendarImportError",
    "Commitment",
    "CommitmentKind",
    "DateOverride",
    "DayRange",
    "DeadlineKind",
    "FeedAssignment",
    "FeedDeadline",
    "FeedInfoSession",
    "FeedOptions",
    "FeedResponse",
    "FeedSession",
    "FeedTraining",
    "FeedWindow",
    "ImportLimits",
    "ImportProblem",
    "ImportResult",
    "Interval",
    "Language",
    "TeamMember",
    "TimeRange",
    "WeeklyHours",
    "availability",
    "booked_days",
    "busy_kind",
    "clip",
    "common_free_time",
    "dutch_public_holidays",
    "feed_response",
    "import_ics",
    "intersect",
    "intersect_all",
    "local_day",
    "merge",
    "merge_busy",
    "render_availability_feed",
    "render_team_feed",
    "render_vp_feed",
    "subtract",
    "team_labels",
    "total_duration",
]
