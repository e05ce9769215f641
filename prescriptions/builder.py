"""The program builder's working state, carried in the page's one form.

Nothing is saved until the therapist presses Save: adding, removing and moving exercises
and searching the catalogue post the whole form back, and the page (or, with htmx, the part
that changed) comes back with the change applied and the precaution warnings for this
patient. This is what makes the builder work without JavaScript.

Every step costs the same few queries however many exercises the program holds: exercises
are looked up in one query for all rows, never one per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exercises.models import Exercise, Side
from prescriptions.forms import BaseItemFormSet, CatalogueSearchForm, ItemForm
from prescriptions.models import ItemFields, PrescriptionItem
from prescriptions.services import CONFIRM_FIELD, MAX_ITEMS, ItemSpec

PREFIX = "items"
SEARCH_PREFIX = "search"
RESULTS_SHOWN = 30
ROW_FIELDS = tuple(ItemForm.base_fields)
ROW_ACTIONS = ("add", "remove", "up", "down")

ItemFormSet = forms.formset_factory(
    ItemForm,
    formset=BaseItemFormSet,
    extra=0,
    max_num=MAX_ITEMS,
    validate_max=True,
    absolute_max=MAX_ITEMS,
)


@dataclass(frozen=True)
class Action:
    """What the pressed button asks for: save, search, or a change to one row."""

    name: str = "refresh"
    arg: int | None = None

    @classmethod
    def parse(cls, value: str | None) -> Action:
        name, _, arg = (value or "").partition(":")
        # ASCII digits only: "²" is a digit to str.isdigit() but not to int().
        index = _as_int(arg) if arg.isascii() and arg.isdigit() else None
        if name in ROW_ACTIONS and index is not None:
            return cls(name, index)
        if name in {"save", "search"}:
            return cls(name)
        return cls()

    @property
    def changes_rows(self) -> bool:
        return self.name in ROW_ACTIONS


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def rows_from_post(data: QueryDict) -> list[dict[str, Any]]:
    """The builder's rows as posted, raw, in order (at most one more than the limit)."""
    total = _as_int(data.get(f"{PREFIX}-TOTAL_FORMS")) or 0
    total = max(0, min(total, MAX_ITEMS + 1))
    return [
        {name: data.get(f"{PREFIX}-{index}-{name}", "") for name in ROW_FIELDS}
        for index in range(total)
    ]


def row_from_spec(spec: ItemSpec) -> dict[str, Any]:
    return {
        "item_id": spec.item_id or "",
        "exercise": spec.exercise.pk,
        **{name: "" if value is None else value for name, value in spec.values().items()},
    }


def rows_from_items(items: Iterable[ItemFields], *, keep_ids: bool) -> list[dict[str, Any]]:
    return [row_from_spec(ItemSpec.from_item(item, keep_id=keep_ids)) for item in items]


@dataclass
class BuilderRow:
    index: int
    form: ItemForm
    exercise: Exercise
    warnings: list[str]
    preview: str
    is_last: bool
    tips: list[str] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def default_dose(self) -> str:
        return self.exercise.dose_in_words(self.exercise.default_side)

    @property
    def error_messages(self) -> list[str]:
        """What needs correcting in this row (only after Save was pressed)."""
        if not self.form.is_bound:
            return []
        return [str(message) for messages in self.form.errors.values() for message in messages]

    @property
    def is_first(self) -> bool:
        return self.index == 0

    @property
    def shows_more(self) -> bool:
        """Whether the load and note fields start unfolded."""
        form = self.form
        return bool(
            form["load"].value() or form["instructions"].value() or form["load"].errors
        ) or bool(form["instructions"].errors)


@dataclass
class SearchResult:
    exercise: Exercise
    warnings: list[str]
    default_dose: str
    in_program: bool


