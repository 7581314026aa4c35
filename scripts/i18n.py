"""Translation catalogs: extract, update, fill English, compile, check.

    python scripts/i18n.py update     # after changing strings: refresh the template and catalogs
    python scripts/i18n.py compile    # build the .mo files (run by the set-up scripts)
    python scripts/i18n.py missing ja # list msgids still untranslated or fuzzy in a language
    python scripts/i18n.py apply ja FILE.json   # write {msgid: translation} into a catalog

Message ids are written in English, so the English catalog takes each msgid as its text when
no other English wording has been chosen; Japanese is translated by hand.
"""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
LANGS = ("ja", "en")


def pybabel(*args: str) -> None:
    subprocess.run(  # noqa: S603  (our own fixed arguments)
        [sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT, check=True
    )


def catalog_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def update() -> None:
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "--sort-output",
        "--omit-header",
        "-o",
        str(POT),
        ".",
    )
    for lang in LANGS:
        path = catalog_path(lang)
        if not path.exists():
            pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang)
        else:
            pybabel(
                "update",
                "-i",
                str(POT),
                "-d",
                str(TRANSLATIONS),
                "-l",
                lang,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
                "--omit-header",
            )
    fill_english()


def fill_english() -> None:
    path = catalog_path("en")
    with path.open("rb") as f:
        catalog = read_po(f, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
    catalog.fuzzy = False  # a fuzzy header would make `compile` skip the whole catalog
    with path.open("wb") as f:
        write_po(f, catalog, no_location=True, sort_output=True, omit_header=False)


def compile_catalogs() -> None:
    pybabel("-q", "compile", "-d", str(TRANSLATIONS))


def missing(lang: str) -> list[str]:
    with catalog_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang)
    out = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            out.append(message.id if isinstance(message.id, str) else message.id[0])
    return out


def apply(lang: str, mapping_file: str) -> int:
    import json

    mapping = json.loads(Path(mapping_file).read_text(encoding="utf-8"))
    path = catalog_path(lang)
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    done = 0
    for message in catalog:
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in mapping:
            value = mapping[key]
            message.string = tuple(value) if isinstance(message.id, tuple) else value
            message.flags.discard("fuzzy")
            done += 1
    catalog.fuzzy = False  # a fuzzy header would make `compile` skip the whole catalog
    with path.open("wb") as f:
        write_po(f, catalog, no_location=True, sort_output=True, omit_header=False)
    return done


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    if command == "update":
        update()
    elif command == "compile":
        compile_catalogs()
    elif command == "missing":
        for msgid in missing(sys.argv[2]):
            print(msgid)
    elif command == "apply":
        print(apply(sys.argv[2], sys.argv[3]), "messages written")
    else:
        sys.exit(__doc__)
