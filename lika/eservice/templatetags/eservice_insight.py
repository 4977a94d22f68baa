"""The insight overview on Mina sidor (an include, so the home view stays the frame's)."""

from django import template

from lika.audit.services import READ, access_log_write

from .. import insight
from ..actor import eservice_actor

register = template.Library()


@register.inclusion_tag("eservice/insight/_overview.html", takes_context=True)
def insight_overview(context):
    person, case = context.get("person"), context.get("case")
    if person is None or case is None:
        return {"case": None}
    rows = insight.applications(person, case)[:3]
    household = insight.household_payments(person, case, limit=1)
    access_log_write(actor=eservice_actor(), action=READ, object_type="overview", person_id=person.pk,
                     household_id=case.household_id, summary="E-tjänsten: Mina sidor, översikt över ärendet")
    return {"case": case, "applications": rows, "latest_payment": household[0] if household else None,
            "meetings": insight.my_meetings(person, case)[:1]}
