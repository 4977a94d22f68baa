from django import template

from lika.statistics.report import format_value

register = template.Library()


@register.filter
def cell(value, kind):
    """A report cell as Swedish text: ``..`` hidden, ``–`` empty."""
    return format_value(value, kind)


@register.filter
def hidden(value):
    return str(value) == ".."
