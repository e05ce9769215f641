"""Every shipped language complete, and no page text that bypasses translation."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from config.translations import compile_all
from exercises.models import Equipment, Exercise, ExerciseStep
from outcomes.models import MeasureDefinition, MeasureResponse
from patients.forms import timezone_choices
from patients.guidance import Answers, Lasting, LegSymptom, Level, Sign, guidance_for
from patients.models import Alert, Patient
from prescriptions.models import Media, Prescription, ProgramTemplate, ProgressionSuggestion
from tests import pseudo_locale
from tests.config.test_access_matrix import IGNORED_NAMESPACES, ROWS, client_for, world  # noqa: F401

SHIPPED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
CATALOGS = {
    code: Path(settings.LOCALE_PATHS[0]) / code / "LC_MESSAGES" / "django.po" for code in SHIPPED
}
PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|\{[^{}]*\}")


@pytest.mark.parametrize("catalog_key", sorted(CATALOGS))
def test_every_message_is_translated_and_none_is_fuzzy(catalog_key):
    catalog = polib.pofile(str(CATALOGS[catalog_key]))
    entries = [entry for entry in catalog if not entry.obsolete]
    assert entries
    assert not [entry.msgid for entry in entries if not entry.translated()]
    assert not [entry.msgid for entry in entries if "fuzzy" in entry.flags]


@pytest.mark.parametrize("catalog_key", sorted(CATALOGS))
def test_every_translation_keeps_its_placeholders(catalog_key):
    wrong = []
    for entry in polib.pofile(str(CATALOGS[catalog_key])):
        pairs = (
            [(entry.msgid_plural, text) for text in entry.msgstr_plural.values()]
            if entry.msgid_plural
            else [(entry.msgid, entry.msgstr)]
        )
        for english, translated in pairs:
            if set(PLACEHOLDER.findall(translated)) - set(PLACEHOLDER.findall(english)):
                wrong.append(entry.msgid)
    assert not wrong


# --- The safety guidance, row by row, in every language (DESIGN §5) ------------------------

ROWS_OF_THE_TABLE = {
    "emergency sign": Answers(pain=2, threshold=5, lasting=Lasting.NO, signs={Sign.BLADDER_BOWEL}),
    "new leg symptoms": Answers(
        pain=2, threshold=5, lasting=Lasting.NO, leg_symptoms={LegSymptom.TINGLING}
    ),
    "unwell or a fall": Answers(pain=2, threshold=5, lasting=Lasting.NO, unwell=True),
    "pain 7 or more": Answers(pain=7, threshold=5, lasting=Lasting.NO),
    "lasting pain above the threshold": Answers(pain=6, threshold=5, lasting=Lasting.YES),
    "pain above the threshold": Answers(pain=6, threshold=5, lasting=Lasting.NO),
    "usual leg symptoms": Answers(
        pain=2,
        threshold=5,
        lasting=Lasting.NO,
        leg_symptoms={LegSymptom.TINGLING},
        leg_symptoms_usual=True,
    ),
    "ok": Answers(pain=3, threshold=5, lasting=Lasting.NO),
    "no pain": Answers(pain=0, threshold=5, lasting=Lasting.NO),
}
# Words each level's message must carry in each language: the instruction, not a paraphrase.
KEY_WORDS = {
    "es": {
        Level.EMERGENCY: ("llame", "112"),
        Level.STOP: ("0301234567",),
        Level.EASE_OFF: (),
        Level.OK: (),
    },
    "de": {
        Level.EMERGENCY: ("112",),
        Level.STOP: ("0301234567",),
        Level.EASE_OFF: (),
        Level.OK: (),
    },
}


@pytest.mark.parametrize("language", SHIPPED)
@pytest.mark.parametrize("row", sorted(ROWS_OF_THE_TABLE))
def test_each_row_of_the_decision_table_is_told_in_the_patients_language(language, row):
    answers = ROWS_OF_THE_TABLE[row]
    english = guidance_for(answers, clinic_phone="0301234567", emergency_number="112")
    with translation.override(language):
        translated = guidance_for(answers, clinic_phone="0301234567", emergency_number="112")
    assert translated.level == english.level  # the machine value never changes
    assert translated.title
    assert translated.message
    assert translated.title != english.title
    assert translated.message != english.message
    for english_sentence in re.split(r"(?<=[.!?])\s+", english.message):
        if len(english_sentence) > 12:
            assert english_sentence not in translated.message
    for word in KEY_WORDS[language][english.level]:
        assert word in translated.message, (language, row, translated.message)


# --- Nothing on a page bypasses translation ------------------------------------------------


@pytest.fixture
def pseudo_language(settings, tmp_path):
    pseudo_locale.build(tmp_path, pseudo_locale.project_catalogs())
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]
    settings.LANGUAGES = [*settings.LANGUAGES, (pseudo_locale.CODE, "Pseudo")]
    return pseudo_locale.CODE


def _data(objects: dict) -> set[str]:
    """What the pages may show untranslated: people's names and words, the catalogue's
    content (translated as data, not as messages), the brand and each language's own name."""
    values = {"Rehabit", "English", "Español", "Deutsch", "API", "Pseudo", pseudo_locale.CODE}
    for user in objects["users"].values():
        if user is not None:
            values |= {user.get_full_name(), user.first_name, user.last_name, user.username}
            values.add(user.email)
    for model, fields in (
        (Exercise, ("name", "summary", "precautions", "slug")),
        (ExerciseStep, ("text",)),
        (Equipment, ("name",)),
        (Prescription, ("title", "goal", "notes")),
        (ProgramTemplate, ("name", "description", "audience")),
    ):
        for row in model.objects.values_list(*fields):
            values |= {str(value) for value in row if value}
    for _group, zones in timezone_choices():
        values |= {str(label) for _zone, label in zones} | {zone for zone, _label in zones}
    # Alerts stored before they kept the words they are made of show their stored text; the
    # audit trail names objects as they were called when it recorded them; a dose
    # suggestion's reason is stored as written.
    values |= set(Alert.objects.filter(entries=[]).values_list("message", flat=True))
    for name in LogEntry.objects.values_list("object_repr", flat=True):
        values |= {name, name[:1].lower() + name[1:]}
    values |= set(ProgressionSuggestion.objects.values_list("reason", flat=True))
    values |= set(Media.objects.values_list("content_type", flat=True))  # "video/mp4"
    # Questionnaires are offered in the languages their text is validated in, as data.
    for definition in MeasureDefinition.objects.values_list("definition", flat=True):
        values |= _measure_texts(definition)
    values |= set(MeasureDefinition.objects.values_list("title", flat=True))
    for answers in MeasureResponse.objects.values_list("answers", flat=True):
        values |= {value for value in answers.values() if isinstance(value, str)}
    return values


