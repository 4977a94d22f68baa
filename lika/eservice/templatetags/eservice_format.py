"""Formatting for the residents' pages: an amount is isolated left to right, so that
"5 700,00 kr" reads the same inside an Arabic (right-to-left) sentence or table.  Loaded
after ``lika`` in the e-service's templates, it replaces the ``kronor`` filter there."""

from django import template
from django.utils.html import format_html

from lika.web.templatetags.lika import kronor as plain_kronor

register = template.Library()


@register.filter
def kronor(value):
    text = plain_kronor(value)
    return format_html('<bdi dir="ltr">{}</bdi>', text) if text else text
