"""Form widgets.

``QuickSelect`` writes the same markup as Django's ``Select`` but in Python instead of
through a template per option: a select of thirteen options costs about 0.5 ms through
the templates and a twentieth of that here.  The statistics page (issue #5) has five selects
on every request, and its speed is measured against hand-written SQL (docs/benchmarks.md).
``tests/web/test_widgets.py`` checks that the markup is the same as Django's, character
for character.
"""

from django import forms
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name."""
    return "".join(
        "" if value is False else
        format_html(" {}", name) if value is True else
        format_html(' {}="{}"', name, str(value))
        for name, value in attrs.items())


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                parts.append(format_html('\n  <option value="{}"', str(option["value"])))
                parts.append(_attrs(option["attrs"]))
                parts.append(format_html(">{}</option>\n", conditional_escape(localize(option["label"]))))
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every part above is escaped)
