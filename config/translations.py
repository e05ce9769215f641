"""Compile the translations (``locale/<language>/LC_MESSAGES/*.po``) into the ``.mo`` files
Django reads, in pure Python, so that ``make`` needs no gettext tools on a fresh machine.

Run as ``python -m config.translations`` (``make`` and the Dockerfile do). A ``.mo`` file is
rewritten only when its ``.po`` file is newer. Fuzzy entries are left out, as ``msgfmt``
does: a translation someone marked as unsure is never shown.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_all(locale_dir: Path = LOCALE_DIR, *, force: bool = False) -> list[Path]:
    """Compile every ``.po`` file under ``locale_dir``; returns the ``.mo`` files written."""
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalog = polib.pofile(str(po_path))
        for entry in catalog.fuzzy_entries():
            catalog.remove(entry)
        catalog.save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_all(force="--force" in sys.argv):
        print(f"compiled {path.relative_to(LOCALE_DIR.parent)}")
