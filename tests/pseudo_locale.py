"""A pseudo-language for finding text that does not go through translation.

Every message of the project's catalog (and of Django's own, for month names and form errors)
is "translated" by swapping each ASCII letter for an accented look-alike: ``Save`` becomes
``Šàvé``. A page rendered in it that still shows a plain ASCII letter shows text that never
went through gettext, unless that text is data (a name, a note, the catalogue's content).
Placeholders (``%(name)s``, ``{name}``), HTML tags and entities are kept as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
from django.conf import settings

CODE = "en-xa"  # the conventional pseudo-locale; its catalog lives in <dir>/en_XA/
DIRECTORY = "en_XA"

_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ACCENTED = "áƀćđéƒĝĥíĵķĺɱńóƥǫŕšťúʋŵẋýžÁƁĆĐÉƑĜĤÍĴĶĹṀŃÓƤǪŔŠŤÚṼŴẊÝŽ"
_SWAP = str.maketrans(_PLAIN, _ACCENTED)
# Kept as they are: printf and format placeholders, HTML tags and entities.
_KEEP = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[a-zA-Z%]|\{[^{}]*\}|<[^>]*>|&\w+;")

PLAIN_LETTER = re.compile(r"[A-Za-z]")


def accent(text: str) -> str:
    parts, last = [], 0
    for match in _KEEP.finditer(text):
        parts.append(text[last : match.start()].translate(_SWAP))
        parts.append(match.group(0))
        last = match.end()
    parts.append(text[last:].translate(_SWAP))
    return "".join(parts)


def _django_catalogs() -> list[Path]:
    """Django's own English catalogs: their msgids are what the pages show of Django's text."""
    root = Path(django.__file__).parent
    return sorted(root.glob("**/locale/en/LC_MESSAGES/django.po"))


def _pseudo_entry(entry: polib.POEntry) -> polib.POEntry:
    pseudo = polib.POEntry(msgid=entry.msgid, msgctxt=entry.msgctxt)
    if entry.msgid_plural:
        pseudo.msgid_plural = entry.msgid_plural
        pseudo.msgstr_plural = {0: accent(entry.msgid), 1: accent(entry.msgid_plural)}
    else:
        pseudo.msgstr = accent(entry.msgid)
    return pseudo


def build(target: Path, sources: Iterable[Path]) -> Path:
    """Write the pseudo-language's compiled catalog under ``target``; returns its path."""
    catalog = polib.POFile()
    catalog.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
        "Language": DIRECTORY,
    }
    seen: set[tuple[str | None, str]] = set()
    for source in [*sources, *_django_catalogs()]:
        for entry in polib.pofile(str(source)):
            key = (entry.msgctxt, entry.msgid)
            if entry.obsolete or not entry.msgid or key in seen:
                continue
            seen.add(key)
            catalog.append(_pseudo_entry(entry))
    out = target / DIRECTORY / "LC_MESSAGES"
    out.mkdir(parents=True, exist_ok=True)
    catalog.save_as_mofile(str(out / "django.mo"))
    return out / "django.mo"


def project_catalogs() -> list[Path]:
    """The project's catalogs: every msgid it has is in each language's file."""
    return sorted(Path(settings.LOCALE_PATHS[0]).glob("es/LC_MESSAGES/*.po"))


class _Text(HTMLParser):
    """Visible text nodes and the human-readable attributes of a page."""

    SKIPPED = frozenset({"script", "style", "template"})
    READ_ATTRIBUTES = frozenset({"aria-label", "title", "placeholder", "alt"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping: list[str] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping.append(tag)
        for name, value in attrs:
            if name in self.READ_ATTRIBUTES and value:
                self.found.append(value)
            if tag == "input" and name == "value" and value and ("type", "submit") in attrs:
                self.found.append(value)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.found.append(data.strip())


def untranslated(
    html: str, data: Iterable[str], ignore: re.Pattern[str] | None = None
) -> list[str]:
    """The visible texts of a page that show a plain ASCII letter once ``data`` (names,
    notes, catalogue content: longest first) and whatever ``ignore`` matches (links,
    addresses) are taken out of each."""
    known = sorted({value for value in data if value and value.strip()}, key=len, reverse=True)
    parser = _Text()
    parser.feed(html)
    left = []
    for text in parser.found:
        rest = ignore.sub(" ", text) if ignore is not None else text
        for value in known:
            if value in rest:
                rest = rest.replace(value, " ")
        if PLAIN_LETTER.search(rest):
            left.append(text)
    return left
