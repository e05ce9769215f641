"""The patient's private calendar feed (iCalendar, RFC 5545), written out by hand.

One event per scheduled session per day, from a week ago to ``HORIZON_DAYS`` ahead, at the
patient's reminder time with an alarm at the start. Each event's start is worked out for its own
date in the patient's zone and written in UTC, so daylight saving changes cannot shift it (a
recurring rule with a fixed UTC time would drift by an hour twice a year, and one in a named
zone needs a VTIMEZONE the calendar app may not honour). Calendar apps refresh the feed every
few hours, so the horizon moves on by itself.

The text follows RFC 5545: CRLF line ends, lines folded at 75 octets without splitting a
character, TEXT values escaped, DTSTAMP and a unique, stable UID on every event.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exercises.models import Side
from patients.models import Patient
from patients.reminder_times import local_moment
from patients.reminders import RemindedPrograms, programs_for_reminders, session_count
from prescriptions.models import Prescription, PrescriptionItem
from prescriptions.schedule import plan_for_day

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PAST_DAYS = 7
HORIZON_DAYS = 56
PRODID = "-//Rehabit//Home exercise reminders//EN"
CALENDAR_NAME = gettext_lazy("Rehabit exercises")
REFRESH = "PT6H"
MAX_LINE_OCTETS = 75
TOKEN_SALT = "patients.calendar_feed.token"
# Rough seconds per repetition besides any hold, per exercise besides its sets, between sets.
SECONDS_PER_REP = 4
SECONDS_PER_EXERCISE = 30
DEFAULT_REST_SECONDS = 30
MIN_MINUTES, MAX_MINUTES = 10, 90


@dataclass(frozen=True)
class FeedEvent:
    day: datetime.date
    session: int
    sessions: int
    start: datetime.datetime  # UTC
    minutes: int
    lines: tuple[tuple[str, str], ...]  # (program title or "", "Exercise: dose")


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into parts of at most 75 octets; each further part starts with a
    space (which counts). Multi-byte characters are never split."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > MAX_LINE_OCTETS:
            parts.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n".join(parts)


def utc_stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def session_minutes(items: Iterable[PrescriptionItem]) -> int:
    """An estimate of a session's length, for the event's end: rounded up to 5 minutes."""
    seconds = 0
    for item in items:
        sides = 2 if item.side in (Side.EACH, Side.ALTERNATING) else 1
        one_set = (item.reps or 0) * ((item.hold_seconds or 0) + SECONDS_PER_REP)
        one_set += item.duration_seconds or 0
        rest = DEFAULT_REST_SECONDS if item.rest_seconds is None else item.rest_seconds
        seconds += item.sets * one_set * sides + (item.sets - 1) * rest + SECONDS_PER_EXERCISE
    minutes = 5 * math.ceil(seconds / 300)
    return min(max(minutes, MIN_MINUTES), MAX_MINUTES)


def _signer() -> signing.Signer:
    # "." cannot occur in the key (URL-safe base64), so it separates key and signature.
    return signing.Signer(salt=TOKEN_SALT, sep=".", algorithm="sha256")


def calendar_token(patient: Patient) -> str | None:
    """The secret part of the patient's feed address: their key, signed with SECRET_KEY."""
    if not patient.calendar_key:
        return None
    return _signer().sign(patient.calendar_key)


def feed_patient(
    token: str, *, now: datetime.datetime
) -> WithAnnotations[Patient, RemindedPrograms] | None:
    """The current patient whose calendar link has this token, with the programs the feed
    shows (``reminder_programs``): three queries. None for a bad signature (no query) or a key
    that was reset or removed."""
    try:
        key = _signer().unsign(token)
    except signing.BadSignature:
        return None
    earliest = (now - datetime.timedelta(days=PAST_DAYS + 1)).date()
    return (
        Patient.objects.current()
        .filter(calendar_key=key)
        .select_related("user")
        .prefetch_related(programs_for_reminders(earliest))
        .first()
    )


