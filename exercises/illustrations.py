"""Pictures of exercises drawn from poses: a small side-view skeleton turned into SVG.

A pose (``exercises/data/poses.json``, stored in ``Exercise.pose``) holds ``start`` and ``end``
positions (and optionally ``middle``), the ``props`` around the body (``mat``, ``chair``,
``chair-front``, ``wall``, ``towel``, ``cushion``, ``band``) and an ``anchor``: the joint that
stays in place between positions (``hip``, ``shoulder``, ``knee``, ``ankle`` or ``hand``).

A position gives each body segment's direction in degrees, seen from the side with the person
facing right: 0 points up, 90 forward, 180 down, 270 back. ``trunk`` runs from hip to shoulder
(``curve`` bends it: above 0 rounds the back, below 0 arches it), ``head`` from the neck,
``arm`` is ``[upper arm, forearm]`` and ``leg`` is ``[thigh, shin, foot]``; ``arm_far`` and
``leg_far`` are the limbs on the far side (the same as the near ones when left out). The near
limbs are the person's left: a picture for the right side is the mirror image.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import Any

from django.utils.html import escape
from django.utils.translation import gettext as _

POSITIONS = ("start", "middle", "end")
REQUIRED_POSITIONS = ("start", "end")
PROPS = ("mat", "chair", "chair-front", "wall", "towel", "cushion", "band")
ANCHORS = ("hip", "shoulder", "knee", "ankle", "hand")

# Segment lengths and thicknesses, in picture units (the same for every exercise).
TRUNK, NECK, HEAD_RADIUS = 52.0, 7.0, 10.5
UPPER_ARM, FOREARM = 27.0, 25.0
THIGH, SHIN, FOOT = 42.0, 40.0, 13.0
WIDTH = {"trunk": 23.0, "neck": 8.0, "upper": 10.0, "fore": 8.0, "thigh": 15.0, "shin": 11.0}
WIDTH["foot"] = 7.0

# How far each joint bends, in degrees, as a body can (generously, for every body).
# name: (low, high, what it is called in an error)
JOINT_RANGES: dict[str, tuple[float, float, str]] = {
    "neck": (-75, 75, "neck bend"),
    "shoulder": (-80, 195, "shoulder lift"),
    "elbow": (-10, 160, "elbow bend"),
    "hip": (-45, 170, "hip bend"),
    "knee": (-10, 165, "knee bend"),
    "ankle": (-40, 90, "ankle bend"),
}
MAX_CURVE = 0.35

VIEW_WIDTH, VIEW_HEIGHT, GROUND = 240.0, 190.0, 176.0
INK, FILL, FAR_FILL, GHOST = "#1f2933", "#f4f6f8", "#aab4bf", "#7b8794"


class PoseError(ValueError):
    pass


def _norm(angle: float, low: float) -> float:
    """``angle`` brought into ``[low, low + 360)``."""
    return (angle - low) % 360 + low


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PoseError(f"{what} must be a number of degrees")
    return float(value)


def _limb(position: dict[str, Any], key: str, size: int, where: str) -> list[float]:
    value = position.get(key, position.get(key.removesuffix("_far")))
    if not isinstance(value, list) or len(value) != size:
        raise PoseError(f"{where}: {key} must be a list of {size} angles")
    return [_number(angle, f"{where}: {key}") for angle in value]


def joint_angles(position: dict[str, Any], where: str = "position") -> dict[str, float]:
    """How far each joint of a position bends (0 when standing tall, arms by the sides)."""
    trunk = _number(position.get("trunk"), f"{where}: trunk")
    head = _number(position.get("head", trunk), f"{where}: head")
    angles = {"neck": _norm(head - trunk, -180)}
    for key in ("arm", "arm_far"):
        upper, fore = _limb(position, key, 2, where)
        angles[f"{key}:shoulder"] = _norm(180 - (upper - trunk), -90)
        angles[f"{key}:elbow"] = _norm(upper - fore, -180)
    for key in ("leg", "leg_far"):
        thigh, shin, foot = _limb(position, key, 3, where)
        angles[f"{key}:hip"] = _norm(180 - (thigh - trunk), -90)
        angles[f"{key}:knee"] = _norm(shin - thigh, -180)
        angles[f"{key}:ankle"] = _norm(foot - shin + 90, -180)
    return angles


def validate_pose(pose: object) -> dict[str, Any]:
    """The pose if a body can take each of its positions; else :class:`PoseError` saying why."""
    if not isinstance(pose, dict):
        raise PoseError("the pose must be an object with start and end positions")
    unknown = sorted(set(pose) - {*POSITIONS, "props", "anchor"})
    if unknown:
        raise PoseError(f"the pose has unknown keys: {', '.join(unknown)}")
    missing = [name for name in REQUIRED_POSITIONS if not isinstance(pose.get(name), dict)]
    if missing:
        raise PoseError(f"the pose needs its {' and '.join(missing)} position")
    props = pose.get("props", [])
    if not isinstance(props, list) or any(prop not in PROPS for prop in props):
        raise PoseError(f"the pose's props must be a list of: {', '.join(PROPS)}")
    if pose.get("anchor", "hip") not in ANCHORS:
        raise PoseError(f"the pose's anchor must be one of: {', '.join(ANCHORS)}")
    for name in POSITIONS:
        position = pose.get(name)
        if position is None:
            continue
        if not isinstance(position, dict):
            raise PoseError(f"the {name} position must be an object")
        allowed = {"trunk", "curve", "head", "arm", "arm_far", "leg", "leg_far"}
        extra = sorted(set(position) - allowed)
        if extra:
            raise PoseError(f"the {name} position has unknown keys: {', '.join(extra)}")
        curve = _number(position.get("curve", 0), f"{name} position: curve")
        if abs(curve) > MAX_CURVE:
            raise PoseError(
                f"the {name} position bends the back by {curve}; a body bends it at most "
                f"{MAX_CURVE} either way"
            )
        for joint, angle in joint_angles(position, f"{name} position").items():
            limb, _sep, part = joint.rpartition(":")
            low, high, label = JOINT_RANGES[part]
            if not low <= angle <= high:
                side = " (far side)" if limb.endswith("_far") else ""
                raise PoseError(
                    f"the {name} position has a {label}{side} of {angle:g}°, outside what a "
                    f"body can do ({low:g}° to {high:g}°)"
                )
    return pose


# --- Geometry ---------------------------------------------------------------------------

Point = tuple[float, float]


def _step(point: Point, angle: float, length: float) -> Point:
    radians = math.radians(angle)
    return (point[0] + math.sin(radians) * length, point[1] - math.cos(radians) * length)


def _skeleton(position: dict[str, Any]) -> dict[str, Any]:
    """Joint points of a position with the hip at (0, 0), y pointing down."""
    hip: Point = (0.0, 0.0)
    trunk = float(position["trunk"])
    shoulder = _step(hip, trunk, TRUNK)
    curve = float(position.get("curve", 0))
    middle = ((hip[0] + shoulder[0]) / 2, (hip[1] + shoulder[1]) / 2)
    back = _step(middle, trunk - 90, curve * TRUNK)
    head_angle = float(position.get("head", trunk))
    neck_top = _step(shoulder, head_angle, NECK)
    head = _step(neck_top, head_angle, HEAD_RADIUS * 0.8)
    points: dict[str, Any] = {
        "hip": hip,
        "shoulder": shoulder,
        "back": back,
        "neck": neck_top,
        "head": head,
    }
    for key in ("arm", "arm_far"):
        upper, fore = position.get(key) or position["arm"]
        elbow = _step(shoulder, upper, UPPER_ARM)
        points[key] = [shoulder, elbow, _step(elbow, fore, FOREARM)]
    for key in ("leg", "leg_far"):
        thigh, shin, foot = position.get(key) or position["leg"]
        knee = _step(hip, thigh, THIGH)
        ankle = _step(knee, shin, SHIN)
        points[key] = [hip, knee, ankle, _step(ankle, foot, FOOT)]
    return points


def _shift(points: dict[str, Any], dx: float, dy: float) -> dict[str, Any]:
    moved: dict[str, Any] = {}
    for key, value in points.items():
        if isinstance(value, list):
            moved[key] = [(x + dx, y + dy) for x, y in value]
        else:
            moved[key] = (value[0] + dx, value[1] + dy)
    return moved


def _lowest(points: dict[str, Any]) -> float:
    """The lowest edge of the body (largest y), counting each part's thickness."""
    edges = [points["head"][1] + HEAD_RADIUS, points["back"][1]]
    edges += [points["hip"][1] + WIDTH["trunk"] / 2, points["shoulder"][1] + WIDTH["trunk"] / 2]
    for key in ("arm", "arm_far"):
        edges += [y + WIDTH["fore"] / 2 for _x, y in points[key][1:]]
    for key in ("leg", "leg_far"):
        knee, ankle, toe = points[key][1:]
        edges += [knee[1] + WIDTH["thigh"] / 2, ankle[1] + WIDTH["shin"] / 2]
        edges += [toe[1] + WIDTH["foot"] / 2]
    return max(edges)