def _measure_texts(value: object) -> set[str]:
    """Every text of a measure's file: the values of its ``{"en": …}`` dictionaries."""
    if isinstance(value, dict):
        if value and set(value) <= {"en", "es", "de"}:
            return {text for text in value.values() if isinstance(text, str)}
        return {text for item in value.values() for text in _measure_texts(item)}
    if isinstance(value, list):
        return {text for item in value for text in _measure_texts(item)}
    return set()


# Links, email addresses and masked secrets (the audit trail's "****x9q8") are data too.
URLISH = re.compile(r"https?://\S+|\S+@\S+|(?<![\w/])/[\w./?=&%-]+|\S*\*\*\S*")


def test_no_page_shows_text_that_bypassed_translation(world, pseudo_language):  # noqa: F811
    data = _data(world)
    Patient.objects.update(language=pseudo_language)  # anonymous pages follow the patient's
    untranslated: dict[str, list[str]] = {}
    for visitor, user in world["users"].items():
        if user is not None and hasattr(user, "patient"):
            user.patient.language = pseudo_language
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = pseudo_language
        if user is not None and not hasattr(user, "patient"):
            session = client.session
            session["rehabit_language"] = pseudo_language
            session.save()
        for name, row in sorted(ROWS.items()):
            if name.startswith(IGNORED_NAMESPACES) or row.post_only or row.expect[visitor] != "ok":
                continue
            response = client.get(reverse(name, kwargs=row.kwargs(world)))
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            left = pseudo_locale.untranslated(response.content.decode(), data, ignore=URLISH)
            if left:
                untranslated[f"{name} as {visitor}"] = sorted(set(left))[:8]
    assert not untranslated, "\n".join(f"{page}: {texts}" for page, texts in untranslated.items())


def test_the_compiled_catalogs_leave_fuzzy_entries_out(tmp_path):
    catalog = polib.POFile()
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    catalog.append(polib.POEntry(msgid="Done", msgstr="Hecho"))
    catalog.append(polib.POEntry(msgid="Undo", msgstr="Deshacer?", flags=["fuzzy"]))
    (tmp_path / "es" / "LC_MESSAGES").mkdir(parents=True)
    catalog.save(str(tmp_path / "es" / "LC_MESSAGES" / "django.po"))
    (written,) = compile_all(tmp_path)
    compiled = polib.mofile(str(written))
    assert [(entry.msgid, entry.msgstr) for entry in compiled] == [("Done", "Hecho")]
