"""Issue 18: Lika's form renderer writes the commonest widgets without the template engine.
It must give the same bytes as Django's own widget templates: compared here widget by widget
(a table, and hypothesis for the values) and on whole pages of a case."""

import difflib
import re
from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st

from lika.web.form_renderer import FastWidgetRenderer
from tests.cases.test_views import _case_urls, decided  # noqa: F401 - the fixture

DJANGO = DjangoTemplates()
FAST = FastWidgetRenderer()

CHOICES = [("", "—"), ("housing", "Boendekostnad"), ("a&b", 'Citat "<x>"'), (3, 3),
           ("Grupp", [("g1", "Ett"), ("g2", gettext_lazy("Hushållet"))])]

WIDGETS = [
    forms.TextInput(), forms.TextInput(attrs={"class": "wide", "maxlength": 200}), forms.NumberInput(attrs={"step": "0.01"}),
    forms.EmailInput(), forms.HiddenInput(), forms.DateInput(attrs={"type": "date"}),
    forms.DateInput(attrs={"type": "month"}, format="%Y-%m"), forms.PasswordInput(render_value=True),
    forms.URLInput(), forms.TelInput(), forms.SearchInput(), forms.TimeInput(), forms.DateTimeInput(),
    forms.CheckboxInput(), forms.Textarea(attrs={"rows": 3}), forms.Select(choices=CHOICES),
    forms.Select(choices=[]), forms.SelectMultiple(choices=CHOICES), forms.RadioSelect(choices=CHOICES[:3]),
    forms.ColorInput(),
]
VALUES = [None, "", "x < y & \"z\" 'q'", 5, 0, Decimal("1.50"), date(2026, 12, 6), True, False, "housing", 3,
          ["housing", "g2"], mark_safe("<b>säker</b>"), "  mellanslag  "]
ATTRS = [None, {"id": "id_f", "required": True, "disabled": False, "aria-describedby": "f-help f-err",
                "aria-invalid": "true", "autocomplete": "off", "data-x": 'a"b'}]


def _both(widget, value, attrs):
    return (widget.render("field-0", value, attrs=attrs, renderer=DJANGO),
            widget.render("field-0", value, attrs=attrs, renderer=FAST))


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("attrs", ATTRS, ids=["plain", "attrs"])
def test_every_widget_and_value_renders_as_django_does(widget, attrs):
    for value in VALUES:
        django_html, fast_html = _both(widget, value, attrs)
        assert fast_html == django_html, (type(widget).__name__, value)


@settings(max_examples=150, deadline=None)
@given(value=st.one_of(st.none(), st.text(), st.integers(), st.decimals(allow_nan=False, allow_infinity=False)),
       label=st.text(min_size=1), attr=st.text(min_size=0, max_size=20))
def test_any_text_renders_as_django_does(value, label, attr):
    attrs = {"id": "x", "title": attr}
    for widget in (forms.TextInput(), forms.Textarea(), forms.Select(choices=[(str(value), label), ("", "—")])):
        django_html, fast_html = _both(widget, value, attrs)
        assert fast_html == django_html


# the cases of the statistics form's QuickSelect, which the renderer replaced (numbers as labels
# are localised as in templates)
SELECTS = [
    ([("", "Hela kommunen"), (1, "Enhet <Norr> & co"), (2, 'Söder "S"')], 1, {"id": "id_enhet"}),
    ([(m, gettext_lazy("januari") if m == 1 else str(m)) for m in range(1, 13)], "7", {}),
    ([("Norr", [(1, "Ett"), (2, "Två")]), ("Söder", [(3, "Tre")]), (4, "Fyra")], 3, {"class": "wide"}),
    ([(1000, 12345), (2, 2.5)], 1000, None),
]


@pytest.mark.parametrize(("choices", "value", "attrs"), SELECTS)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_selects_in_either_language(choices, value, attrs, language):
    from django.utils import translation

    with translation.override(language):
        django_html, fast_html = _both(forms.Select(choices=choices), value, attrs)
    assert fast_html == django_html


def test_a_bound_field_with_an_error_gets_the_same_aria_attributes(settings):
    class Form(forms.Form):
        choice = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], help_text="Hjälp")
        text = forms.IntegerField(help_text="Ett tal")

    form = Form({"choice": "x", "text": "y"})
    assert not form.is_valid()
    ours = (str(form["choice"]), str(form["text"]))
    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
    form = Form({"choice": "x", "text": "y"})
    form.is_valid()
    assert ours == (str(form["choice"]), str(form["text"]))
    assert 'aria-invalid="true"' in ours[0] and 'aria-invalid="true"' in ours[1]


def test_a_template_it_does_not_know_goes_to_django():
    class Odd(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"  # an option of another template

    django_html, fast_html = _both(Odd(choices=CHOICES[:2]), "housing", None)
    assert fast_html == django_html and "<input" in fast_html


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _page(client, url, renderer, settings_fixture, method="get", data=None):
    settings_fixture.FORM_RENDERER = renderer
    response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    return response.status_code, TOKEN.sub("", response.content.decode())


def test_the_case_pages_are_the_same_with_either_renderer(client, decided, alice, settings):  # noqa: F811
    case, woman, _man, application, decision, exception = decided
    client.force_login(alice)
    urls = _case_urls(case, woman, application, decision, exception)
    urls = [u for u in urls if "brev" not in u and not u.endswith(".pdf")]
    compared = 0
    for url in urls:
        ours = _page(client, url, "lika.web.form_renderer.FastWidgetRenderer", settings)
        djangos = _page(client, url, "django.forms.renderers.DjangoTemplates", settings)
        if ours[0] == 200:
            assert ours == djangos, url
            compared += "<select" in ours[1] or "<input" in ours[1]
    assert compared >= 8, "pages with forms were compared"


def test_a_form_sent_back_with_errors_is_the_same_with_either_renderer(client, unit_a, alice, settings):
    from django.urls import reverse

    from lika.cases import services
    from tests.cases.factories import couple_case

    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    application = services.application_create(acting_user=alice, case=case, month=date(2026, 3, 1), applicant=man)
    client.force_login(alice)
    url = reverse("application_detail", kwargs={"case_id": case.pk, "application_id": application.pk})
    bad = {"action": "entries", "calculate": "1", "cost-rows": "2", "cost0-type": "housing", "cost0-amount": "åtta",
           "cost1-type": "", "cost1-amount": "12", "income-rows": "1", "income0-type": "salary",
           "income0-person": str(woman.pk), "income0-amount": "<script>", "income0-note": 'a "citat" & <b>'}
    ours = _page(client, url, "lika.web.form_renderer.FastWidgetRenderer", settings, "post", bad)
    djangos = _page(client, url, "django.forms.renderers.DjangoTemplates", settings, "post", bad)
    assert ours[0] == djangos[0] == 400 and 'value="åtta"' in ours[1], "the bad value comes back"
    assert "&lt;script&gt;" in ours[1] and "<script>" not in ours[1].split("</head>")[1].replace("<script nonce", "")
    assert ours[1] == djangos[1], "".join(difflib.unified_diff(djangos[1].splitlines(True), ours[1].splitlines(True)))
    for empty_url in (url, reverse("decision_new", kwargs={"case_id": case.pk, "application_id": application.pk})):
        assert _page(client, empty_url, "lika.web.form_renderer.FastWidgetRenderer", settings) == \
            _page(client, empty_url, "django.forms.renderers.DjangoTemplates", settings)
