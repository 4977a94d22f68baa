"""Django REST framework (issue 18) is an installed app, so its catalogues outrank Django's
own: "This field is required." became "Det här fältet är obligatoriskt." on every page instead
of Django's "Detta fält måste fyllas i.".  lika/config/locale (first in LOCALE_PATHS) gives back
Django's wording for each message the two translate differently, in every language Lika has."""

import gettext
from pathlib import Path

import django
import pytest
import rest_framework
from django.conf import settings
from django.utils import translation


def _catalogue(package, language):
    path = Path(package.__file__).parent / ("conf/locale" if package is django else "locale") / language / \
        "LC_MESSAGES" / "django.mo"
    if not path.exists():
        return {}
    with path.open("rb") as mo:
        return gettext.GNUTranslations(mo)._catalog  # msgid -> msgstr (plurals keyed by tuples)


# English is Django's msgids themselves in both catalogues; the others are Lika's languages.
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES if code != "en"])
def test_the_pages_keep_djangos_own_wording(language):
    ours, theirs = _catalogue(django, language), _catalogue(rest_framework, language)
    shared = [msgid for msgid in theirs if msgid in ours and isinstance(msgid, str) and msgid]
    assert shared, "the two catalogues share messages (else this test tests nothing)"
    with translation.override(language):
        for msgid in shared:
            assert translation.gettext(msgid) == (ours[msgid] or msgid), msgid


def test_a_form_says_the_field_is_required_in_djangos_words():
    from django import forms

    class Form(forms.Form):
        name = forms.CharField()

    with translation.override("sv"):
        assert Form({}).errors["name"] == ["Detta fält måste fyllas i."]
