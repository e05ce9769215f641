"""What a pain report calls for: the decision table of DESIGN §5, as pure functions.

``decide`` reads the answers and returns every row of the table they meet, the level the
patient is shown (the first row met wins) and the severity of the care team's alert (the
worst row met). ``guidance_for`` turns that into the words the patient reads.

The wording is plain and defers to the therapist: the app gives guidance, never a diagnosis.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _


class Level(enum.StrEnum):
    """What the patient is told, from the most to the least urgent."""

    EMERGENCY = "emergency"
    STOP = "stop"
    EASE_OFF = "ease_off"
    OK = "ok"

    @property
    def rank(self) -> int:
        """Higher is more urgent: ok 0, ease off 1, stop 2, emergency 3."""
        return _LEVEL_RANK[self]


_LEVEL_RANK = {Level.OK: 0, Level.EASE_OFF: 1, Level.STOP: 2, Level.EMERGENCY: 3}


class AlertLevel(enum.StrEnum):
    """How urgently the care team must look: the alert's severity (``patients.Severity``)."""

    CRITICAL = "critical"
    URGENT = "urgent"
    ATTENTION = "attention"


class Lasting(enum.StrEnum):
    """Is the pain still there 15 minutes after stopping?"""

    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


class Sign(enum.StrEnum):
    """Emergency signs (row 1): each calls for the emergency number."""

    BLADDER_BOWEL = "bladder_bowel"
    SADDLE_NUMBNESS = "saddle_numbness"
    BOTH_LEGS = "both_legs"
    CHEST = "chest"


class LegSymptom(enum.StrEnum):
    """Symptoms in a leg (rows 2 and 7)."""

    NUMBNESS = "numbness"
    TINGLING = "tingling"
    WEAKNESS = "weakness"
    PAIN_DOWN_LEG = "pain_down_leg"


# The other reasons to stop (row 3), each a yes/no answer of the report.
OTHER_REASONS = ("unwell", "fall_or_injury")


class Row(enum.IntEnum):
    """The rows of the decision table (DESIGN §5); row 8, "otherwise", meets none of these."""

    EMERGENCY_SIGN = 1
    LEG_SYMPTOMS_NEW = 2
    UNWELL_OR_FALL = 3
    SEVERE_PAIN = 4
    LASTING_PAIN = 5
    ABOVE_THRESHOLD = 6
    LEG_SYMPTOMS_USUAL = 7

    @property
    def level(self) -> Level:
        return ROW_LEVEL[self]

    @property
    def alert(self) -> AlertLevel:
        return ROW_ALERT[self]


ROW_LEVEL: dict[Row, Level] = {
    Row.EMERGENCY_SIGN: Level.EMERGENCY,
    Row.LEG_SYMPTOMS_NEW: Level.STOP,
    Row.UNWELL_OR_FALL: Level.STOP,
    Row.SEVERE_PAIN: Level.STOP,
    Row.LASTING_PAIN: Level.STOP,
    Row.ABOVE_THRESHOLD: Level.EASE_OFF,
    Row.LEG_SYMPTOMS_USUAL: Level.EASE_OFF,
}
ROW_ALERT: dict[Row, AlertLevel] = {
    Row.EMERGENCY_SIGN: AlertLevel.CRITICAL,
    Row.LEG_SYMPTOMS_NEW: AlertLevel.URGENT,
    Row.UNWELL_OR_FALL: AlertLevel.URGENT,
    Row.SEVERE_PAIN: AlertLevel.URGENT,
    Row.LASTING_PAIN: AlertLevel.URGENT,
    Row.ABOVE_THRESHOLD: AlertLevel.ATTENTION,
    Row.LEG_SYMPTOMS_USUAL: AlertLevel.ATTENTION,
}
_ALERT_RANK = {AlertLevel.ATTENTION: 1, AlertLevel.URGENT: 2, AlertLevel.CRITICAL: 3}

# Pain the table stops at whatever the threshold (row 4), and the bar of row 5's "or".
SEVERE_PAIN = 7
LASTING_PAIN_OVER = 5


