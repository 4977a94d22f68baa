"""The English locale is complete: every marked string has a translation."""

import re
from pathlib import Path

import lika

PO = Path(lika.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_and_compiled():
    entries = PO.read_text(encoding="utf-8").split("\n\n")[1:]
    untranslated = [e for e in entries if re.search(r'^msgstr ""\Z', e.strip(), re.M) or "#, fuzzy" in e]
    assert untranslated == []
    assert PO.with_suffix(".mo").stat().st_mtime >= PO.stat().st_mtime - 1