def feed_events(
    patient: Patient, programs: Sequence[Prescription], *, today: datetime.date
) -> list[FeedEvent]:
    """The patient's sessions from a week ago to the horizon, from programs with their items."""
    times = patient.reminder_times_for(session_count(programs, today))
    events: list[FeedEvent] = []
    for offset in range(-PAST_DAYS, HORIZON_DAYS + 1):
        day = today + datetime.timedelta(days=offset)
        plan = plan_for_day(programs, day)
        if not plan:
            continue
        sessions = min(max(program.sessions for program in plan), len(times))
        several = len(plan) > 1
        for session in range(1, sessions + 1):
            in_session = [program for program in plan if session <= program.sessions]
            items = [item for program in in_session for item in program.items]
            events.append(
                FeedEvent(
                    day=day,
                    session=session,
                    sessions=sessions,
                    start=local_moment(day, times[session - 1], patient.zone),
                    minutes=session_minutes(items),
                    lines=tuple(
                        (
                            program.prescription.title if several else "",
                            # Translators: one line of a calendar event: an exercise and its
                            # dose, such as "Bridge: 3 sets of 10 repetitions".
                            _("%(exercise)s: %(dose)s")
                            % {"exercise": item.exercise.name, "dose": item.dose_text()},
                        )
                        for program in in_session
                        for item in program.items
                    ),
                )
            )
    return events


def _uid_key(patient: Patient) -> str:
    """Stable per patient, and reveals nothing about the patient."""
    return salted_hmac("patients.calendar_feed.uid", str(patient.pk)).hexdigest()[:20]


def _description(event: FeedEvent, today_url: str) -> str:
    lines: list[str] = []
    title = None
    for program_title, text in event.lines:
        if program_title and program_title != title:
            # Translators: a program's title heading its exercises in a calendar event.
            lines.append(_("%(program)s:") % {"program": program_title})
            title = program_title
        lines.append(f"- {text}")
    lines += ["", _("Tick them off in Rehabit: %(url)s") % {"url": today_url}]
    return "\n".join(lines)


def _summary(event: FeedEvent) -> str:
    if event.sessions > 1:
        return _("Your exercises (session %(session)s of %(sessions)s)") % {
            "session": event.session,
            "sessions": event.sessions,
        }
    return _("Your exercises")


def render_calendar(
    patient: Patient, events: Sequence[FeedEvent], *, now: datetime.datetime
) -> str:
    """The iCalendar text of a feed."""
    host = urlsplit(settings.SITE_URL).hostname or "rehabit.invalid"
    today_url = f"{settings.SITE_URL}{reverse('patients:today')}"
    uid_key = _uid_key(patient)
    stamp = utc_stamp(now)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{escape_text(str(CALENDAR_NAME))}",
        f"X-WR-CALNAME:{escape_text(str(CALENDAR_NAME))}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.day:%Y%m%d}-s{event.session}-{uid_key}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc_stamp(event.start)}",
            f"DTEND:{utc_stamp(event.start + datetime.timedelta(minutes=event.minutes))}",
            f"SUMMARY:{escape_text(_summary(event))}",
            f"DESCRIPTION:{escape_text(_description(event, today_url))}",
            f"URL:{today_url}",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape_text(_('Time for your exercises'))}",
            "TRIGGER:PT0S",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(f"{fold(line)}\r\n" for line in lines)


def calendar_url(patient: Patient) -> str | None:
    """The private feed's address, or None when the patient has no link."""
    token = calendar_token(patient)
    if token is None:
        return None
    return f"{settings.SITE_URL}{reverse('patients:calendar_feed', args=[token])}"


def subscribe_url(feed_url: str) -> str:
    """The webcal:// form that phones open in their calendar app to subscribe."""
    return "webcal://" + feed_url.split("://", 1)[1]
