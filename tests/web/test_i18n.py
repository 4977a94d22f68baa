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
