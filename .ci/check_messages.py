"""CI: every translatable string of the code is in the committed catalogs.

Runs ``makemessages`` over a copy of the committed ``.po`` files and fails when it finds a
message the committed catalogs lack (new text not yet extracted and translated) or one they
still carry that the code no longer has. Needs gettext's ``xgettext`` (installed by .ci/run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("es", "de")
DOMAINS = {"django": (), "djangojs": ("static/vendor",)}
IGNORED = (".venv", "tests", "benchmarks", "staticfiles", "screenshots", "build")


def msgids(path: Path) -> set[tuple[str | None, str]]:
    return {(e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if not e.obsolete}


def main() -> int:
    committed = {lang: msgids(ROOT / f"locale/{lang}/LC_MESSAGES/django.po") for lang in LANGUAGES}
    with tempfile.TemporaryDirectory() as scratch:
        shutil.copytree(ROOT / "locale", Path(scratch) / "locale")
        env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "REHABIT_LOCALE_DIR": str(Path(scratch) / "locale"),
        }
        command = [sys.executable, "manage.py", "makemessages", "--add-location=file"]
        command += [f"--locale={lang}" for lang in LANGUAGES]
        command += [f"--ignore={name}" for name in IGNORED]
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
        failed = False
        for lang in LANGUAGES:
            found = msgids(Path(scratch) / f"locale/{lang}/LC_MESSAGES/django.po")
            for label, keys in (
                ("new in the code, missing from", found - committed[lang]),
                ("gone from the code, still in", committed[lang] - found),
            ):
                for context, text in sorted(keys, key=lambda key: key[1]):
                    failed = True
                    where = f" [{context}]" if context else ""
                    print(f"{label} locale/{lang}: {text!r}{where}")
    if failed:
        print("Run `make messages` and translate the new entries.")
        return 1
    print(f"Message catalogs up to date ({', '.join(LANGUAGES)}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
