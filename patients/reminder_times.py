"""Reminder times of day: suggested defaults, validation, choosing which list applies, words.

Pure functions over "HH:MM" strings (how the times are stored) and ``datetime.time``. The
patient's own times win over the therapist's, which win over the suggestion for the number of
sessions a day; a list applies only when it has a time for every session.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prescriptions.models import MAX_TIMES_PER_DAY

TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

# One reminder per daily session, spread over the waking day.
SUGGESTED_TIMES: dict[int, tuple[str, ...]] = {
    1: ("09:00",),
    2: ("09:00", "18:00"),
    3: ("09:00", "13:00", "18:00"),
    4: ("08:00", "12:00", "16:00", "20:00"),
    5: ("08:00", "11:00", "14:00", "17:00", "20:00"),
    6: ("08:00", "10:00", "12:00", "14:00", "16:00", "18:00"),
}
assert set(SUGGESTED_TIMES) == set(range(1, MAX_TIMES_PER_DAY + 1))

# The times offered in forms: every quarter of an hour from early morning to late evening.
FIRST_CHOICE = datetime.time(5, 0)
LAST_CHOICE = datetime.time(23, 0)
CHOICE_STEP_MINUTES = 15


def parse_time(value: str) -> datetime.time:
    """ "09:30" → time(9, 30); ValueError for anything else."""
    match = TIME_PATTERN.match(value)
    if not match:
        raise ValueError(f"Not a time of day as HH:MM: {value!r}")
    return datetime.time(int(match.group(1)), int(match.group(2)))


def format_time(value: datetime.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def validate_reminder_times(value: object) -> None:
    """A list of up to six "HH:MM" times, earliest first, each once (empty: not chosen)."""
    if not isinstance(value, list):
        raise ValidationError(_("Reminder times must be a list of times such as 09:00."))
    if len(value) > MAX_TIMES_PER_DAY:
        raise ValidationError(
            ngettext(
                "At most %(count)d reminder time.",
                "At most %(count)d reminder times.",
                MAX_TIMES_PER_DAY,
            )
            % {"count": MAX_TIMES_PER_DAY}
        )
    if not all(isinstance(item, str) and TIME_PATTERN.match(item) for item in value):
        raise ValidationError(_("Each reminder time is written as HH:MM, for example 09:00."))
    if any(later <= earlier for earlier, later in zip(value, value[1:], strict=False)):
        raise ValidationError(_("Reminder times go earliest first, each time once."))


def suggested_times(count: int) -> list[str]:
    """The suggestion for ``count`` sessions a day (clamped to 1..6)."""
    return list(SUGGESTED_TIMES[min(max(count, 1), MAX_TIMES_PER_DAY)])


def resolve_times(
    count: int, *, own: Sequence[str], therapist: Sequence[str]
) -> list[datetime.time]:
    """The times that apply for ``count`` sessions: the patient's, else the therapist's, else
    the suggestion. A list with fewer times than sessions does not apply (its times were chosen
    for fewer sessions, and mixing lists could put session 2 before session 1)."""
    count = min(max(count, 1), MAX_TIMES_PER_DAY)
    for times in (own, therapist):
        if len(times) >= count:
            return [parse_time(value) for value in times[:count]]
    return [parse_time(value) for value in suggested_times(count)]


def time_in_words(value: datetime.time) -> str:
    """ "9:00 in the morning", "1:30 in the afternoon", "12:00 noon": the same in any country."""
    if value.hour == 12 and value.minute == 0:
        # Translators: a time of day, as a reminder email and the reminder page say it.
        return _("12:00 noon")
    if value.hour == 0 and value.minute == 0:
        # Translators: a time of day, as a reminder email and the reminder page say it.
        return _("12:00 midnight")
    words = {"time": f"{value.hour % 12 or 12}:{value.minute:02d}"}
    if 5 <= value.hour < 12:
        # Translators: %(time)s is a time on a 12-hour clock, such as 9:30.
        return _("%(time)s in the morning") % words
    if 12 <= value.hour < 17:
        # Translators: %(time)s is a time on a 12-hour clock, such as 1:30.
        return _("%(time)s in the afternoon") % words
    if 17 <= value.hour < 21:
        # Translators: %(time)s is a time on a 12-hour clock, such as 6:00.
        return _("%(time)s in the evening") % words
    # Translators: %(time)s is a time on a 12-hour clock, such as 11:30.
    return _("%(time)s at night") % words


def time_choices(*extra: str) -> list[tuple[str, str]]:
    """Quarter-hour choices for a select, plus any stored values outside them, in order."""
    values: set[str] = set(extra)
    moment = datetime.datetime.combine(datetime.date(2000, 1, 1), FIRST_CHOICE)
    last = datetime.datetime.combine(moment.date(), LAST_CHOICE)
    while moment <= last:
        values.add(format_time(moment.time()))
        moment += datetime.timedelta(minutes=CHOICE_STEP_MINUTES)
    ordered = sorted(value for value in values if TIME_PATTERN.match(value))
    return [(value, time_in_words(parse_time(value))) for value in ordered]


def local_moment(
    day: datetime.date, value: datetime.time, zone: zoneinfo.ZoneInfo
) -> datetime.datetime:
    """The instant (in UTC) when the clock on the wall in ``zone`` shows ``value`` on ``day``.

    On the spring-forward day a time inside the gap (02:30 in Berlin on 29 March 2026) does not
    exist: it is read with the offset before the change, i.e. it falls an hour later by the new
    clock (03:30). On the fall-back day a repeated time means its first occurrence.
    """
    wall = datetime.datetime.combine(day, value, tzinfo=zone)
    return wall.astimezone(datetime.UTC)
