"""QuickSelect writes Django's Select markup, character for character."""

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy

from lika.web.widgets import QuickSelect

CASES = [
    # (choices, value, attrs)
    ([("", "Hela kommunen"), (1, "Enhet <Norr> & co"), (2, 'Söder "S"')], 1, {"id": "id_enhet"}),
    ([("", "Hela kommunen"), (1, "Norr")], None, {"id": "id_x", "aria-describedby": "id_x_error", "required": True,
                                                  "disabled": False, "aria-invalid": "true"}),
    ([(m, gettext_lazy("januari") if m == 1 else str(m)) for m in range(1, 13)], "7", {}),
    ([("Norr", [(1, "Ett"), (2, "Två")]), ("Söder", [(3, "Tre")]), (4, "Fyra")], 3, {"class": "wide"}),
    ([(1000, 12345), (2, 2.5)], 1000, None),  # numbers as labels are localised as in templates
    ([], None, {}),
]


@pytest.mark.parametrize(("choices", "value", "attrs"), CASES)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_markup_is_django_selects(choices, value, attrs, language):
    with translation.override(language):
        django = forms.Select(choices=choices).render("enhet", value, attrs=attrs)
        quick = QuickSelect(choices=choices).render("enhet", value, attrs=attrs)
    assert quick == django


def test_a_bound_field_gets_the_same_aria_attributes():
    class Form(forms.Form):
        plain = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], help_text="Hjälp")
        quick = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], help_text="Hjälp", widget=QuickSelect)

    form = Form({"plain": "x", "quick": "x"})
    assert not form.is_valid()
    assert str(form["quick"]) == str(form["plain"]).replace("plain", "quick")
    assert 'aria-invalid="true"' in str(form["quick"])