@dataclass(frozen=True)
class Answers:
    """One pain report's answers, as the table reads them.

    ``lasting`` is None when the question was never answered (reports from before it was
    required); like "not sure yet", that is not yet "still there". ``leg_symptoms_usual`` is
    None when unanswered, which counts as new (row 2).
    """

    pain: int
    threshold: int
    lasting: Lasting | None = Lasting.NO
    leg_symptoms: frozenset[LegSymptom] = frozenset()
    leg_symptoms_usual: bool | None = None
    signs: frozenset[Sign] = frozenset()
    unwell: bool = False
    fall_or_injury: bool = False


def rows_met(answers: Answers) -> list[Row]:
    """Every row of the table the answers meet, in the table's order."""
    pain, threshold = answers.pain, answers.threshold
    met = {
        Row.EMERGENCY_SIGN: bool(answers.signs),
        Row.LEG_SYMPTOMS_NEW: bool(answers.leg_symptoms) and answers.leg_symptoms_usual is not True,
        Row.UNWELL_OR_FALL: answers.unwell or answers.fall_or_injury,
        Row.SEVERE_PAIN: pain >= SEVERE_PAIN,
        Row.LASTING_PAIN: answers.lasting == Lasting.YES
        and (pain > threshold or pain > LASTING_PAIN_OVER),
        Row.ABOVE_THRESHOLD: pain > threshold,
        Row.LEG_SYMPTOMS_USUAL: bool(answers.leg_symptoms) and answers.leg_symptoms_usual is True,
    }
    return [row for row in Row if met[row]]


@dataclass(frozen=True)
class Decision:
    rows: tuple[Row, ...]

    @property
    def level(self) -> Level:
        """The first row met wins for the patient; none met is ``ok``."""
        return self.rows[0].level if self.rows else Level.OK

    @property
    def alert(self) -> AlertLevel | None:
        """The care team's alert: at the worst row met; None when no row is met."""
        return max((row.alert for row in self.rows), key=_ALERT_RANK.__getitem__, default=None)

    @property
    def pauses(self) -> bool:
        """``stop`` and ``emergency`` start a safety pause."""
        return self.level.rank >= Level.STOP.rank


def alert_rank(level: str | None) -> int:
    """0 for no alert, then attention 1, urgent 2, critical 3."""
    return _ALERT_RANK.get(AlertLevel(level), 0) if level else 0


def decide(answers: Answers) -> Decision:
    return Decision(rows=tuple(rows_met(answers)))


# --- The words the patient reads ------------------------------------------------------------
#
# Every sentence is one message with named placeholders; a paragraph is whole sentences put one
# after the other. Where the patient is told to call the emergency number, the sentence comes in
# two forms: with the number of their country (``%(number)s``), and with "your local emergency
# number" when none is set, so that each reads naturally in every language.


def emergency_words(number: str) -> str:
    return number.strip() or _("your local emergency number")


def tel_href(phone: str) -> str:
    """A tel: link for a phone number ("+1 555 0100" → "tel:+15550100"), or ""."""
    digits = re.sub(r"[^\d+]", "", phone)
    return f"tel:{digits}" if digits else ""


@dataclass(frozen=True)
class Guidance:
    level: Level
    title: str
    message: str
    phone: str = ""
    emergency_number: str = ""

    @property
    def phone_href(self) -> str:
        return tel_href(self.phone)

    @property
    def emergency_href(self) -> str:
        return tel_href(self.emergency_number)

    @property
    def show_phone(self) -> bool:
        """Every stop screen shows a phone number (the clinic's)."""
        return self.level == Level.STOP and bool(self.phone)

    @property
    def is_stop(self) -> bool:
        """Stop or emergency: the exercises stop and a safety pause begins."""
        return self.level.rank >= Level.STOP.rank

    @property
    def is_emergency(self) -> bool:
        return self.level == Level.EMERGENCY