@dataclass
class Builder:
    """Everything the builder page shows on one request."""

    rows: list[BuilderRow]
    formset: forms.BaseFormSet
    search: CatalogueSearchForm
    results: list[SearchResult] = field(default_factory=list)
    result_count: int = 0
    message: str = ""
    errors: list[str] = field(default_factory=list)
    # Whether the therapist ticked the box confirming exactly the conflicts now shown.
    precautions_acknowledged: bool = False

    @property
    def more_results(self) -> bool:
        return self.result_count > len(self.results)

    @property
    def rows_calling_for_care(self) -> list[BuilderRow]:
        return [row for row in self.rows if row.warnings]

    @property
    def checked_summary(self) -> str:
        """The exercises calling for care, each with its conflicts: "Bridge (pregnancy)"."""
        return "; ".join(
            f"{row.exercise.name} ({', '.join(row.warnings)})" for row in self.rows_calling_for_care
        )

    @property
    def conflict_key(self) -> str:
        """The conflicts shown, as the confirmation box's value: "exercise id:labels" each."""
        return ";".join(
            f"{row.exercise.pk}:{'|'.join(row.warnings)}" for row in self.rows_calling_for_care
        )

    def read_confirmation(self, data: QueryDict) -> None:
        """The box's value names the conflicts shown, so a box ticked before another
        conflicting exercise was added confirms nothing."""
        key = self.conflict_key
        self.precautions_acknowledged = bool(key) and data.get(CONFIRM_FIELD) == key

    @property
    def has_item_errors(self) -> bool:
        return any(row.error_messages for row in self.rows)


def preview_dose(
    row: Mapping[str, Any], language: str | None = None, prefix: str | None = None
) -> str:
    """The dose as the patient will read it (in their language, when known), when the row's
    values are valid. ``prefix`` reads one row out of the whole posted builder form."""
    form = ItemForm(data=row, prefix=prefix)
    if not form.is_valid():
        return ""
    item = PrescriptionItem(**form.dose(), side=form.cleaned_data["side"])
    with translation.override(language or translation.get_language()):
        return item.dose_text()