def _anchor_point(points: dict[str, Any], anchor: str) -> Point:
    return {
        "hip": points["hip"],
        "shoulder": points["shoulder"],
        "knee": points["leg"][1],
        "ankle": points["leg"][2],
        "hand": points["arm"][2],
    }[anchor]


def _placed(pose: dict[str, Any], seat: float | None) -> dict[str, dict[str, Any]]:
    """Every position stood on the ground, its anchor joint at the same place."""
    placed = {}
    anchor = pose.get("anchor", "hip")
    for name in POSITIONS:
        if name not in pose:
            continue
        points = _skeleton(pose[name])
        placed[name] = _shift(points, -_anchor_point(points, anchor)[0], GROUND - _lowest(points))
    # Centre the whole movement in the picture.
    xs = [x for points in placed.values() for x, _y in _all_points(points)]
    dx = VIEW_WIDTH / 2 - (min(xs) + max(xs)) / 2
    return {name: _shift(points, dx, 0) for name, points in placed.items()}


def _all_points(points: dict[str, Any]) -> list[Point]:
    flat: list[Point] = []
    for value in points.values():
        flat.extend(value if isinstance(value, list) else [value])
    return flat


# --- Drawing ----------------------------------------------------------------------------


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _capsules(segments: list[tuple[list[Point], float]], fill: str, ink: str, dash: str) -> str:
    """Rounded limbs: every outline first, then every fill, so a limb reads as one shape."""
    outlines, fills = [], []
    for points, width in segments:
        path = "M" + " L".join(f"{_f(x)} {_f(y)}" for x, y in points)
        outlines.append(f'<path d="{path}" stroke="{ink}" stroke-width="{_f(width + 3)}"{dash}/>')
        fills.append(f'<path d="{path}" stroke="{fill}" stroke-width="{_f(width)}"/>')
    return "".join(outlines) + "".join(fills)