def _stop_reason(row: Row, pain: int) -> str:
    """Why the exercises stop, in the patient's words (rows 2 to 5 of DESIGN §5)."""
    if row == Row.LEG_SYMPTOMS_NEW:
        # Translators: safety guidance (DESIGN §5, row 2). Plain words for an older patient;
        # it must not read as a diagnosis.
        return _(
            "Numbness, tingling, weakness or pain spreading down a leg that is new or worse than "
            "usual needs your therapist's advice before you exercise again."
        )
    if row == Row.UNWELL_OR_FALL:
        # Translators: safety guidance (DESIGN §5, row 3).
        return _(
            "A fever, feeling unwell, a fall or an injury needs your therapist's advice before "
            "you exercise again."
        )
    if row == Row.SEVERE_PAIN:
        # Translators: safety guidance (DESIGN §5, row 4). %(pain)s is a number from 0 to 10.
        return _(
            "Pain of %(pain)s out of 10 is too much for your exercises. Your therapist needs to "
            "know before you exercise again."
        ) % {"pain": pain}
    # Translators: safety guidance (DESIGN §5, row 5). %(pain)s is a number from 0 to 10.
    return _(
        "Pain of %(pain)s out of 10 that is still there 15 minutes after you stopped needs your "
        "therapist's advice before you exercise again."
    ) % {"pain": pain}


def _clinic_call(phone: str, number: str) -> str:
    if phone:
        # Translators: on every stop screen; %(phone)s is the clinic's phone number.
        return _("Call your clinic on %(phone)s today.") % {"phone": phone}
    if number:
        # Translators: on a stop screen when the clinic's number is unknown; %(number)s is the
        # emergency number of the patient's country, such as 112.
        return _(
            "Call your clinic today. If you cannot reach them and you are worried, call %(number)s."
        ) % {"number": number}
    # Translators: on a stop screen when neither the clinic's nor the emergency number is known.
    return _(
        "Call your clinic today. If you cannot reach them and you are worried, call your local "
        "emergency number."
    )


def _if_much_worse(number: str) -> str:
    if number:
        # Translators: the last words of every stop screen; %(number)s is an emergency number.
        return _("If it gets much worse quickly, call %(number)s.") % {"number": number}
    # Translators: the last words of every stop screen.
    return _("If it gets much worse quickly, call your local emergency number.")


def _paused(phone: str, number: str) -> str:
    """What every stop screen says after its reason: stop, call, paused, and when to call 112."""
    return " ".join(
        [
            # Translators: safety guidance on every stop screen (DESIGN §5).
            _("Stop these exercises and rest."),
            _clinic_call(phone, number),
            # Translators: safety guidance on every stop screen (DESIGN §5).
            _(
                "Your exercises are paused until your therapist has spoken with you. We have "
                "told your care team too."
            ),
            _if_much_worse(number),
        ]
    )


def _emergency_message(number: str) -> str:
    if number:
        # Translators: the emergency screen (DESIGN §5, row 1); %(number)s is the emergency
        # number of the patient's country, such as 112. It must not read as a diagnosis.
        return _(
            "What you told us can be a sign of something that needs a doctor straight away. Stop "
            "your exercises and call %(number)s now. Do not wait to hear from your therapist. We "
            "have told your care team too. Your exercises are paused until your therapist has "
            "spoken with you."
        ) % {"number": number}
    # Translators: the emergency screen (DESIGN §5, row 1). It must not read as a diagnosis.
    return _(
        "What you told us can be a sign of something that needs a doctor straight away. Stop "
        "your exercises and call your local emergency number now. Do not wait to hear from your "
        "therapist. We have told your care team too. Your exercises are paused until your "
        "therapist has spoken with you."
    )


def _call_now(number: str) -> str:
    if number:
        # Translators: the title of the emergency screen; %(number)s is an emergency number.
        return _("Call %(number)s now") % {"number": number}
    # Translators: the title of the emergency screen.
    return _("Call your local emergency number now")


def _ease_off(reason: str, *, told: bool) -> str:
    """The advice of an "ease off" screen after its reason."""
    if told:
        # Translators: safety guidance after two worse mornings (DESIGN §5, "over days").
        advice = _(
            "Next time do fewer repetitions or move more slowly, and stop any exercise that makes "
            "it worse. We have told your care team. If it does not settle or gets worse, call your "
            "clinic."
        )
    else:
        # Translators: safety guidance (DESIGN §5, rows 6 and 7): ease off, not stop.
        advice = _(
            "Next time do fewer repetitions or move more slowly, and stop any exercise that makes "
            "it worse. Your therapist will see your answers. If it does not settle or gets worse, "
            "call your clinic."
        )
    return f"{reason} {advice}"


