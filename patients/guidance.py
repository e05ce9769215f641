"""What the patient is told after a pain report (DESIGN §5), as a pure function.

The wording is plain and defers to the therapist: the app gives guidance, not a diagnosis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Level = Literal["stop", "ease_off", "ok"]

STOP: Level = "stop"
EASE_OFF: Level = "ease_off"
OK: Level = "ok"


@dataclass(frozen=True)
class Guidance:
    level: Level
    title: str
    message: str
    show_phone: bool
    phone: str = ""

    @property
    def phone_href(self) -> str:
        """A tel: link for the clinic phone ("+1 555 0100" → "tel:+15550100")."""
        digits = re.sub(r"[^\d+]", "", self.phone)
        return f"tel:{digits}" if digits else ""

    @property
    def is_stop(self) -> bool:
        return self.level == STOP


def _contact(phone: str) -> str:
    if phone:
        return f"Call your clinic on {phone} or contact your therapist"
    return "Contact your therapist or clinic"


def guidance_for(
    *,
    pain: int,
    lasted_over_15_min: bool,
    red_flag: bool,
    threshold: int,
    clinic_phone: str = "",
) -> Guidance:
    """The guidance for one answer.

    - numbness, tingling, weakness or pain spreading down a leg (a red flag): stop, contact;
    - pain above the program's threshold that lasted over 15 minutes: stop, contact;
    - pain above the threshold: do fewer repetitions or move more slowly;
    - otherwise: encouragement.
    """
    phone = clinic_phone.strip()
    if red_flag:
        return Guidance(
            level=STOP,
            title="Stop and contact your therapist",
            message=(
                "Numbness, tingling, weakness or pain spreading down a leg need your "
                "therapist's advice before you go on. Stop these exercises for now. "
                f"{_contact(phone)} today. If it is severe or getting worse quickly, "
                "get urgent medical help."
            ),
            show_phone=bool(phone),
            phone=phone,
        )
    if pain > threshold and lasted_over_15_min:
        return Guidance(
            level=STOP,
            title="Stop and contact your therapist",
            message=(
                f"Pain of {pain} out of 10 that lasts more than 15 minutes is more than "
                "your exercises should cause. Stop these exercises for now and rest. "
                f"{_contact(phone)} before you do them again."
            ),
            show_phone=bool(phone),
            phone=phone,
        )
    if pain > threshold:
        return Guidance(
            level=EASE_OFF,
            title="Ease off a little",
            message=(
                f"Pain of {pain} out of 10 is more than your therapist wants you to feel. "
                "Next time do fewer repetitions or move more slowly, and stop any "
                "exercise that makes it worse. If the pain does not settle, contact your "
                "therapist."
            ),
            show_phone=False,
            phone=phone,
        )
    if pain == 0:
        message = "No pain: well done. Keep going with your exercises as planned."
    else:
        message = (
            f"Well done. Pain of {pain} out of 10 is within what your therapist expects "
            "while you exercise. Keep going as planned, and tell your therapist if it starts "
            "to get worse."
        )
    return Guidance(
        level=OK, title="Thank you, that's all fine", message=message, show_phone=False, phone=phone
    )