def _body(points: dict[str, Any], ghost: bool) -> str:
    ink = GHOST if ghost else INK
    dash = ' stroke-dasharray="4 3"' if ghost else ""
    fill = "#ffffff" if ghost else FILL
    far = "#ffffff" if ghost else FAR_FILL

    def limb(key: str, widths: tuple[str, ...]) -> list[tuple[list[Point], float]]:
        joints = points[key]
        return [([joints[i], joints[i + 1]], WIDTH[w]) for i, w in enumerate(widths)]

    arm, leg = ("upper", "fore"), ("thigh", "shin", "foot")
    hip, back, shoulder = points["hip"], points["back"], points["shoulder"]
    control = (2 * back[0] - (hip[0] + shoulder[0]) / 2, 2 * back[1] - (hip[1] + shoulder[1]) / 2)
    trunk_path = (
        f"M{_f(hip[0])} {_f(hip[1])} Q{_f(control[0])} {_f(control[1])} "
        f"{_f(shoulder[0])} {_f(shoulder[1])}"
    )
    head = points["head"]
    trunk = (
        f'<path d="{trunk_path}" stroke="{ink}" stroke-width="{_f(WIDTH["trunk"] + 3)}"{dash}/>'
        + _capsules([([shoulder, points["neck"]], WIDTH["neck"])], fill, ink, dash)
        + f'<path d="{trunk_path}" stroke="{fill}" stroke-width="{_f(WIDTH["trunk"])}"/>'
        + f'<circle cx="{_f(head[0])}" cy="{_f(head[1])}" r="{_f(HEAD_RADIUS)}" '
        f'fill="{fill}" stroke="{ink}" stroke-width="1.5"{dash}/>'
    )
    return (
        '<g fill="none" stroke-linecap="round" stroke-linejoin="round">'
        + _capsules(limb("arm_far", arm) + limb("leg_far", leg), far, ink, dash)
        + trunk
        + _capsules(limb("leg", leg), fill, ink, dash)
        + _capsules(limb("arm", arm), fill, ink, dash)
        + "</g>"
    )


