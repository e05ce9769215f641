"""Questionnaires as data: reading and checking a measure's definition file.

A measure (``outcomes/data/measures/*.json``) holds its ``code`` and ``version``, the texts a
reader sees (``title``, ``short_title``, ``intro``, ``recall``, ``licence``, each by language:
``{"en": "…"}``), the ``languages`` its text is validated in (a patient reading another
language gets the first one, and is told so), ``minutes`` to answer, ``pages`` of ``items``,
``scores`` computed from the answers, the ``primary`` score, which way is ``better``
(``higher`` or ``lower``), the minimal clinically important difference ``mcid`` (``points``
and optionally ``percent`` of the baseline; ``null`` for a measure read by its bands only),
interpretation ``bands``, ``header_band`` (true to show the latest band beside the patient's
name, as for a screening tool's risk group) and a ``loinc`` code where one exists.

An item is ``text`` (``max_length``), ``scale`` (whole numbers ``min`` to ``max``, with
``anchors`` naming the ends) or ``choice`` (``options``, each with a ``value``, a ``label`` and
the ``score`` it counts for). ``required`` items must be answered; an item that ``needs``
another is asked, and required, only when that one is answered (the rating of an activity the
patient named). A score is the ``mean`` of the answered items it lists, or their ``sum`` (all of
them answered). A band applies ``when`` each score it names lies in its ``[low, high]``
range; the first band that applies is the reading.

:func:`parse_measure` turns a file's dict into a :class:`Measure` or raises
:class:`MeasureError` naming the file and what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ITEM_TYPES = ("text", "scale", "choice")
SCORE_METHODS = ("mean", "sum")
DIRECTIONS = ("higher", "lower")
TEXT_FIELDS = ("title", "short_title", "intro", "recall", "licence")
CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
ORIGINAL_LANGUAGE = "en"


class MeasureError(ValueError):
    pass


Texts = dict[str, str]


@dataclass(frozen=True)
class Option:
    value: str
    score: float
    label: Texts


@dataclass(frozen=True)
class Item:
    id: str
    type: str
    label: Texts
    required: bool = False
    needs: str = ""
    minimum: int = 0
    maximum: int = 10
    max_length: int = 200
    anchors: tuple[Texts, Texts] | None = None
    options: tuple[Option, ...] = ()

    def option(self, value: str) -> Option | None:
        return next((option for option in self.options if option.value == value), None)


@dataclass(frozen=True)
class Page:
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Score:
    key: str
    method: str
    items: tuple[str, ...]
    label: Texts
    minimum: float
    maximum: float


@dataclass(frozen=True)
class Band:
    key: str
    label: Texts
    when: dict[str, tuple[float, float]]


@dataclass(frozen=True)
class Mcid:
    points: float
    percent: float | None = None


@dataclass(frozen=True)
class Measure:
    code: str
    version: str
    texts: dict[str, Texts]
    languages: tuple[str, ...]
    minutes: int
    pages: tuple[Page, ...]
    scores: tuple[Score, ...]
    primary: str
    better: str
    mcid: Mcid | None
    bands: tuple[Band, ...]
    loinc: str
    header_band: bool = False

    @property
    def items(self) -> list[Item]:
        return [item for page in self.pages for item in page.items]

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)

    def score(self, key: str) -> Score:
        return next(score for score in self.scores if score.key == key)

    def language_for(self, wanted: str) -> str:
        """The language the patient reads it in: theirs if validated, else the original."""
        return wanted if wanted in self.languages else self.languages[0]

    def text(self, field: str, language: str) -> str:
        return pick(self.texts[field], language)


def pick(texts: Texts, language: str) -> str:
    return texts.get(language) or texts.get(ORIGINAL_LANGUAGE) or next(iter(texts.values()), "")


# --- Reading a file ---------------------------------------------------------------------------


class _Reader:
    def __init__(self, name: str, languages: tuple[str, ...]) -> None:
        self.name = name
        self.languages = languages

    def fail(self, message: str) -> MeasureError:
        return MeasureError(f"{self.name}: {message}")

    def texts(self, value: Any, where: str) -> Texts:
        if isinstance(value, str):
            value = {ORIGINAL_LANGUAGE: value}
        if not isinstance(value, dict) or not all(
            isinstance(text, str) and text.strip() for text in value.values()
        ):
            raise self.fail(f"{where} must be texts by language, none empty.")
        missing = [language for language in self.languages if language not in value]
        if missing:
            raise self.fail(f"{where} has no text in {', '.join(missing)}.")
        return {language: text.strip() for language, text in value.items()}

    def number(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"{where} must be a number.")
        return float(value)

    def item(self, raw: Any, seen: set[str]) -> Item:
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise self.fail("every item needs an id.")
        item_id = raw["id"]
        where = f"item {item_id!r}"
        if not CODE.match(item_id.replace("_", "-")) or item_id in seen:
            raise self.fail(f"{where}: ids are short, lower case and unique.")
        kind = raw.get("type")
        if kind not in ITEM_TYPES:
            raise self.fail(f"{where}: type must be one of {', '.join(ITEM_TYPES)}.")
        needs = raw.get("needs", "")
        if needs and needs not in seen:
            raise self.fail(f"{where} needs {needs!r}, which must come before it.")
        fields: dict[str, Any] = {
            "id": item_id,
            "type": kind,
            "label": self.texts(raw.get("label"), f"{where} label"),
            "required": bool(raw.get("required", False)),
            "needs": needs,
        }
        if kind == "text":
            fields["max_length"] = int(self.number(raw.get("max_length", 200), where))
        elif kind == "scale":
            low, high = raw.get("min"), raw.get("max")
            if not isinstance(low, int) or not isinstance(high, int) or not 0 <= low < high <= 100:
                raise self.fail(f"{where}: a scale needs whole numbers min < max (0 to 100).")
            anchors = raw.get("anchors") or {}
            fields.update(
                minimum=low,
                maximum=high,
                anchors=(
                    self.texts(anchors.get("min"), f"{where} anchor min"),
                    self.texts(anchors.get("max"), f"{where} anchor max"),
                ),
            )
        else:
            options = raw.get("options")
            if not isinstance(options, list) or len(options) < 2:
                raise self.fail(f"{where}: a choice needs at least two options.")
            values = [option.get("value") for option in options if isinstance(option, dict)]
            if len(set(values)) != len(options) or not all(isinstance(v, str) for v in values):
                raise self.fail(f"{where}: each option needs its own text value.")
            fields["options"] = tuple(
                Option(
                    value=option["value"],
                    score=self.number(option.get("score"), f"{where} option score"),
                    label=self.texts(option.get("label"), f"{where} option label"),
                )
                for option in options
            )
        return Item(**fields)

    def score(self, raw: Any, items: dict[str, Item]) -> Score:
        if not isinstance(raw, dict) or not isinstance(raw.get("key"), str):
            raise self.fail("every score needs a key.")
        where = f"score {raw['key']!r}"
        if raw.get("method") not in SCORE_METHODS:
            raise self.fail(f"{where}: method must be one of {', '.join(SCORE_METHODS)}.")
        listed = raw.get("items")
        if not isinstance(listed, list) or not listed:
            raise self.fail(f"{where} lists no items.")
        for item_id in listed:
            item = items.get(item_id)
            if item is None or item.type == "text":
                raise self.fail(f"{where}: {item_id!r} is not a scale or choice item.")
        low = self.number(raw.get("min"), f"{where} min")
        high = self.number(raw.get("max"), f"{where} max")
        if low >= high:
            raise self.fail(f"{where}: min must be below max.")
        return Score(
            key=raw["key"],
            method=raw["method"],
            items=tuple(listed),
            label=self.texts(raw.get("label"), f"{where} label"),
            minimum=low,
            maximum=high,
        )

    def band(self, raw: Any, scores: dict[str, Score]) -> Band:
        if not isinstance(raw, dict) or not isinstance(raw.get("key"), str):
            raise self.fail("every band needs a key.")
        where = f"band {raw['key']!r}"
        when = raw.get("when")
        if not isinstance(when, dict) or not when:
            raise self.fail(f"{where} says nothing about when it applies.")
        ranges: dict[str, tuple[float, float]] = {}
        for key, bounds in when.items():
            if key not in scores:
                raise self.fail(f"{where}: no score called {key!r}.")
            if not isinstance(bounds, list) or len(bounds) != 2:
                raise self.fail(f"{where}: {key} needs a [low, high] range.")
            low, high = (self.number(bound, f"{where} {key}") for bound in bounds)
            if low > high:
                raise self.fail(f"{where}: {key} range runs backwards.")
            ranges[key] = (low, high)
        return Band(key=raw["key"], label=self.texts(raw.get("label"), where), when=ranges)


def parse_measure(data: Any, name: str = "measure") -> Measure:
    """A checked :class:`Measure` from a definition file's contents."""
    if not isinstance(data, dict):
        raise MeasureError(f"{name}: a measure is a JSON object.")
    code = data.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        raise MeasureError(f"{name}: code must be short, lower case letters, digits and dashes.")
    name = f"{name} ({code})"
    languages = data.get("languages") or [ORIGINAL_LANGUAGE]
    if not isinstance(languages, list) or not all(isinstance(lang, str) for lang in languages):
        raise MeasureError(f"{name}: languages must be a list of language codes.")
    reader = _Reader(name, tuple(languages))
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise reader.fail('version must be given as text, such as "1".')
    texts = {field: reader.texts(data.get(field), field) for field in TEXT_FIELDS}
    minutes = data.get("minutes")
    if not isinstance(minutes, int) or not 1 <= minutes <= 60:
        raise reader.fail("minutes must be a whole number from 1 to 60.")
    raw_pages = data.get("pages")
    if not isinstance(raw_pages, list) or not raw_pages:
        raise reader.fail("there are no pages.")
    seen: set[str] = set()
    pages = []
    for raw_page in raw_pages:
        raw_items = raw_page.get("items") if isinstance(raw_page, dict) else None
        if not isinstance(raw_items, list) or not raw_items:
            raise reader.fail("every page needs items.")
        items = []
        for raw_item in raw_items:
            item = reader.item(raw_item, seen)
            seen.add(item.id)
            items.append(item)
        pages.append(Page(items=tuple(items)))
    by_id = {item.id: item for page in pages for item in page.items}
    raw_scores = data.get("scores")
    if not isinstance(raw_scores, list) or not raw_scores:
        raise reader.fail("there are no scores.")
    scores = {score.key: score for score in (reader.score(raw, by_id) for raw in raw_scores)}
    primary = data.get("primary")
    if primary not in scores:
        raise reader.fail("primary must name one of the scores.")
    better = data.get("better")
    if better not in DIRECTIONS:
        raise reader.fail('better must be "higher" or "lower".')
    raw_mcid = data.get("mcid")
    mcid = None
    if raw_mcid is not None:
        if not isinstance(raw_mcid, dict):
            raise reader.fail("mcid must give points (and percent, if any), or be null.")
        points = reader.number(raw_mcid.get("points"), "mcid points")
        percent = raw_mcid.get("percent")
        mcid = Mcid(
            points=points,
            percent=None if percent is None else reader.number(percent, "mcid percent"),
        )
        if points <= 0 or (mcid.percent is not None and not 0 < mcid.percent <= 100):
            raise reader.fail("mcid points and percent must be above 0.")
    raw_bands = data.get("bands", [])
    if not isinstance(raw_bands, list):
        raise reader.fail("bands must be a list.")
    bands = tuple(reader.band(raw, scores) for raw in raw_bands)
    if len({band.key for band in bands}) != len(bands):
        raise reader.fail("band keys must be unique.")
    loinc = data.get("loinc", "")
    if not isinstance(loinc, str) or (loinc and not re.match(r"^\d{1,7}-\d$", loinc)):
        raise reader.fail("loinc must be a LOINC code such as 72514-3, or empty.")
    return Measure(
        code=code,
        version=version,
        texts=texts,
        languages=tuple(languages),
        minutes=minutes,
        pages=tuple(pages),
        scores=tuple(scores.values()),
        primary=primary,
        better=better,
        mcid=mcid,
        bands=bands,
        loinc=loinc,
        header_band=bool(data.get("header_band", False)),
    )
