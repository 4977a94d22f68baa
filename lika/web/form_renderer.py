"""Form widgets rendered without the template engine (issue 18).

Django renders every widget through a template (``django/forms/widgets/input.html``,
``select.html`` and one ``select_option.html`` per option), and under the load benchmark
that was the largest part of the application page: a row of costs or incomes is two
selects of some thirty options and two inputs.  :class:`FastWidgetRenderer` writes the
commonest widgets' HTML directly, *the same bytes* as Django's templates
(tests/web/test_form_renderer.py compares the two for every kind of input, select and text
area with awkward values, and for whole case pages, empty and sent back with errors), and
leaves every other template to Django's renderer.  Set as ``FORM_RENDERER``."""

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

_CONTEXT = Context(autoescape=True)

_INPUT_TEMPLATES = frozenset(f"django/forms/widgets/{name}.html" for name in (
    "input", "text", "number", "email", "hidden", "date", "password", "url", "tel", "search", "time",
    "datetime", "color", "checkbox"))
_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"
_TEXTAREA = "django/forms/widgets/textarea.html"


def _out(value) -> str:
    """``{{ value }}`` in a template: localized, text, escaped unless safe."""
    return render_value_in_context(value, _CONTEXT)


def _stringformat(value) -> str:
    """``{{ value|stringformat:'s' }}``: ``"%s" % value``, still safe if it was, then escaped."""
    try:
        text = "%s" % value  # noqa: UP031 - the filter's own formatting, kept exactly
    except (ValueError, TypeError):
        text = ""
    if isinstance(value, SafeData):
        text = mark_safe(text)
    return conditional_escape(text)


def _attrs(attrs) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(" " + _out(name))
        if value is not True:
            parts.append(f'="{_stringformat(value)}"')
    return "".join(parts)


def _input(widget) -> str:
    value = widget["value"]
    shown = f' value="{_stringformat(value)}"' if value is not None else ""
    return f'<input type="{_out(widget["type"])}" name="{_out(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def _option(option) -> str:
    return f'<option value="{_stringformat(option["value"])}"{_attrs(option["attrs"])}>{_out(option["label"])}</option>'


def _select(widget) -> str | None:
    parts = [f'<select name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_out(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != _OPTION:
                return None  # an option of its own template: Django renders the whole select
            parts.append("\n  " + _option(option) + "\n")  # the option template's own last line break
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget) -> str:
    value = widget["value"]
    return (f'<textarea name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>\n'
            f'{_out(value) if value else ""}</textarea>')


class FastWidgetRenderer(DjangoTemplates):
    """Django's renderer strips what a template gives; the HTML written here has no outer
    whitespace to strip."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and set(context) == {"widget"}:
            html = None
            if template_name in _INPUT_TEMPLATES:
                html = _input(widget)
            elif template_name == _SELECT:
                html = _select(widget)
            elif template_name == _OPTION:
                html = _option(widget)
            elif template_name == _TEXTAREA:
                html = _textarea(widget)
            if html is not None:
                return mark_safe(html)  # noqa: S308 - every value above is escaped as the templates do
        return super().render(template_name, context, request)