def _arrow(start: dict[str, Any], end: dict[str, Any]) -> str:
    """A curved arrow along the path of the joint that moves the most."""
    pairs = list(zip(_all_points(start), _all_points(end), strict=True))
    (x1, y1), (x2, y2) = max(pairs, key=lambda pair: math.dist(pair[0], pair[1]))
    distance = math.dist((x1, y1), (x2, y2))
    if distance < 6:
        return ""
    # Bow the arrow away from the middle of the picture, so it stays clear of the body.
    nx, ny = -(y2 - y1) / distance, (x2 - x1) / distance
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    if (mx + nx - VIEW_WIDTH / 2) ** 2 + (my + ny - GROUND / 2) ** 2 < (
        (mx - VIEW_WIDTH / 2) ** 2 + (my - GROUND / 2) ** 2
    ):
        nx, ny = -nx, -ny
    bow = 0.3 * distance + 8
    cx, cy = mx + nx * bow, my + ny * bow

    def along(t: float) -> Point:
        return (
            (1 - t) ** 2 * x1 + 2 * (1 - t) * t * cx + t**2 * x2,
            (1 - t) ** 2 * y1 + 2 * (1 - t) * t * cy + t**2 * y2,
        )

    a, b, tip = along(0.12), along(0.5), along(0.88)
    control = (2 * b[0] - (a[0] + tip[0]) / 2, 2 * b[1] - (a[1] + tip[1]) / 2)
    angle = math.atan2(tip[1] - control[1], tip[0] - control[0])
    head = [
        tip,
        (tip[0] - 7 * math.cos(angle - 0.45), tip[1] - 7 * math.sin(angle - 0.45)),
        (tip[0] - 7 * math.cos(angle + 0.45), tip[1] - 7 * math.sin(angle + 0.45)),
    ]
    return (
        f'<g class="pose-arrow" fill="{INK}" stroke="{INK}">'
        f'<path d="M{_f(a[0])} {_f(a[1])} Q{_f(control[0])} {_f(control[1])} '
        f'{_f(tip[0])} {_f(tip[1])}" fill="none" stroke-width="2" stroke-linecap="round"/>'
        f'<polygon points="{" ".join(f"{_f(x)},{_f(y)}" for x, y in head)}" '
        'stroke-linejoin="round" stroke-width="1"/></g>'
    )


