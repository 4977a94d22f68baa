"""The e-service is complete in every language it offers (English, Arabic): every string
of lika/eservice is in its catalogue, translated and compiled.  Arabic is written right to
left (the browser test checks the rendering)."""

import gettext
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

import lika

ESERVICE = Path(lika.__file__).parent / "eservice"
MAIN_PO = Path(lika.__file__).parent / "locale" / "{lang}" / "LC_MESSAGES" / "django.po"
OWN_PO = ESERVICE / "locale" / "{lang}" / "LC_MESSAGES" / "django.po"
OTHER = [code for code in settings.LIKA_ESERVICE_LANGUAGES if code != "sv"]


def _entries(po: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (multi-line strings joined)."""
    text = po.read_text(encoding="utf-8")
    found = {}
    for block in text.split("\n\n")[1:]:
        if re.search(r"^#~ ", block, re.M):
            continue
        ident = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        value = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
        if ident and value:
            join = lambda s: "".join(re.findall(r'"(.*)"', s))  # noqa: E731
            found[join(ident.group(1))] = join(value.group(1))
    return found


def _catalogue(lang: str) -> Path:
    return OWN_PO if Path(str(OWN_PO).format(lang=lang)).exists() else MAIN_PO


@pytest.mark.parametrize("lang", OTHER)
def test_every_eservice_string_is_translated_and_compiled(lang):
    po = Path(str(OWN_PO).format(lang=lang))
    entries = _entries(po)
    assert entries, f"{po} saknas eller är tom"
    assert [m for m, t in entries.items() if m and not t] == []
    assert "#, fuzzy" not in po.read_text(encoding="utf-8")
    with open(po.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [m for m, t in entries.items() if m and "\\" not in m and compiled.gettext(m) != t]
    assert stale == [], "run `lika compilemessages` in lika/eservice/"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="xgettext (Debian gettext) saknas")
def test_the_eservice_catalogue_holds_every_string_of_the_code(tmp_path):
    """Extract lika/eservice's strings afresh (makemessages on a copy): none is missing from
    the committed Arabic catalogue."""
    copy = tmp_path / "eservice"
    shutil.copytree(ESERVICE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "static"))
    (copy / "locale").mkdir()
    here = os.getcwd()
    os.chdir(copy)
    try:
        call_command("makemessages", locale=["ar"], verbosity=0)
    finally:
        os.chdir(here)
    fresh = set(_entries(copy / "locale" / "ar" / "LC_MESSAGES" / "django.po"))
    committed = set(_entries(Path(str(OWN_PO).format(lang="ar"))))
    assert sorted(fresh - committed) == [], "run `lika makemessages -l ar -l en` in lika/eservice/"


@pytest.mark.django_db
@pytest.mark.parametrize("lang,direction", [("sv", "ltr"), ("en", "ltr"), ("ar", "rtl")])
def test_the_start_page_is_in_the_chosen_language_and_direction(lang, direction):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    html = client.get(reverse("eservice_start")).content.decode()
    assert f'<html lang="{lang}" dir="{direction}">' in html
    with translation.override(lang):
        assert translation.gettext("Ansök om ekonomiskt bistånd") in html
    if lang != "sv":
        assert "Så ansöker du" not in html


def test_the_staff_pages_offer_only_swedish_and_english():
    assert settings.LIKA_STAFF_LANGUAGES == ("sv", "en")
    assert set(settings.LIKA_ESERVICE_LANGUAGES) <= {code for code, _name in settings.LANGUAGES}
