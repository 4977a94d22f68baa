from django import template

from lika.core.household_json import Kronor
from lika.core.money import format_kronor

register = template.Library()


@register.filter
def kronor(value):
    """Öre (or a Kronor value) as '5 700,00 kr'."""
    if isinstance(value, Kronor):
        value = value.ore
    if value is None or value == "":
        return ""
    return format_kronor(int(value))


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