def _props(pose: dict[str, Any], placed: dict[str, dict[str, Any]]) -> tuple[str, str]:
    """What is drawn behind the body and what in front of it."""
    props = pose.get("props", [])
    behind, front = [], []
    xs = [x for points in placed.values() for x, _y in _all_points(points)]
    left, right = min(xs) - 14, max(xs) + 14
    start, end = placed["start"], placed["end"]
    line = f'stroke="{INK}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"'
    thick = line.replace('stroke-width="2"', 'stroke-width="3"')
    if "mat" in props:
        behind.append(
            f'<rect x="{_f(left)}" y="{_f(GROUND - 3)}" width="{_f(right - left)}" height="4" '
            f'rx="2" fill="#d9dee4" {line}/>'
        )
    if "wall" in props:
        x = min(min(p["hip"][0], p["shoulder"][0]) for p in placed.values()) - WIDTH["trunk"] / 2
        behind.append(
            f'<path d="M{_f(x - 1.5)} 14 V{_f(GROUND)}" {line}/>'
            f'<path d="M{_f(x - 1.5)} 14 h-10 V{_f(GROUND)} h10" fill="#e4e7eb" stroke="none"/>'
        )
    if "chair" in props:
        hip = start["hip"]
        seat = hip[1] + WIDTH["thigh"] / 2 + 1
        x0, x1 = hip[0] - 14, hip[0] + 26
        behind.append(
            f'<path d="M{_f(x0)} {_f(seat - 58)} V{_f(GROUND)} M{_f(x0)} {_f(seat)} H{_f(x1)} '
            f'V{_f(GROUND)}" fill="none" {thick}/>'
        )
    if "chair-front" in props:
        hand = end["arm"][2]
        toes = max(points["leg_far"][3][0] for points in placed.values())
        x = max(hand[0] + 3, toes + 2)
        top = hand[1] - 2
        seat = GROUND - 42
        behind.append(
            f'<path d="M{_f(x)} {_f(top)} V{_f(GROUND)} M{_f(x)} {_f(seat)} H{_f(x + 34)} '
            f'V{_f(GROUND)}" fill="none" {thick}/>'
        )
    if "cushion" in props:
        knee = start["leg"][1]
        behind.append(
            f'<rect x="{_f(knee[0] - 14)}" y="{_f(GROUND - 5)}" width="28" height="7" rx="3.5" '
            f'fill="#d9dee4" {line}/>'
        )
    for name, points in (("start", start), ("end", end)):
        if "towel" in props or "band" in props:
            hand, toe = points["arm"][2], points["leg"][3]
            ankle = points["leg"][2]
            sole = (toe[0] * 0.6 + ankle[0] * 0.4, toe[1] * 0.6 + ankle[1] * 0.4)
            cls = "pose-start" if name == "start" else "pose-end"
            colour = GHOST if name == "start" else INK
            dashes = ' stroke-dasharray="4 3"' if name == "start" else ""
            front.append(
                f'<path class="{cls}" d="M{_f(hand[0])} {_f(hand[1])} L{_f(sole[0])} '
                f'{_f(sole[1])}" stroke="{colour}" stroke-width="3.5" stroke-linecap="round"'
                f"{dashes}/>"
            )
    return "".join(behind), "".join(front)


@lru_cache(maxsize=512)
def _render(pose_json: str, mirrored: bool, title: str, desc: str) -> str:
    pose = json.loads(pose_json)
    placed = _placed(pose, None)
    behind, front = _props(pose, placed)
    ghosts = "".join(
        f'<g class="pose-{name}">{_body(placed[name], ghost=True)}</g>'
        for name in ("start", "middle")
        if name in placed
    )
    figure = (
        f'<line x1="6" y1="{_f(GROUND + 1)}" x2="{_f(VIEW_WIDTH - 6)}" y2="{_f(GROUND + 1)}" '
        f'stroke="{INK}" stroke-width="2" stroke-linecap="round"/>'
        + behind
        + ghosts
        + f'<g class="pose-end">{_body(placed["end"], ghost=False)}</g>'
        + front
        + _arrow(placed["start"], placed["end"])
    )
    if mirrored:
        figure = f'<g transform="translate({_f(VIEW_WIDTH)} 0) scale(-1 1)">{figure}</g>'
    # The same scale for every exercise; the empty sky above a lying figure is left out.
    ys = [y for points in placed.values() for _x, y in _all_points(points)]
    top = max(0.0, min(min(ys) - HEAD_RADIUS - 14, GROUND - 90))
    if "wall" in pose.get("props", []) or "chair-front" in pose.get("props", []):
        top = min(top, 10.0)
    height = VIEW_HEIGHT - top
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" class="exercise-svg" role="img" '
        f'viewBox="0 {_f(top)} {_f(VIEW_WIDTH)} {_f(height)}" width="{_f(VIEW_WIDTH)}" '
        f'height="{_f(height)}"><title>{escape(title)}</title><desc>{escape(desc)}</desc>'
        f"{figure}</svg>"
    )


