"""Mina sidor's messages box: the resident's own unread counts (never the partner's)."""

from django import template

from ..selectors_messages import unread_counts

register = template.Library()


@register.inclusion_tag("eservice/home/_messages_box.html", takes_context=True)
def messages_box(context):
    resident = context.get("resident")
    person = resident.person if resident is not None else None
    case = context.get("case")
    counts = unread_counts(person, case) if person is not None and case is not None else None
    return {"case": case, "counts": counts}
