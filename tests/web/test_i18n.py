"""The English locale is complete: every marked string has a translation."""

import gettext
import re
from pathlib import Path

import lika

PO = Path(lika.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_and_compiled():
    entries = PO.read_text(encoding="utf-8").split("\n\n")[1:]
    untranslated = [e for e in entries if re.search(r'^msgstr ""\Z', e.strip(), re.M) or "#, fuzzy" in e]
    assert untranslated == []
    with open(PO.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    msgids = re.findall(r'^msgid "(.+)"$', PO.read_text(encoding="utf-8"), re.M)
    stale = [m for m in msgids if "\\" not in m and compiled.gettext(m) == m
             and re.search(rf'^msgid "{re.escape(m)}"\nmsgstr "{re.escape(m)}"$', PO.read_text(encoding="utf-8"), re.M) is None]
    assert stale == [], "run `lika compilemessages` in lika/"


# `_("…")`, `gettext_lazy("…")`, `{% translate "…" %}`: the one-line marked strings
MARKED = re.compile(r'''(?:\b_|gettext_lazy|gettext|pgettext_lazy\("[^"]*",\s*)\("((?:[^"\\\n]|\\.)+)"\)'''
                    r'''|\{% translate "([^"\n]+)"''')


def test_every_marked_string_in_the_code_is_in_the_catalogue():
    """makemessages writes the strings of a directory that has a locale of its own
    (lika/config/locale: Django's wording kept over Django REST framework's) into that
    catalogue; `make messages` runs it so that settings.py's strings stay here."""
    catalogue = PO.read_text(encoding="utf-8")
    active = set()
    for entry in catalogue.split("\n\n"):
        if entry.lstrip().startswith("#~"):
            continue
        match = re.search(r'^msgid ((?:".*"\n?)+)', entry + "\n", re.M)
        if match:
            active.add("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1))))
    root = PO.parents[3]
    missing = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".py", ".html", ".txt") or "eservice" in path.parts or "migrations" in path.parts:
            continue
        for match in MARKED.finditer(path.read_text(encoding="utf-8")):
            text = match.group(1) or match.group(2)
            if text and text not in active:
                missing.append(f"{path.relative_to(root)}: {text}")
    assert missing == []
