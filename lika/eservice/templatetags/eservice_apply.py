"""The applying part of Mina sidor (templates/eservice/home/_apply.html): what waits for
her confirmation, and the household's applications."""

from django import template

from lika.audit.services import READ

from .. import applying
from ..access import resident_case

register = template.Library()


@register.simple_tag(takes_context=True)
def apply_summary(context):
    request = context.get("request")
    resident = getattr(request, "resident", None)
    person = resident.person if resident else None
    case = resident_case(person)
    applications = applying.household_applications(person)
    if case is not None:
        applying._log(action=READ, object_type="application", object_id="", person=person,
                      household_id=case.household_id, summary="Mina sidor: ansökningar")
    return {
        "has_case": case is not None,
        "can_apply": case is None or (case.status == "open" and bool(applying.month_choices(case))),
        "to_confirm": applying.pending_confirmations(person),
        "applications": applications,
    }