def render_pose(pose: dict[str, Any], *, side: str = "", title: str, desc: str) -> str:
    """The SVG of a pose; ``side="right"`` draws the mirror image (the near limbs are left)."""
    key = json.dumps(pose, sort_keys=True, separators=(",", ":"))
    return _render(key, side == "right", title, desc)


def picture_texts(exercise: Any, side: str = "", *, steps: bool = True) -> tuple[str, str]:
    """The picture's title and its text alternative, in the reader's language (with the
    exercise's steps unless ``steps`` is False, for a thumbnail next to them)."""
    name = exercise.name
    if side == "left":
        title = _("%(name)s, left side: how to do it") % {"name": name}
    elif side == "right":
        title = _("%(name)s, right side: how to do it") % {"name": name}
    else:
        title = _("%(name)s: how to do it") % {"name": name}
    pose = pose_of(exercise) or {}
    if "middle" in pose:
        desc = _(
            "The outlined figures show how you start and the way through; the solid figure "
            "shows how you finish."
        )
    else:
        desc = _("The outlined figure shows how you start and the solid figure how you finish.")
    if steps:
        desc = " ".join([desc, *(step.text for step in exercise.steps.all())])
    return title, desc


# The position an exercise starts in, for one without a pose of its own (a therapist's own
# exercise): the picture shows how to set up, with no movement.
_ON_BACK = {"trunk": -90, "head": -90, "arm": [90, 90], "leg": [45, 135, 90]}
_ON_FRONT = {"trunk": 90, "head": 100, "arm": [250, 100], "leg": [270, 270, 265]}
_HANDS_AND_KNEES = {"trunk": 78, "head": 100, "arm": [180, 180], "leg": [180, 268, 265]}
_KNEELING = {"trunk": 0, "head": 0, "arm": [180, 180], "leg": [180, 268, 265]}
_SITTING = {"trunk": 0, "head": 0, "arm": [175, 95], "leg": [90, 180, 90]}
_STANDING = {"trunk": 0, "head": 0, "arm": [180, 180], "leg": [180, 180, 90]}
_SIDE_LYING = {"trunk": -90, "head": -80, "arm": [60, 100], "leg": [100, 130, 100]}
POSITION_POSES: dict[str, dict[str, Any]] = {
    position: {"props": props, "start": body, "end": body}
    for position, body, props in (
        ("lying_on_back", _ON_BACK, ["mat"]),
        ("lying_on_front", _ON_FRONT, ["mat"]),
        ("side_lying", _SIDE_LYING, ["mat"]),
        ("hands_and_knees", _HANDS_AND_KNEES, ["mat"]),
        ("kneeling", _KNEELING, ["mat"]),
        ("sitting", _SITTING, ["chair"]),
        ("standing", _STANDING, []),
    )
}


def pose_of(exercise: Any) -> dict[str, Any] | None:
    """The exercise's own pose, else the position it starts in."""
    return exercise.pose or POSITION_POSES.get(exercise.position)


def exercise_svg(exercise: Any, side: str = "", *, steps: bool = True) -> str | None:
    """The exercise's picture for a side (``left``, ``right`` or both), or None without a pose."""
    pose = pose_of(exercise)
    if pose is None:
        return None
    title, desc = picture_texts(exercise, side, steps=steps)
    return render_pose(pose, side=side, title=title, desc=desc)
