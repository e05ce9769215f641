"""The catalogue's text in every language (django-modeltranslation).

Each field below gets a column per language (``name_en``, ``name_es``, ``name_de``); reading
``exercise.name`` gives the reader's language, else English, else the language the text was
written in. Machine values (codes, tags, doses) are the same in every language.
"""

from modeltranslation.translator import TranslationOptions, register

from exercises.models import Equipment, Exercise, ExerciseStep


@register(Exercise)
class ExerciseTranslation(TranslationOptions):
    fields = ("name", "summary", "precautions", "precaution_tips")


@register(ExerciseStep)
class ExerciseStepTranslation(TranslationOptions):
    fields = ("text",)


@register(Equipment)
class EquipmentTranslation(TranslationOptions):
    fields = ("name",)