def paused_guidance(*, level: Level, clinic_phone: str, emergency_number: str) -> Guidance:
    """The words for the whole of a safety pause, from the level it began with (an emergency
    keeps its call-now words and button), whatever is reported meanwhile."""
    phone, number = clinic_phone.strip(), emergency_number.strip()
    message = _emergency_message(number) if level == Level.EMERGENCY else _paused(phone, number)
    return Guidance(level, _("Your exercises are paused"), message, phone, number)


def guidance_for(
    answers: Answers, *, clinic_phone: str = "", emergency_number: str = ""
) -> Guidance:
    """The guidance for one report: the level of the first row met, in plain words."""
    decision = decide(answers)
    phone, number = clinic_phone.strip(), emergency_number.strip()

    def said(level: Level, title: str, message: str) -> Guidance:
        return Guidance(level, title, message, phone, number)

    pain = answers.pain
    if decision.level == Level.EMERGENCY:
        return said(Level.EMERGENCY, _call_now(number), _emergency_message(number))
    if decision.level == Level.STOP:
        reason = _stop_reason(decision.rows[0], pain)
        return said(
            Level.STOP,
            # Translators: the title of a stop screen (DESIGN §5).
            _("Stop your exercises for now"),
            f"{reason} {_paused(phone, number)}",
        )
    if decision.level == Level.EASE_OFF:
        if decision.rows[0] == Row.ABOVE_THRESHOLD:
            # Translators: safety guidance (DESIGN §5, row 6). %(pain)s is a number from 0 to 10.
            reason = _(
                "Pain of %(pain)s out of 10 is more than your therapist wants you to feel."
            ) % {"pain": pain}
        else:
            # Translators: safety guidance (DESIGN §5, row 7).
            reason = _("You said the feelings in your leg are the same as usual.")
        # Translators: the title of an "ease off" screen (DESIGN §5).
        return said(Level.EASE_OFF, _("Ease off a little"), _ease_off(reason, told=False))
    if pain == 0:
        message = _("No pain: well done. Keep going with your exercises as planned.")
    else:
        # Translators: after a report within the expected discomfort (DESIGN §5, row 8);
        # %(threshold)s is a number from 0 to 10 that the therapist set.
        message = _(
            "Well done. Mild discomfort up to %(threshold)s out of 10 is expected while you "
            "exercise. Keep going as planned, and tell your therapist if it gets worse."
        ) % {"threshold": answers.threshold}
    return said(Level.OK, _("Thank you"), message)


# --- Over days: the morning check (DESIGN §5) -----------------------------------------------


class Morning(enum.StrEnum):
    """How the pain is this morning, compared with yesterday morning."""

    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


def morning_guidance(
    answer: Morning, *, worse_mornings: bool, clinic_phone: str = "", emergency_number: str = ""
) -> Guidance:
    """What the patient reads after the morning check.

    Two "worse" mornings in a row call for easing off (the care team is told); one "worse"
    morning asks the patient to go gently; better or the same is thanked.
    """
    phone, number = clinic_phone.strip(), emergency_number.strip()
    if answer == Morning.WORSE and worse_mornings:
        return Guidance(
            Level.EASE_OFF,
            _("Ease off a little"),
            _ease_off(_("Your pain has been worse two mornings in a row."), told=True),
            phone,
            number,
        )
    if answer == Morning.WORSE:
        return Guidance(
            Level.OK,
            _("Thank you for telling us"),
            _(
                "Go gently today and stop any exercise that makes the pain worse. We will ask "
                "you again tomorrow morning."
            ),
            phone,
            number,
        )
    return Guidance(
        Level.OK,
        _("Thank you"),
        _("Thank you for telling us. Keep going with your exercises as planned."),
        phone,
        number,
    )