class Workbench:
    """Turns posted or initial rows into a :class:`Builder`, and valid rows into ItemSpecs.

    ``known`` holds exercises already in the program or template being edited: they stay
    usable even when the catalogue no longer offers them (an unpublished exercise, or a
    colleague's private exercise in a shared patient's program). Any other exercise must be
    one the user may use.
    """

    def __init__(
        self,
        *,
        user: User,
        conditions: Sequence[str] = (),
        known: Mapping[int, Exercise] | None = None,
        language: str | None = None,
    ) -> None:
        self.user = user
        self.language = language  # the patient's, for the dose as they will read it
        self.conditions = list(conditions)
        self.exercises: dict[int, Exercise] = dict(known or {})

    # -- exercises ------------------------------------------------------------------------

    def usable_exercises(self) -> QuerySet[Exercise]:
        return Exercise.objects.for_user(self.user)

    def _load(self, ids: Iterable[int | None]) -> None:
        missing = {pk for pk in ids if pk is not None} - self.exercises.keys()
        if missing:
            self.exercises.update(
                (exercise.pk, exercise)
                for exercise in self.usable_exercises().filter(pk__in=missing)
            )

    def _resolve(self, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
        """Rows whose exercise is usable, and how many were left out."""
        kept = [row for row in rows if _as_int(row.get("exercise")) in self.exercises]
        return kept, len(rows) - len(kept)

    def warnings_for(self, exercise: Exercise) -> list[str]:
        return exercise.precautions_matching(self.conditions)

    # -- rows -----------------------------------------------------------------------------

    def apply(self, rows: list[dict[str, Any]], action: Action) -> tuple[list[dict], str]:
        """Apply a row action to the rows; returns the new rows and a status message."""
        index = action.arg if action.arg is not None else -1
        if action.name == "add":
            exercise = self.exercises.get(index)
            if exercise is None:
                return rows, _("That exercise is not available.")
            if len(rows) >= MAX_ITEMS:
                return rows, _("A program can hold at most %(count)s exercises.") % {
                    "count": MAX_ITEMS
                }
            rows = [*rows, row_from_spec(ItemSpec.from_exercise(exercise))]
            return rows, ngettext(
                "Added %(name)s. %(count)s exercise in the program.",
                "Added %(name)s. %(count)s exercises in the program.",
                len(rows),
            ) % {"name": exercise.name, "count": len(rows)}
        if not 0 <= index < len(rows):
            return rows, ""
        name = self.exercises[int(rows[index]["exercise"])].name
        rows = list(rows)
        if action.name == "remove":
            del rows[index]
            return rows, ngettext(
                "Removed %(name)s. %(count)s exercise in the program.",
                "Removed %(name)s. %(count)s exercises in the program.",
                len(rows),
            ) % {"name": name, "count": len(rows)}
        target = index - 1 if action.name == "up" else index + 1
        if not 0 <= target < len(rows):
            return rows, ""
        rows[index], rows[target] = rows[target], rows[index]
        return rows, _("Moved %(name)s to place %(place)s.") % {"name": name, "place": target + 1}

    def _builder_rows(self, forms_: Sequence[ItemForm], raw: Sequence[Mapping]) -> list:
        last = len(forms_) - 1
        return [
            BuilderRow(
                index=index,
                form=form,
                exercise=(exercise := self.exercises[int(row["exercise"])]),
                warnings=self.warnings_for(exercise),
                preview=preview_dose(row, self.language),
                is_last=index == last,
                tips=exercise.tips_for(self.conditions),
            )
            for index, (form, row) in enumerate(zip(forms_, raw, strict=True))
        ]

    # -- search ---------------------------------------------------------------------------

    def _search(self, builder: Builder, rows: Sequence[Mapping[str, Any]]) -> None:
        found = builder.search.filter(self.usable_exercises(), self.user)
        builder.result_count = found.count()
        in_program = {_as_int(row.get("exercise")) for row in rows}
        builder.results = [
            SearchResult(
                exercise=exercise,
                warnings=self.warnings_for(exercise),
                default_dose=exercise.dose_in_words(exercise.default_side),
                in_program=exercise.pk in in_program,
            )
            for exercise in found.prefetch_related("equipment").order_by("name", "pk")[
                :RESULTS_SHOWN
            ]
        ]

    # -- the two ways in ------------------------------------------------------------------

    def initial(self, rows: list[dict[str, Any]]) -> Builder:
        """The builder as first opened, from the program's or template's items."""
        self._load(_as_int(row["exercise"]) for row in rows)
        rows, left_out = self._resolve(rows)
        builder = self._unbound(rows, CatalogueSearchForm(prefix=SEARCH_PREFIX))
        if left_out:
            builder.message = _left_out(left_out)
        self._search(builder, rows)
        return builder

    def posted(self, data: QueryDict, action: Action) -> tuple[Builder, list[ItemSpec] | None]:
        """The builder after a post. On Save with valid rows, also the items to save."""
        rows = rows_from_post(data)
        ids = [_as_int(row.get("exercise")) for row in rows]
        if action.name == "add":
            ids.append(action.arg)
        self._load(ids)
        rows, left_out = self._resolve(rows)
        search = CatalogueSearchForm(data=data, prefix=SEARCH_PREFIX)
        specs = None
        if action.name == "save" and not left_out:
            builder, specs = self._bound(data, rows, search)
        else:
            message = ""
            if action.changes_rows:
                rows, message = self.apply(rows, action)
            builder = self._unbound(rows, search)
            builder.message = _left_out(left_out) if left_out else message
            if left_out and action.name == "save":
                builder.errors.append(
                    _(
                        "Some exercises are no longer available and were left out. Check the "
                        "list, then save again."
                    )
                )
        builder.read_confirmation(data)
        self._search(builder, rows)
        return builder, specs

    def _unbound(self, rows: list[dict[str, Any]], search: CatalogueSearchForm) -> Builder:
        formset = ItemFormSet(initial=rows, prefix=PREFIX)
        return Builder(rows=self._builder_rows(formset.forms, rows), formset=formset, search=search)

    def _bound(
        self, data: QueryDict, rows: list[dict[str, Any]], search: CatalogueSearchForm
    ) -> tuple[Builder, list[ItemSpec] | None]:
        formset = ItemFormSet(data=data, prefix=PREFIX)
        builder = Builder(rows=[], formset=formset, search=search)
        if not formset.is_valid():
            builder.errors.extend(str(error) for error in formset.non_form_errors())
            if len(formset.forms) == len(rows):
                builder.rows = self._builder_rows(formset.forms, rows)
            else:  # a tampered form count: show the rows as they were
                fallback = self._unbound(rows, search)
                builder.rows, builder.formset = fallback.rows, fallback.formset
            return builder, None
        if not rows:
            builder.errors.append(_("Add at least one exercise: search the catalogue, then Add."))
            return builder, None
        specs = [
            ItemSpec(
                exercise=self.exercises[form.cleaned_data["exercise"]],
                item_id=form.cleaned_data.get("item_id"),
                side=form.cleaned_data["side"] or Side.BOTH,
                load=form.cleaned_data.get("load", "").strip(),
                instructions=form.cleaned_data.get("instructions", "").strip(),
                **form.dose(),
            )
            for form in formset.forms
        ]
        builder.rows = self._builder_rows(formset.forms, rows)
        return builder, specs


def _left_out(number: int) -> str:
    return ngettext(
        "%(count)s exercise no longer available was left out.",
        "%(count)s exercises no longer available were left out.",
        number,
    ) % {"count": number}
