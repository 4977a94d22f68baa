from django import template

from lika.core.disclosure import SUPPRESSED
from lika.grants.analysis_pages import points as points_text
from lika.statistics.report import format_value

register = template.Library()


@register.filter
def share(value):
    """A share (Fraction 0–1, SUPPRESSED or None) as ``38,5 %``, ``..`` or ``–``."""
    return format_value(value, "percent")


@register.filter
def points(value):
    """A gap in percentage points: ``+5,1``, ``−3,0``, ``..``, ``–``."""
    return points_text(value)


@register.filter
def count(value):
    return format_value(value, "count")


@register.filter
def ore(value):
    """Öre as whole kronor (statistics style): ``1 234 kr``."""
    return format_value(value, "kronor")


@register.filter
def signed(value):
    """A change in a count: ``+5``, ``−3``, ``±0``, ``..``, ``–``."""
    if value is None or value is SUPPRESSED:
        return format_value(value, "count")
    return ("+" if value > 0 else "±" if value == 0 else "−") + format_value(abs(value), "count")
